"""Issue 15, "Phones": every page of the journeys fits a phone, and stays accessible.

Sofie Maes (provider), An Willems (SME) and Koen Janssens (the stand-in's IDM) sign in
once each, through the stand-in; then every page of their journeys, and the public
pages, is opened at 390 and 320 px wide, and at 768 (a tablet): the document may be no
wider than the viewport, and no box in it may scroll sideways (no sideways scrolling
at all). Axe scans each page at 390 and 1366 px: no serious or critical violation.
The data gives every list rows, with long names, e-mail addresses and titles, so that
a table or a word that does not fit shows up.
"""

import datetime
import re
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from demo.identities import DEMO_SME
from projects.models import Project
from projects.services import project_confirm, project_refuse
from providers.models import ServiceProvider, Vakgebied
from tests.browser.journeys import (
    SCHELDE_NAME,
    idm_open_organisation,
    schelde_office,
    sign_in_at_standin,
    sign_in_to_portal,
)
from tests.conftest import SERIOUS_IMPACTS, _describe_violations
from tests.factories import (
    EstablishmentFactory,
    MembershipFactory,
    OrganisationFactory,
    ProjectFactory,
    RegistrationFactory,
    ServiceProviderFactory,
    UserFactory,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The phones of the issue, and a tablet (where a table of many columns must reflow too).
PHONE_WIDTHS = (390, 320, 768)
AXE_WIDTHS = (390, 1366)
LONG_NAME = "Opleidingscentrum voor Bedrijfsautomatisering en Digitaliseringsbegeleiding"
LONG_EMAIL = "inschrijvingen.bedrijfsopleidingen@opleidingscentrum-digitalisering.example"
LONG_TITLE = "Begeleidingstraject digitaliseringsstrategie en procesautomatisering"

# Elements that stick out to the right of the viewport, to name in a failure.
OVERFLOWING = """() => {
  const width = window.innerWidth;
  const found = [];
  for (const element of document.querySelectorAll("body *")) {
    const box = element.getBoundingClientRect();
    if (box.width && box.right > width + 1) {
      const name = element.tagName.toLowerCase()
        + (element.id ? "#" + element.id : "")
        + (element.classList.length ? "." + [...element.classList].join(".") : "");
      found.push(name + " (" + Math.round(box.right) + " px)");
    }
  }
  return found.slice(-5);
}"""
# Boxes in the page that scroll sideways themselves (a .table-responsive wrapper): the
# page fits, but a column (the status) is off screen. A box made to scroll (the dossiers
# chart: focusable, so the keyboard scrolls it, and labelled) is left alone.
SCROLLING_BOXES = """() => [...document.querySelectorAll("main *")]
  .filter(element => ["auto", "scroll"].includes(getComputedStyle(element).overflowX)
    && element.scrollWidth > element.clientWidth + 1)
  .filter(element => !(element.tabIndex === 0
    && (element.hasAttribute("aria-label") || element.hasAttribute("aria-labelledby"))))
  .map(element => element.tagName.toLowerCase() + "." + [...element.classList].join("."))"""
# Buttons (and links that look like one) lower than 44 px: hard to hit with a thumb.
SMALL_BUTTONS = """() => [...document.querySelectorAll(
    "button, input[type=submit], a.btn, summary")]
  .filter(element => element.offsetParent !== null)
  .filter(element => element.getBoundingClientRect().height < 44)
  .map(element => (element.innerText || element.value || "").trim())"""


@pytest.fixture
def portal_data(db):
    """Vormingscentrum Schelde with a second provider, registrations in several states,
    establishments, a history of changes and dossiers of Bakkerij De Gouden Korst (An's
    enterprise) and of a client with a long name: every list has rows."""
    today = timezone.localdate()
    office = schelde_office(
        phone="+3292251234",
        website="https://www.vormingscentrum-schelde.example/opleidingen-voor-ondernemers",
        iban="BE71096123456769",
    )
    office.vakgebieden.set(Vakgebied.objects.order_by("name")[:6])
    second = ServiceProviderFactory(
        organisation=office.organisation,
        type=ServiceProvider.Type.PROVIDER,
        name=LONG_NAME,
        email=LONG_EMAIL,
        kbo_number=office.kbo_number,
    )
    RegistrationFactory(
        approved=True,
        service_provider=office,
        service_type="O",
        number="DV.O000101",
        valid_from=today - datetime.timedelta(days=400),
    )
    RegistrationFactory(service_provider=second)  # a request for advies, pending
    EstablishmentFactory(
        organisation=office.organisation,
        name=LONG_NAME,
        email=LONG_EMAIL,
        postcode="9000",
        municipality="Gent",
        street="Sint-Pietersnieuwstraat",
    )
    # Two changes by Sofie: the history has entries with changed fields.
    office.email = LONG_EMAIL
    office.save()
    second.website = "https://www.opleidingscentrum-digitalisering.example/"
    second.save()

    bakkerij = OrganisationFactory(kbo_number=DEMO_SME[0], name=DEMO_SME[1])
    long_client = OrganisationFactory(name=f"{LONG_NAME} Noord-Limburg")
    sofie = UserFactory(username="sofie-dossiers", first_name="Sofie", last_name="Maes")
    MembershipFactory(user=sofie, organisation=office.organisation)
    dossiers = [
        ProjectFactory(
            client=client,
            service_provider=office,
            service_type="O",
            title=LONG_TITLE,
            amount_excl_vat=Decimal("12500.00"),
            registration=office.registrations.get(),
        )
        for client in (bakkerij, bakkerij, long_client)
    ]
    project_confirm(project=dossiers[0], user=sofie, remark="Inschrijving ontvangen.")
    project_refuse(
        project=dossiers[1],
        user=sofie,
        reason=Project.RefusalReason.values[0],
        remark="De opleiding is geannuleerd wegens te weinig inschrijvingen.",
    )
    return {"office": office, "second": second, "dossier": dossiers[0], "filed": dossiers[2]}


def path(name, *args):
    return reverse(name, args=args)


def check_pages(page, sites, visits):
    """Open every visit at each width; return the failures and the measured widths."""
    failures, widths = [], {}
    for width in (*PHONE_WIDTHS, 1366):
        page.set_viewport_size({"width": width, "height": 800})
        for name, visit in visits:
            visit(page)
            if width in PHONE_WIDTHS:
                document_width = page.evaluate("document.documentElement.scrollWidth")
                widths[(name, width)] = document_width
                if document_width > page.evaluate("window.innerWidth"):
                    failures.append(
                        f"{name} at {width} px is {document_width} px wide: "
                        + ", ".join(page.evaluate(OVERFLOWING))
                    )
                scrolling = page.evaluate(SCROLLING_BOXES)
                if scrolling:
                    failures.append(f"{name} at {width} px scrolls sideways in {scrolling}")
                small = page.evaluate(SMALL_BUTTONS) if width < 576 else []
                if small:
                    failures.append(f"{name} at {width} px has buttons under 44 px: {small}")
            if width in AXE_WIDTHS:
                violations = Axe().run(page).response["violations"]
                serious = [v for v in violations if v["impact"] in SERIOUS_IMPACTS]
                if serious:
                    failures.append(
                        f"axe on {name} at {width} px:\n" + _describe_violations(serious)
                    )
    print("\n".join(f"{name} @ {width}: {px} px" for (name, width), px in widths.items()))
    return failures


def go(sites, url):
    def visit(page):
        page.goto(sites.portal_url(url))
        expect(page.get_by_role("heading", level=1)).to_be_visible()

    return visit


def company_step_2(sites, provider):
    def visit(page):
        page.goto(sites.portal_url(path("providers:company-step-1", provider.pk)))
        page.get_by_role("button", name="VERDER").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("stap 2")

    return visit


def test_the_public_and_provider_pages_fit_a_phone_and_pass_axe(sites, portal_data, page):
    office, second = portal_data["office"], portal_data["second"]
    registration = office.registrations.get()
    pending = second.registrations.get()
    establishment = office.organisation.establishments.filter(name=LONG_NAME).get()
    sign_in_to_portal(page, sites, "itsme", "Sofie Maes")
    expect(page.get_by_role("heading", name="Dienstverlener: menu", level=1)).to_be_visible()

    visits = [
        ("home", go(sites, "/")),
        ("search results", go(sites, path("directory:search") + "?q=schelde")),
        ("search, all providers", go(sites, path("directory:search"))),
        ("public provider page", go(sites, path("directory:detail", office.pk))),
        ("provider menu", go(sites, path("portal:provider-menu"))),
        ("registrations", go(sites, path("registrations:list"))),
        ("registration detail", go(sites, path("registrations:detail", registration.pk))),
        ("registration form", go(sites, path("registrations:create", second.pk))),
        ("registration cancel", go(sites, path("registrations:cancel", pending.pk))),
        ("providers", go(sites, path("providers:list"))),
        ("provider detail", go(sites, path("providers:detail", second.pk))),
        ("company data step 1", go(sites, path("providers:company-step-1", office.pk))),
        ("company data step 2", company_step_2(sites, office)),
        ("history", go(sites, path("providers:history"))),
        ("establishments", go(sites, path("establishments:list"))),
        ("establishment detail", go(sites, path("establishments:detail", establishment.pk))),
        ("establishment form", go(sites, path("establishments:create"))),
        ("projects", go(sites, path("projects:list"))),
        ("project detail", go(sites, path("projects:detail", portal_data["dossier"].pk))),
        ("project confirm", go(sites, path("projects:confirm", portal_data["filed"].pk))),
        ("project refuse", go(sites, path("projects:refuse", portal_data["filed"].pk))),
        ("account", go(sites, path("portal:account"))),
    ]
    failures = check_pages(page, sites, visits)

    assert not failures, "\n".join(failures)


def test_the_sme_pages_fit_a_phone_and_pass_axe(sites, portal_data, page):
    page.goto(sites.portal_url("/"))
    page.get_by_role("link", name="Login ondernemingen").click()
    sign_in_at_standin(page, "itsme", "An Willems")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    if page.get_by_role("link", name=re.compile(re.escape(DEMO_SME[1]))).count():
        page.get_by_role("link", name=re.compile(re.escape(DEMO_SME[1]))).first.click()

    visits = [
        ("SME start page", go(sites, path("portal:sme-home"))),
        ("SME dossiers", go(sites, path("sme-projects:list"))),
        ("SME dossier detail", go(sites, path("sme-projects:detail", portal_data["dossier"].pk))),
        ("SME dossier stop", go(sites, path("sme-projects:stop", portal_data["dossier"].pk))),
        ("SME choose provider", go(sites, path("sme-projects:choose-provider") + "?q=schelde")),
        (
            "SME application form",
            go(sites, path("sme-projects:create", portal_data["office"].pk)),
        ),
    ]
    failures = check_pages(page, sites, visits)

    assert not failures, "\n".join(failures)


def test_the_standin_idm_pages_fit_a_phone_and_pass_axe(sites, portal_data, page):
    page.goto(sites.standin_url("/aanmelden/"))
    sign_in_at_standin(page, "eid", "Koen Janssens")
    idm_open_organisation(page, sites, SCHELDE_NAME)
    organisation_url = page.url
    page.get_by_role("link", name="Sofie Maes", exact=True).click()
    person_url = page.url
    page.get_by_role("link", name="Historiek", exact=True).click()
    history_url = page.url

    def visit(url):
        def open_page(page):
            page.goto(url)
            expect(page.get_by_role("heading", level=1)).to_be_visible()

        return open_page

    visits = [
        ("IDM home", visit(sites.standin_url("/idm/"))),
        ("IDM organisation", visit(organisation_url)),
        ("IDM person", visit(person_url)),
        ("IDM person history", visit(history_url)),
    ]
    failures = check_pages(page, sites, visits)

    assert not failures, "\n".join(failures)
