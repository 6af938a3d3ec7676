"""Issue 7 in a real browser: a subsidy dossier from application to payment.

An Willems files an application for Bakkerij De Gouden Korst naming Vormingscentrum
Schelde and one of its vakgebieden; an application 15 days after the start date is
refused with the message first. Sofie Maes sees the dossier in 2.4 "Overzicht
projecten" and confirms it. Sam of the agency records the own share, grants the
subsidy and records a payment in the Django admin. An and Sofie both see the new
status, and Sofie's CSV export holds the row. A second journey covers the refusal
(with its reason, which An reads) and An's stop of a dossier.

An and Sofie sign in through the real OIDC flow against the ACM/IDM stand-in, each in
a browser context of their own; Sam signs in to the admin in a third (see
tests/browser/journeys.py).
"""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from demo.identities import DEMO_ORGANISATIONS, DEMO_SME
from portal.models import Membership
from projects.models import Project
from projects.services import project_submit
from providers.models import Vakgebied
from tests.browser.journeys import (
    field,
    iso,
    schelde_office,
    sign_in_to_portal,
)
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    RegistrationFactory,
    UserFactory,
)

# Postcodes, vakgebieden and the subsidy rates come from data migrations, which
# transactional tests flush.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCHELDE_KBO, SCHELDE_NAME = DEMO_ORGANISATIONS[0]
SME_KBO, SME_NAME = DEMO_SME
VAKGEBIED = "Talen"
TITLE = "Frans voor de winkel"
STAFF_PASSWORD = "medewerker-wachtwoord"


@pytest.fixture
def schelde(db):
    """Vormingscentrum Schelde (MZ), registered for opleiding, active in Talen and HRM."""
    provider = schelde_office()
    provider.vakgebieden.set(Vakgebied.objects.filter(name__in=[VAKGEBIED, "HRM"]))
    RegistrationFactory(
        approved=True,
        service_provider=provider,
        service_type="O",
        number="DV.O000101",
        valid_from=timezone.localdate() - datetime.timedelta(days=400),
        valid_until=timezone.localdate() + datetime.timedelta(days=1000),
    )
    return provider


@pytest.fixture
def bakkerij(db):
    return OrganisationFactory(kbo_number=SME_KBO, name=SME_NAME, email="info@goudenkorst.example")


def new_page(browser):
    context = browser.new_context(locale="nl-BE", accept_downloads=True)
    context.set_default_timeout(10_000)
    return context, context.new_page()


@pytest.fixture
def provider_page(browser, live_server_static_files):
    """Sofie's browser: a context of her own, so no cookies are shared with An's."""
    context, page = new_page(browser)
    yield page
    context.close()


@pytest.fixture
def agency_page(browser, sites):
    """Sam (agency staff) signed in to the Django admin in a context of his own."""
    sam = UserFactory(
        username="sam", first_name="Sam", last_name="VLAIO", is_staff=True, is_superuser=True
    )
    sam.set_password(STAFF_PASSWORD)
    sam.save()
    context, page = new_page(browser)
    page.goto(sites.portal_url("/admin/login/"))
    page.locator("#id_username").fill("sam")
    page.locator("#id_password").fill(STAFF_PASSWORD)
    page.locator("input[type=submit]").click()
    expect(page.locator("#user-tools")).to_contain_text("Sam")
    yield page
    context.close()


def fill_application(page, *, start_date):
    """Step 2 of the application: an opleiding in Talen, classroom, EUR 1,250.00."""
    today = timezone.localdate()
    page.get_by_role("radio", name="opleiding", exact=True).check()
    field(page, "Titel van het project").fill(TITLE)
    page.get_by_role("radio", name="klassikaal", exact=True).check()
    field(page, "Vakgebied").select_option(label=VAKGEBIED)
    field(page, "Thema").select_option(label="Beroepsspecifieke competenties")
    field(page, "Startdatum").fill(iso(start_date))
    field(page, "Einddatum").fill(iso(today + datetime.timedelta(days=40)))
    field(page, "Bedrag exclusief btw (euro)").fill("1.250,00")
    page.get_by_role("radio", name="kleine onderneming", exact=True).check()


