"""A small directory for the public-search tests, written through the services so
that the search documents follow as they do in real life.

Listed providers have an approved registration in force; Lapsed, Suspended and
Pending never may appear. Places are real postcodes (their coordinates come
from the postcode table): Gent 9000, Ledeberg 9050 (in Gent), Kortrijk 8500,
Brugge 8000, Antwerpen 2000, Leuven 3000, Mechelen 2800, Hasselt 3500.
"""

import datetime
import itertools

import pytest
from django.utils import timezone

from demo.providers import kbo_from_base
from establishments.models import Establishment
from establishments.services import (
    establishment_create,
    establishment_deactivate,
    registered_office_sync,
)
from providers.models import ServiceProvider, Vakgebied
from registrations.models import Registration
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    RegistrationFactory,
    ServiceProviderFactory,
)

VALID_IBAN = "BE71096123456769"
# A self-employed trainer under Adviesbureau Leie, with an enterprise number of their own.
TRAINER_KBO = kbo_from_base(3_123_456)
_numbers = itertools.count(1)


def provider_user(organisation):
    """A provider user of `organisation`: the services write only for such a person."""
    return MembershipFactory(organisation=organisation).user


def register(provider, service_type="O", *, status="approved", valid_from=None, years=5):
    """A registration of `provider`: approved and in force from today unless told otherwise."""
    today = timezone.localdate()
    valid_from = valid_from or today - datetime.timedelta(days=30)
    numbered = status in ("approved", "suspended")
    return RegistrationFactory(
        service_provider=provider,
        service_type=service_type,
        status=status,
        number=f"DV.{service_type}{next(_numbers) + 100:06d}" if numbered else "",
        valid_from=valid_from if numbered else None,
        valid_until=valid_from + datetime.timedelta(days=365 * years) if numbered else None,
        decided_at=timezone.now() if status != "requested" else None,
        # A path only: the search never opens the audit report, so no file is written.
        audit_report="registrations/audit-reports/search-test.pdf",
    )


def provider(
    name,
    *,
    place=("9000", "Gent"),
    description="",
    vakgebieden=(),
    types=("O",),
    branches=(),
    organisation=None,
    **fields,
):
    """A service provider with its organisation, registered office at `place`,
    extra establishments at `branches` and registrations of `types`."""
    postcode, municipality = place
    if organisation is None:
        organisation = OrganisationFactory(
            name=name, postcode=postcode, municipality=municipality, street="Kerkstraat"
        )
        registered_office_sync(organisation=organisation)
        for branch_postcode, branch_municipality in branches:
            establishment_create(
                organisation=organisation,
                user=provider_user(organisation),
                data={
                    "postcode": branch_postcode,
                    "municipality": branch_municipality,
                    "street": "Stationsstraat",
                    "house_number": "2",
                },
            )
    result = ServiceProviderFactory(
        organisation=organisation,
        type=ServiceProvider.Type.REGISTERED_OFFICE
        if not organisation.service_providers.exists()
        else ServiceProvider.Type.PROVIDER,
        name=name,
        description=description,
        postcode=postcode,
        municipality=municipality,
        **fields,
    )
    result.vakgebieden.set(Vakgebied.objects.filter(name__in=vakgebieden))
    for service_type in types:
        register(result, service_type)
    return result


