"""factory_boy factories for the portal's models.

Alice and Bob work for different organisations; tests use them to check that
one never sees the other's things.
"""

import datetime
import functools
import io
from decimal import ROUND_HALF_UP, Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from organisations.models import Organisation
from portal.models import Membership, User
from providers.models import ServiceProvider, Vakgebied
from registrations.services import validity_end


def _kbo(n):
    """A valid KBO number from a sequence number (mod-97 check digits)."""
    # 0200.000.0xx: a leading 0, as every valid number has (0 or 1).
    base = 2_000_000 + n
    return f"{base:08d}{97 - base % 97:02d}"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Alice"
    last_name = "Peeters"
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.be")
    oidc_subject = factory.Sequence(lambda n: f"sub-{n:06d}")


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    kbo_number = factory.Sequence(_kbo)
    name = factory.Sequence(lambda n: f"Onderneming {n}")
    country = "BE"
    postcode = "9000"
    municipality = "Gent"
    street = "Korenmarkt"
    house_number = "1"
    email = factory.Sequence(lambda n: f"info{n}@onderneming.be")


class ServiceProviderFactory(DjangoModelFactory):
    class Meta:
        model = ServiceProvider

    organisation = factory.SubFactory(OrganisationFactory)
    type = ServiceProvider.Type.PROVIDER
    name = factory.Sequence(lambda n: f"Dienstverlener {n}")
    country = "BE"
    postcode = "1030"
    municipality = "Schaarbeek"
    street = "Koning Albert II-Laan"
    house_number = "35"
    email = factory.Sequence(lambda n: f"dv{n}@example.be")
    kbo_number = factory.LazyAttribute(lambda sp: sp.organisation.kbo_number)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    profile = Membership.Profile.PROVIDER


class EstablishmentFactory(DjangoModelFactory):
    class Meta:
        model = "establishments.Establishment"

    organisation = factory.SubFactory(OrganisationFactory)
    country = "BE"
    postcode = "3000"
    municipality = "Leuven"
    street = factory.Sequence(lambda n: f"Bondgenotenlaan {n}")
    house_number = "10"