def admin_step(page, sites, project, step, **fields):
    """Sam takes one step on the dossier's admin page and sees it done."""
    page.goto(sites.portal_url(reverse("admin:projects_project_change", args=[project.pk])))
    page.locator(".object-tools").get_by_role("link", name=step, exact=True).click()
    for label, value in fields.items():
        page.get_by_label(label).fill(value)
    page.locator(".submit-row input[type=submit]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()


def test_an_application_is_filed_confirmed_granted_paid_and_exported(
    sites, schelde, bakkerij, page, provider_page, agency_page, assert_no_serious_axe_violations
):
    today = timezone.localdate()

    # An signs in and starts a new application from the SME home page.
    sign_in_to_portal(page, sites, "itsme", "An Willems")
    expect(page.get_by_role("heading", name="Kmo-portefeuille voor ondernemingen")).to_be_visible()
    assert_no_serious_axe_violations(page)
    page.get_by_role("main").get_by_role("link", name="Nieuwe steunaanvraag").click()

    # Step 1: find the provider by name and choose it.
    expect(page.get_by_role("heading", name="Kies een dienstverlener")).to_be_visible()
    field(page, "Naam, ondernemingsnummer of registratienummer van de dienstverlener").fill(
        "schelde"
    )
    page.get_by_role("button", name="Zoeken").click()
    result = page.locator("main li").filter(has_text=SCHELDE_NAME)
    expect(result).to_contain_text("DV.O000101")
    expect(result).to_contain_text(VAKGEBIED)
    assert_no_serious_axe_violations(page)
    result.get_by_role("link", name=f"Kies {SCHELDE_NAME}").click()

    # Step 2: a start 15 days ago is refused next to the start date, the input kept.
    expect(page.get_by_role("heading", name="Gegevens van de aanvraag")).to_be_visible()
    vakgebied_options = field(page, "Vakgebied").locator("option")
    expect(vakgebied_options).to_have_text(["Kies een vakgebied", "HRM", VAKGEBIED])
    fill_application(page, start_date=today - datetime.timedelta(days=15))
    page.get_by_role("button", name="VERDER").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link", name=re.compile(r"^Startdatum: "))).to_be_visible()
    start_input = field(page, "Startdatum")
    expect(start_input).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#div_id_start_date")).to_contain_text(
        "Een steunaanvraag moet ten laatste 14 kalenderdagen na de startdatum ingediend worden."
    )
    expect(field(page, "Titel van het project")).to_have_value(TITLE)
    expect(field(page, "Bedrag exclusief btw (euro)")).to_have_value("1.250,00")
    assert_no_serious_axe_violations(page)
    assert not Project.objects.exists()

    # A start 3 days ago is in time: the subsidy is shown before submitting.
    start_input.fill(iso(today - datetime.timedelta(days=3)))
    page.get_by_role("button", name="VERDER").click()
    expect(page.get_by_role("heading", name="Controleer en dien in")).to_be_visible()
    expect(page.locator("#steunbedrag")).to_contain_text("U krijgt € 375,00 steun (30 %).")
    expect(page.locator("#steunbedrag")).to_contain_text("Uw eigen aandeel is € 875,00")
    assert_no_serious_axe_violations(page)
    assert not Project.objects.exists()
    page.get_by_role("button", name="Dien de aanvraag in").click()

    project = Project.objects.get()
    expect(page.get_by_text(f"Uw steunaanvraag {project.number} is ingediend.")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Steundossier {project.number}")).to_be_visible()
    expect(page.locator("main")).to_contain_text("ingediend")
    assert_no_serious_axe_violations(page)
    assert project.vakgebied.name == VAKGEBIED
    assert project.service_provider == schelde

    # Sofie finds it in 2.4 with the days left to confirm, and confirms it.
    sign_in_to_portal(provider_page, sites, "itsme", "Sofie Maes")
    navigation = provider_page.get_by_role("navigation", name="Menu dienstverlener")
    navigation.get_by_role("link", name=re.compile("Overzicht projecten")).click()
    expect(provider_page.get_by_role("heading", name="Overzicht projecten")).to_be_visible()
    row = provider_page.get_by_role("row").filter(has_text=project.number)
    expect(row).to_contain_text(SME_NAME)
    expect(row).to_contain_text("ingediend")
    expect(row).to_contain_text("nog 30 dagen")
    expect(provider_page.locator("#totalen")).to_contain_text("€ 375,00")
    assert_no_serious_axe_violations(provider_page)

    row.get_by_role("link", name=project.number).click()
    expect(
        provider_page.get_by_role("heading", name=f"Steundossier {project.number}")
    ).to_be_visible()
    assert_no_serious_axe_violations(provider_page)
    provider_page.get_by_role("link", name="Bevestigen").click()
    expect(provider_page.get_by_role("heading", name="Aanvraag bevestigen")).to_be_visible()
    assert_no_serious_axe_violations(provider_page)
    provider_page.get_by_role("button", name="Bevestigen").click()
    expect(provider_page.get_by_text("U hebt de aanvraag bevestigd.")).to_be_visible()
    expect(provider_page.locator("main")).to_contain_text("bevestigd")

    # Sam records the own share, grants the subsidy and records a first payment.
    admin_step(agency_page, sites, project, "Eigen aandeel gestort registreren")
    admin_step(agency_page, sites, project, "Subsidie toekennen")
    admin_step(agency_page, sites, project, "Betaling registreren", **{"Bedrag (EUR)": "500,00"})
    project.refresh_from_db()
    assert project.status == Project.Status.PARTIALLY_PAID

    # An sees the new status, the payment and what is left to pay.
    page.reload()
    main = page.locator("main")
    expect(main).to_contain_text("deels betaald")
    expect(main).to_contain_text("subsidie toegekend")
    payments = page.get_by_role("table", name="Betalingen aan de dienstverlener")
    expect(payments).to_contain_text("€ 500,00")
    expect(main).to_contain_text("Geef opdracht tot betaling van € 750,00")
    assert_no_serious_axe_violations(page)
    page.get_by_role("navigation", name="Menu onderneming").get_by_role(
        "link", name="Mijn steunaanvragen"
    ).click()
    expect(page.get_by_role("row").filter(has_text=project.number)).to_contain_text(
        "deels betaald"
    )
    assert_no_serious_axe_violations(page)

    # Sofie sees it too, and her CSV export of the filtered list holds the row.
    navigation.get_by_role("link", name=re.compile("Overzicht projecten")).click()
    field(provider_page, "Status").select_option(label="deels betaald")
    provider_page.get_by_role("button", name="Toon dossiers").click()
    row = provider_page.get_by_role("row").filter(has_text=project.number)
    expect(row).to_contain_text("deels betaald")
    with provider_page.expect_download() as download_info:
        provider_page.get_by_role("link", name=re.compile("^Exporteer als CSV")).click()
    download = download_info.value
    assert re.fullmatch(r"projecten-\d{8}\.csv", download.suggested_filename)
    text = Path(download.path()).read_bytes().decode("utf-8")
    assert text.startswith("\ufeffDossiernummer;Aanvraagdatum;Klant;")
    line = next(line for line in text.splitlines() if line.startswith(project.number))
    assert f";{SME_NAME};" in line
    assert ";deels betaald;" in line
    assert ";1250,00;" in line


def submitted(*, provider, client, title):
    """An opleiding application filed through the service, as the form would, by an SME
    user of the client."""
    today = timezone.localdate()
    return project_submit(
        client=client,
        user=MembershipFactory(organisation=client, profile=Membership.Profile.SME).user,
        service_provider=provider,
        service_type="O",
        training_kind="classroom",
        title=title,
        vakgebied=Vakgebied.objects.get(name=VAKGEBIED),
        theme="professional_skills",
        start_date=today - datetime.timedelta(days=2),
        end_date=today + datetime.timedelta(days=20),
        amount_excl_vat=Decimal("800.00"),
        company_size="medium",
    )


def test_a_provider_refuses_with_a_reason_the_sme_reads_it_and_stops_another(
    sites, schelde, bakkerij, page, provider_page, assert_no_serious_axe_violations
):
    refused = submitted(provider=schelde, client=bakkerij, title="Verkeerd ingediend")
    stopped = submitted(provider=schelde, client=bakkerij, title="Gaat niet door")

    # Sofie opens the first application from 2.4 and refuses it: a reason is required.
    sign_in_to_portal(provider_page, sites, "itsme", "Sofie Maes")
    provider_page.goto(sites.portal_url(reverse("projects:list")))
    provider_page.get_by_role("link", name=refused.number).click()
    provider_page.get_by_role("link", name="Weigeren").click()
    expect(provider_page.get_by_role("heading", name="Aanvraag weigeren")).to_be_visible()
    provider_page.get_by_role("button", name="Weigeren").click()
    expect(provider_page.locator(".error-summary")).to_contain_text("Kies een reden uit de lijst.")
    assert_no_serious_axe_violations(provider_page)
    provider_page.get_by_role("radio", name="aanverwante onderneming").check()
    field(provider_page, "Toelichting").fill("Bakkerij en zetel horen bij dezelfde groep.")
    provider_page.get_by_role("button", name="Weigeren").click()
    expect(provider_page.get_by_text("U hebt de aanvraag geweigerd.")).to_be_visible()

    # An signs in through the enterprises' entry of the home page, which lands on her
    # applications; she reads the reason and stops the second with a reason of her own.
    sign_in_to_portal(page, sites, "itsme", "An Willems", entry="Login ondernemingen")
    expect(page.get_by_role("heading", name="Mijn steunaanvragen", level=1)).to_be_visible()
    row = page.get_by_role("row").filter(has_text=refused.number)
    expect(row).to_contain_text("geweigerd door dienstverlener")
    row.get_by_role("link", name=refused.number).click()
    main = page.locator("main")
    expect(main).to_contain_text("aanverwante onderneming")
    expect(main).to_contain_text("Bakkerij en zetel horen bij dezelfde groep.")
    expect(page.get_by_role("link", name="Stopzetten")).to_have_count(0)

    page.goto(sites.portal_url(reverse("sme-projects:detail", kwargs={"pk": stopped.pk})))
    page.get_by_role("link", name="Stopzetten").click()
    expect(page.get_by_role("heading", name="Steundossier stopzetten")).to_be_visible()
    assert_no_serious_axe_violations(page)
    field(page, "Reden van de stopzetting").fill("De opleiding gaat niet door.")
    page.get_by_role("button", name="Stopzetten").click()
    expect(page.get_by_text("Het dossier is stopgezet.")).to_be_visible()
    expect(page.locator("main")).to_contain_text("De opleiding gaat niet door.")

    # Sofie's overview shows both decisions.
    provider_page.goto(sites.portal_url(reverse("projects:list")))
    expect(provider_page.get_by_role("row").filter(has_text=stopped.number)).to_contain_text(
        "stopgezet"
    )
    expect(provider_page.get_by_role("row").filter(has_text=refused.number)).to_contain_text(
        "geweigerd door dienstverlener"
    )
