"""Steps of the browser journeys through the portal and the ACM/IDM stand-in.

The portal and the stand-in are the same live server reached under two host
names, as in development: the portal at http://127.0.0.1:<port>, the stand-in
at http://localhost:<port>. Cookies are per host name, so the two never share
a session, and the portal fetches the stand-in's token endpoint over real HTTP.
"""

import datetime
import re
from dataclasses import dataclass
from urllib.parse import urlparse

from playwright.sync_api import expect

from demo.identities import DEMO_ORGANISATIONS
from establishments.services import registered_office_sync
from providers.models import ServiceProvider
from standin.models import SignInMethod
from tests.factories import OrganisationFactory, ServiceProviderFactory

PORTAL_HOST = "127.0.0.1"
STANDIN_HOST = "localhost"


@dataclass(frozen=True)
class Sites:
    portal: str
    standin: str

    def portal_url(self, path="/"):
        return f"{self.portal}{path}"

    def standin_url(self, path="/"):
        return f"{self.standin}/standin{path}"


def connect_portal_to_standin(*, live_server, settings, standin_application):
    """Point the portal's OIDC settings at the stand-in on the live server.

    Registers the portal as the stand-in's client for its live-server callback
    and post-logout URLs. portal.oidc reads the settings at every use, so the
    `settings` fixture is enough; the live server runs in this process.
    """
    port = urlparse(live_server.url).port
    sites = Sites(portal=f"http://{PORTAL_HOST}:{port}", standin=f"http://{STANDIN_HOST}:{port}")
    base = f"{sites.standin}/standin/op"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, PORTAL_HOST, STANDIN_HOST]
    settings.OIDC_OP_BASE_URL = base
    settings.OIDC_OP_ISSUER = base
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{base}/authorize/"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{base}/token/"
    settings.OIDC_OP_USER_ENDPOINT = f"{base}/userinfo/"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{base}/.well-known/jwks.json"
    settings.OIDC_OP_LOGOUT_ENDPOINT = f"{base}/logout/"
    settings.ACCESS_MANAGEMENT_URL = sites.standin_url("/idm/")
    standin_application(
        redirect_uris=[sites.portal_url("/oidc/callback/")],
        post_logout_redirect_uris=[sites.portal_url("/")],
    )
    return sites


def national_number(birth_date, sequence):
    """A valid rijksregisternummer: YYMMDD, a sequence number (odd for men, even for
    women) and 97 minus the remainder mod 97, with a leading 2 for births from 2000."""
    base = f"{birth_date:%y%m%d}{sequence:03d}"
    prefix = "2" if birth_date.year >= 2000 else ""
    check = 97 - int(prefix + base) % 97
    return f"{base}{check:02d}"