@functools.cache
def pdf_bytes():
    """A small, valid one-page PDF (as an uploaded audit report would be)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


class RegistrationFactory(DjangoModelFactory):
    """A pending request for an advies registration, with a small PDF as audit report.

    The file is written to MEDIA_ROOT: point it at a temporary directory in tests
    (`settings.MEDIA_ROOT = tmp_path`). `approved=True` gives a registration in
    force from today for five years.
    """

    class Meta:
        model = "registrations.Registration"

    class Params:
        approved = factory.Trait(
            status="approved",
            number=factory.Sequence(lambda n: f"DV.A{n + 1:06d}"),
            valid_from=factory.LazyFunction(timezone.localdate),
            valid_until=factory.LazyAttribute(lambda r: validity_end(r.valid_from, 5)),
            decided_at=factory.LazyFunction(timezone.now),
        )

    service_provider = factory.SubFactory(ServiceProviderFactory)
    service_type = "A"
    audit_body = "Auditbureau Kwaliteit Vlaanderen"
    audit_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    audit_report = factory.django.FileField(filename="auditrapport.pdf", data=pdf_bytes())
    audit_report_name = "auditrapport.pdf"
    declaration_text = "Ik verklaar op eer dat de gegevens volledig en juist zijn."
    declared_by = factory.SubFactory(UserFactory)
    declared_by_name = factory.LazyAttribute(lambda r: r.declared_by.get_full_name())
    declared_at = factory.LazyFunction(timezone.now)


def _first_vakgebied():
    from providers.models import Vakgebied

    return Vakgebied.objects.order_by("name").first()


class ProjectFactory(DjangoModelFactory):
    """A filed subsidy dossier (status "ingediend") written directly, without the service.

    The provider gets an advies registration in force (no file is written) and the
    dossier's vakgebied in its selection; 30 % of EUR 1,000. For the rules and the
    subsidy computation use projects.services.project_submit instead. `confirmed=True`
    gives a dossier confirmed today (own share due in 30 days).
    """

    class Meta:
        model = "projects.Project"
        skip_postgeneration_save = True

    class Params:
        confirmed = factory.Trait(
            status="confirmed",
            confirmed_at=factory.LazyFunction(timezone.now),
            deposit_due_on=factory.LazyFunction(
                lambda: timezone.localdate() + datetime.timedelta(days=30)
            ),
        )

    number = factory.Sequence(lambda n: f"KMO-0000-{n:06d}")
    client = factory.SubFactory(OrganisationFactory)
    service_provider = factory.SubFactory(ServiceProviderFactory)
    provider_organisation = factory.SelfAttribute("service_provider.organisation")
    service_type = "A"
    registration = factory.SubFactory(
        RegistrationFactory,
        approved=True,
        service_provider=factory.SelfAttribute("..service_provider"),
        service_type=factory.SelfAttribute("..service_type"),
        number=factory.LazyAttribute(lambda r: f"DV.{r.service_type}{r.service_provider.pk:06d}"),
        valid_from=factory.LazyFunction(
            lambda: timezone.localdate() - datetime.timedelta(days=365)
        ),
        audit_report="registrations/audit-reports/factory.pdf",
    )
    title = factory.Sequence(lambda n: f"Project {n}")
    training_kind = factory.LazyAttribute(lambda p: "classroom" if p.service_type == "O" else "")
    vakgebied = factory.LazyFunction(_first_vakgebied)
    theme = "digitalisation"
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=3))
    end_date = factory.LazyAttribute(lambda p: p.start_date + datetime.timedelta(days=30))
    filed_on = factory.LazyFunction(timezone.localdate)
    amount_excl_vat = Decimal("1000.00")
    company_size = "small"
    subsidy_percentage = Decimal("30.00")
    subsidy_amount = factory.LazyAttribute(
        lambda p: (p.amount_excl_vat * p.subsidy_percentage / 100).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
    )
    own_share = factory.LazyAttribute(lambda p: p.amount_excl_vat - p.subsidy_amount)
    filed_by = factory.SubFactory(UserFactory)
    confirmation_due_on = factory.LazyAttribute(lambda p: p.filed_on + datetime.timedelta(days=30))

    @factory.post_generation
    def offers_vakgebied(project, create, extracted, **kwargs):
        if create and project.vakgebied_id:
            project.service_provider.vakgebieden.add(project.vakgebied)


def make_superuser(user):
    """Give `user` every right in the admin (a test's staff member who administers)."""
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    return user


def company_step1_data(provider, **changes):
    """What the browser posts on step 1 of "Mijn gegevens" for `provider`: its own values
    with a new bank account (Belfius), changed by `changes`."""
    data = {
        "name": provider.name,
        "country": "BE",
        "postcode": provider.postcode,
        "municipality": provider.municipality,
        "street": provider.street,
        "house_number": provider.house_number,
        "box": provider.box,
        "email": provider.email,
        "kbo_number": provider.kbo_number,
        "iban": "BE71 0961 2345 6769",
        "bic": "",
        "version": provider.version,
    }
    data.update(changes)
    return data


def sme_application_data(**changes):
    """What the browser posts for an SME's application: a small enterprise's classroom
    training in ICT, started three days ago, changed by `changes`."""
    today = timezone.localdate()
    data = {
        "service_type": "O",
        "title": "Bakken met zuurdesem",
        "training_kind": "classroom",
        "vakgebied": Vakgebied.objects.get(name="ICT").pk,
        "theme": "professional_skills",
        "higher_rate_topic": "",
        "start_date": (today - datetime.timedelta(days=3)).isoformat(),
        "end_date": (today + datetime.timedelta(days=30)).isoformat(),
        "amount_excl_vat": "1.250,50",
        "company_size": "small",
    }
    data.update(changes)
    return data
