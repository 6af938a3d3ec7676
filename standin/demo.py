"""Demo data of the stand-in: the portal's OIDC client, the IDM organisations and people.

`load()` is idempotent; the demo data command and the tests call it. Dates are
relative to today so that the rights stay valid (or expired) whatever the day.
The rijksregisternummers are made up but valid; two are of people born after
2000, so that both check-digit rules are in use.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import get_application_model

from core.dates import add_years
from demo.identities import DEMO_LAPSED_PERSON, DEMO_ORGANISATIONS, DEMO_SME, demo_subject
from standin import validators as national_numbers
from standin.models import (
    IdmOrganisation,
    LocalAdministrator,
    Person,
    UserRight,
    WorkRelationship,
    today,
)

PORTAL_CLIENT_NAME = "Kmo-portefeuille – portaal dienstverleners"

SCHELDE, LEIE, KEMPEN = (kbo for kbo, _name in DEMO_ORGANISATIONS)
SME = DEMO_SME[0]
PROVIDER, USER = "provider", "sme"

# Each person: who they are, what they can do, and their rights as
# (KBO, profiles, expired?). Shown on the stand-in's start page and in the README.
DEMO_PEOPLE = [
    {
        "key": "marleen",
        "first_name": "Marleen",
        "last_name": "Claes",
        "national_number": "68031212492",
        "sex": "V",
        "description": _(
            "Wettelijk vertegenwoordiger van de vier demo-ondernemingen; stelt de lokale "
            "beheerder aan. Heeft zelf geen gebruikersrecht."
        ),
        "represents": [SCHELDE, LEIE, KEMPEN, SME],
        "rights": [],
    },
    {
        "key": "koen",
        "first_name": "Koen",
        "last_name": "Janssens",
        "national_number": "75110203703",
        "sex": "M",
        "description": _(
            "Lokale beheerder van de drie dienstverleners: beheert in het Gebruikersbeheer "
            "werkrelaties en gebruikersrechten. Heeft zelf (nog) geen gebruikersrecht."
        ),
        "administers": [SCHELDE, LEIE, KEMPEN],
        "rights": [],
    },
    {
        "key": "sofie",
        "first_name": "Sofie",
        "last_name": "Maes",
        "national_number": "01041808238",
        "sex": "V",
        "description": _("Dienstverlener voor Vormingscentrum Schelde."),
        "rights": [(SCHELDE, [PROVIDER], False)],
    },
    {
        "key": "pieter",
        "first_name": "Pieter",
        "last_name": "De Smet",
        "national_number": "90041815361",
        "sex": "M",
        "description": _(
            "Dienstverlener voor twee organisaties (Adviesbureau Leie & Partners en "
            "Kennisatelier Kempen): kiest na het aanmelden voor welke hij werkt."
        ),
        "rights": [(LEIE, [PROVIDER], False), (KEMPEN, [PROVIDER], False)],
    },
    {
        "key": "an",
        "first_name": "An",
        "last_name": "Willems",
        "national_number": "85073024609",
        "sex": "V",
        "description": _("Kmo-gebruiker (profiel Gebruiker) voor Bakkerij De Gouden Korst."),
        "rights": [(SME, [USER], False)],
    },
    {
        "key": "tom",
        **DEMO_LAPSED_PERSON,
        "sex": "M",
        "description": _(
            "Zijn gebruikersrecht voor Vormingscentrum Schelde is verlopen: het portaal "
            "geeft hem geen toegang."
        ),
        "rights": [(SCHELDE, [PROVIDER], True)],
    },
]


def portal_redirect_uri():
    """Where the stand-in sends the browser back after sign-in: the portal's callback at
    PORTAL_BASE_URL (http://127.0.0.1:<PORT> in development, portal/settings.py)."""
    return f"{settings.PORTAL_BASE_URL}/oidc/callback/"


def portal_post_logout_uri():
    return f"{settings.PORTAL_BASE_URL}/"


def _merged(existing, added):
    """`existing` (DOT's space-separated list) with `added` appended, each once, in order."""
    return " ".join(dict.fromkeys([*existing.split(), *added]))


def register_client(
    *, client_id, client_secret, redirect_uris, post_logout_redirect_uris, name, replace=False
):
    """Create or update a confidential authorization-code client signing with RS256.

    The redirect and post-logout URIs are added to those the client already has, so
    that registering the portal at one address (`make demo` on another port, `make up`)
    never undoes its registration at another. `replace` keeps only the given ones.
    """
    Application = get_application_model()
    application = Application.objects.filter(client_id=client_id).first()
    if application is None:
        application = Application(client_id=client_id)
    application.name = name
    application.client_type = Application.CLIENT_CONFIDENTIAL
    application.authorization_grant_type = Application.GRANT_AUTHORIZATION_CODE
    application.algorithm = Application.RS256_ALGORITHM
    application.skip_authorization = True
    kept_redirects = "" if replace else application.redirect_uris or ""
    kept_logouts = "" if replace else application.post_logout_redirect_uris or ""
    application.redirect_uris = _merged(kept_redirects, redirect_uris)
    application.post_logout_redirect_uris = _merged(kept_logouts, post_logout_redirect_uris)
    # Kept as given, not hashed: DOT would hash it with the password hasher (PBKDF2,
    # a million rounds) and check that hash at every token request, which cost the
    # stand-in ~270 ms of CPU per sign-in under the load test (ops/load), time that
    # ACM's token endpoint does not take. The stand-in is never in production, and its
    # client's secret is in the portal's settings in plain text anyway.
    application.hash_client_secret = False
    application.client_secret = client_secret
    application.save()
    return application


def register_portal_client(redirect_uri=None, post_logout_redirect_uri=None):
    """Register the portal's client (OIDC_RP_CLIENT_ID) at its current address, keeping
    the addresses it was registered at before."""
    return register_client(
        client_id=settings.OIDC_RP_CLIENT_ID,
        client_secret=settings.OIDC_RP_CLIENT_SECRET,
        redirect_uris=[redirect_uri or portal_redirect_uri()],
        post_logout_redirect_uris=[post_logout_redirect_uri or portal_post_logout_uri()],
        name=PORTAL_CLIENT_NAME,
    )


def _email(person_data, kbo=None):
    domain = "example.be" if kbo is None else f"org{kbo[-4:]}.example.be"
    return f"{person_data['key']}@{domain}"


@transaction.atomic
def load():
    """Create or refresh the demo client, organisations and people. Idempotent."""
    register_portal_client()
    organisations = {}
    for kbo, name in [*DEMO_ORGANISATIONS, DEMO_SME]:
        organisation, _created = IdmOrganisation.objects.update_or_create(
            kbo_number=kbo, defaults={"name": name}
        )
        organisations[kbo] = organisation

    start = today() - datetime.timedelta(days=365)
    people = {}
    for data in DEMO_PEOPLE:
        details = {
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "birth_date": national_numbers.birth_date_from_national_number(
                data["national_number"]
            ),
            "sex": data["sex"],
            "phone": "+3292671200",
            "email": _email(data),
        }
        person, _created = Person.objects.update_or_create(
            national_number=data["national_number"],
            # A fixed `sub` for a new person, so the portal's demo can know them
            # (demo.access); an existing person keeps theirs.
            create_defaults={**details, "uuid": demo_subject(data["national_number"])},
            defaults=details,
        )
        people[data["key"]] = person
        for kbo in data.get("represents", []):
            organisations[kbo].legal_representatives.add(person)

    for data in DEMO_PEOPLE:
        person = people[data["key"]]
        for kbo in data.get("administers", []):
            LocalAdministrator.objects.get_or_create(
                person=person,
                organisation=organisations[kbo],
                defaults={"appointed_by": people["marleen"]},
            )
        for kbo, profiles, expired in data["rights"]:
            begin = start - datetime.timedelta(days=3 * 365) if expired else start
            relationship, _created = WorkRelationship.objects.update_or_create(
                person=person,
                organisation=organisations[kbo],
                defaults={
                    "category": WorkRelationship.Category.PERMANENT,
                    "begin_date": begin,
                    "end_date": add_years(begin, 10),
                    "phone": "+3292671200",
                    "email": _email(data, kbo),
                    "paused": False,
                },
            )
            if expired:
                begin, end = relationship.begin_date, today() - datetime.timedelta(days=30)
            else:
                begin, end = start, add_years(start, 5)
            right = relationship.rights.first() or UserRight(work_relationship=relationship)
            right.right = UserRight.Right.VLAIO_INKOM
            right.profile_provider = PROVIDER in profiles
            right.profile_sme = USER in profiles
            right.begin_date, right.end_date, right.paused = begin, end, False
            right.full_clean()
            right.save()
    return people


def demo_person(key):
    """The stand-in Person of a DEMO_PEOPLE entry (after `load()`)."""
    data = next(item for item in DEMO_PEOPLE if item["key"] == key)
    return Person.objects.get(national_number=data["national_number"])