def field(page, label):
    """The form control labelled `label`: crispy adds an asterisk to required fields,
    and Playwright matches the label's text with its surrounding white space."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def iso(date):
    return date.strftime("%Y-%m-%d")


# --- The stand-in (ACM) ---------------------------------------------------------


def sign_in_at_standin(page, method, person):
    """On the stand-in's "Kies manier van aanmelden": `method` (a SignInMethod value,
    e.g. "itsme"), then the simulated check as `person` (their full name)."""
    expect(page.get_by_role("heading", name="Kies manier van aanmelden")).to_be_visible()
    label = str(SignInMethod(method).label)
    page.get_by_role("link", name=re.compile(re.escape(label))).click()
    page.get_by_role("radio", name=re.compile(rf"^{re.escape(person)} –")).check()
    page.get_by_role("button", name="Aanmelden", exact=True).click()


def sign_in_to_portal(page, sites, method, person, entry="Login dienstverleners"):
    """From the portal's home page, `entry` ("Login dienstverleners" or, for an SME,
    "Login ondernemingen") and sign in at the stand-in."""
    page.goto(sites.portal_url("/"))
    page.get_by_role("link", name=entry).click()
    sign_in_at_standin(page, method, person)


def sign_out_of_portal(page):
    page.get_by_role("button", name="Afmelden", exact=True).click()


# --- The stand-in's IDM (Gebruikersbeheer) ----------------------------------------


@dataclass(frozen=True)
class NewPerson:
    first_name: str
    last_name: str
    birth_date: datetime.date
    national_number: str
    phone: str

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class WorkRelationshipDetails:
    category: str
    begin_date: datetime.date
    end_date: datetime.date
    phone: str
    email: str


def idm_open_organisation(page, sites, organisation_name):
    """Gebruikersbeheer: choose the organisation to work for (asked of local
    administrators of several organisations)."""
    page.goto(sites.standin_url("/idm/"))
    if page.get_by_text("Hieronder moet u kiezen voor welke organisatie").count():
        page.get_by_role("link", name=organisation_name, exact=True).click()
    expect(page.get_by_role("heading", name="Personen", level=1)).to_be_visible()


def idm_add_person(page, person, relationship):
    """Voeg gebruiker toe, the three steps: number, details, work relationship."""
    page.get_by_role("link", name="Voeg gebruiker toe").click()
    field(page, "Rijksregisternummer / BIS-registernummer").fill(person.national_number)
    page.get_by_role("button", name="Verder").click()

    expect(page.get_by_text("Stap 2 van 3: Geef details")).to_be_visible()
    field(page, "Voornaam").fill(person.first_name)
    field(page, "Naam").fill(person.last_name)
    field(page, "Geboortedatum").fill(iso(person.birth_date))
    field(page, "Telefoonnummer").fill(person.phone)
    page.get_by_role("button", name="Verder").click()

    expect(page.get_by_text("Stap 3 van 3: Werkrelatie details")).to_be_visible()
    field(page, "Categorie").select_option(label=relationship.category)
    field(page, "Begindatum").fill(iso(relationship.begin_date))
    field(page, "Einddatum").fill(iso(relationship.end_date))
    field(page, "Telefoonnummer").fill(relationship.phone)
    field(page, "E-mailadres").fill(relationship.email)
    page.get_by_role("button", name="Bewaar").click()
    expect(page.get_by_role("heading", name="Gegevens van gebruiker")).to_be_visible()


def idm_grant_right(page, right, profile):
    """Ken gebruikersrecht toe on the person's page, with one profile, default dates."""
    page.get_by_role("link", name="Ken gebruikersrecht toe").click()
    field(page, "Gebruikersrecht").select_option(label=right)
    for name in ("Dienstverlener kmo-portefeuille", "Gebruiker"):
        checkbox = page.get_by_role("checkbox", name=name, exact=True)
        checkbox.set_checked(name == profile)
    page.get_by_role("button", name="Bevestig").click()
    expect(page.get_by_text("Het gebruikersrecht is toegekend.")).to_be_visible()


def idm_remove_right(page, right):
    """Verwijder the right named `right` on the person's page, and confirm."""
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=right))
    row.get_by_role("link", name="Verwijder").click()
    expect(page.get_by_role("heading", name="Verwijder gebruikersrecht")).to_be_visible()
    page.get_by_role("button", name="Verwijder").click()
    expect(page.get_by_text("Het gebruikersrecht is verwijderd.")).to_be_visible()


SCHELDE_KBO, SCHELDE_NAME = DEMO_ORGANISATIONS[0]
SCHELDE_ADDRESS = {
    "postcode": "2000",
    "municipality": "Antwerpen",
    "street": "Kribbestraat",
    "house_number": "12",
}
SCHELDE_EMAIL = "info@vormingscentrum-schelde.example"


def schelde_office(**fields):
    """Vormingscentrum Schelde (the demo people's organisation) with its registered
    office as service provider (MZ); `fields` add to or change the provider's."""
    organisation = OrganisationFactory(
        kbo_number=SCHELDE_KBO, name=SCHELDE_NAME, email=SCHELDE_EMAIL, **SCHELDE_ADDRESS
    )
    registered_office_sync(organisation=organisation)
    return ServiceProviderFactory(
        **{
            "organisation": organisation,
            "type": ServiceProvider.Type.REGISTERED_OFFICE,
            "name": SCHELDE_NAME,
            "kbo_number": SCHELDE_KBO,
            "email": SCHELDE_EMAIL,
            **SCHELDE_ADDRESS,
            **fields,
        }
    )