def build_corpus():
    """The providers of the search tests, by a short key."""
    corpus = {}
    corpus["schelde"] = provider(
        "Vormingscentrum Schelde",
        place=("2000", "Antwerpen"),
        description="Wij geven opleidingen in boekhouding en fiscaliteit voor kmo's.",
        vakgebieden=["Administratie en financiën"],
        types=("O",),
        phone="+3232271200",
        website="https://www.schelde.example/",
    )
    corpus["cafe"] = provider(
        "Café Academie",
        place=("9000", "Gent"),
        description="Een opleiding horeca en gastvrijheid, klassikaal of bij u.",
        vakgebieden=["Toeristische dienstverlening"],
        types=("O", "A"),
    )
    corpus["leie"] = provider(
        "Adviesbureau Leie",
        place=("8500", "Kortrijk"),
        branches=[("9050", "Ledeberg")],
        description="Advies over marketing en verkoop voor groeiende bedrijven.",
        vakgebieden=["Marketing, communicatie en verkoop"],
        types=("A",),
        iban=VALID_IBAN,
        bic="GKCCBEBB",
        contact_first_name="Griet",
        contact_last_name="Verborgen",
        extra_info="Sleutel ligt onder de mat",
    )
    corpus["leie_trainer"] = provider(
        "Jens Lauwers",
        organisation=corpus["leie"].organisation,
        place=("8500", "Kortrijk"),
        description="Zelfstandige lesgever verkooptechnieken.",
        vakgebieden=["Marketing, communicatie en verkoop", "Talen"],
        types=("O",),
        kbo_number=TRAINER_KBO,
    )
    corpus["digitaal"] = provider(
        "Digitaal Atelier",
        place=("3000", "Leuven"),
        description="Cyberbeveiliging en netwerken voor kleine ondernemingen.",
        vakgebieden=["ICT"],
        types=("O",),
    )
    corpus["taal"] = provider(
        "Taalhuis Mechelen",
        place=("2800", "Mechelen"),
        description="Zakelijk Frans en Engels voor uw medewerkers.",
        vakgebieden=["Talen"],
        types=("O",),
    )
    corpus["energie"] = provider(
        "Energie Advies Limburg",
        place=("3500", "Hasselt"),
        description="Energieaudit, zonnepanelen en warmtepompen.",
        vakgebieden=["Energie"],
        types=("A",),
    )
    corpus["logistiek"] = provider(
        "Logistiek Partners",
        place=("8000", "Brugge"),
        branches=[("9000", "Gent")],
        description="Magazijnbeheer en vlootbeheer.",
        vakgebieden=["Transport en logistiek"],
        types=("A",),
    )
    # Its Gent establishment closed: it must not count for a search near Gent.
    gent_branch = Establishment.objects.get(
        organisation=corpus["logistiek"].organisation, postcode="9000"
    )
    establishment_deactivate(
        establishment=gent_branch, user=provider_user(gent_branch.organisation)
    )

    # Never listed.
    corpus["lapsed"] = provider(
        "Verlopen Opleidingen Gent",
        place=("9000", "Gent"),
        description="Opleidingen boekhouding en advies.",
        vakgebieden=["Administratie en financiën"],
        types=(),
    )
    register(
        corpus["lapsed"],
        "O",
        valid_from=timezone.localdate() - datetime.timedelta(days=5 * 365 + 10),
    )
    corpus["suspended"] = provider(
        "Geschorst Advies Gent",
        place=("9000", "Gent"),
        description="Advies boekhouding.",
        vakgebieden=["Administratie en financiën"],
        types=(),
    )
    register(corpus["suspended"], "A", status="suspended")
    corpus["pending"] = provider(
        "Aangevraagd Advies Gent",
        place=("9000", "Gent"),
        description="Advies boekhouding.",
        vakgebieden=["Administratie en financiën"],
        types=(),
    )
    register(corpus["pending"], "A", status="requested")
    return corpus


LISTED = {"schelde", "cafe", "leie", "leie_trainer", "digitaal", "taal", "energie", "logistiek"}
UNLISTED = {"lapsed", "suspended", "pending"}


def names(providers):
    return {provider.name for provider in providers}


def keys(corpus, providers):
    by_pk = {value.pk: key for key, value in corpus.items()}
    return {by_pk[provider.pk] for provider in providers}


def registration_of(provider, service_type="O"):
    return Registration.objects.get(service_provider=provider, service_type=service_type)


def dictionary_installed():
    from directory.compounds import dictionary_path

    return dictionary_path().is_file()


# Tests of what compounds mean need Debian's hunspell-nl (make test installs it as root).
requires_dictionary = pytest.mark.skipif(
    not dictionary_installed(), reason="hunspell-nl is not installed (/usr/share/hunspell/nl.dic)"
)
