"""Issue 17 in a real browser: since 1 February 2026 only advice on cybersecurity is
eligible. An Willems (Bakkerij De Gouden Korst) reads it on the first step of a new
application, tries advice on marketing today and is told why not, next to the topic,
with what she typed kept; she then files advice on cybersecurity and sees the 45 %
rate before submitting.

Dates are built from today (timezone.localdate()), which is after the reform.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from demo.identities import DEMO_ORGANISATIONS, DEMO_SME
from projects.models import Project
from providers.models import Vakgebied
from tests.browser.journeys import field, iso, schelde_office, sign_in_to_portal
from tests.factories import OrganisationFactory, RegistrationFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCHELDE_KBO, SCHELDE_NAME = DEMO_ORGANISATIONS[0]
SME_KBO, SME_NAME = DEMO_SME
MARKETING = "Marketing, communicatie en verkoop"


@pytest.fixture
def schelde(db):
    """Vormingscentrum Schelde (MZ), registered for opleiding and advies, active in ICT
    and marketing."""
    provider = schelde_office()
    provider.vakgebieden.set(Vakgebied.objects.filter(name__in=["ICT", MARKETING]))
    for service_type, number in (("O", "DV.O000101"), ("A", "DV.A000102")):
        RegistrationFactory(
            approved=True,
            service_provider=provider,
            service_type=service_type,
            number=number,
            valid_from=timezone.localdate() - datetime.timedelta(days=400),
            valid_until=timezone.localdate() + datetime.timedelta(days=1000),
        )
    return provider


@pytest.fixture
def bakkerij(db):
    """The enterprise An Willems files for (as in test_project_journey)."""
    return OrganisationFactory(kbo_number=SME_KBO, name=SME_NAME, email="info@goudenkorst.example")


def test_marketing_advice_is_refused_with_the_reason_and_cybersecurity_advice_gets_45(
    sites,
    schelde,
    bakkerij,
    page,
    assert_no_serious_axe_violations,
):
    today = timezone.localdate()
    assert today >= datetime.date(2026, 2, 1)

    sign_in_to_portal(page, sites, "itsme", "An Willems")
    page.get_by_role("main").get_by_role("link", name="Nieuwe steunaanvraag").click()

    # Step 1 says what is eligible, before she chooses anything.
    notice = page.locator("#wat-komt-in-aanmerking")
    expect(notice).to_contain_text(
        "Advies: sinds de hervorming van 1 februari 2026 alleen nog advies over cybersecurity."
    )
    field(page, "Naam, ondernemingsnummer of registratienummer van de dienstverlener").fill(
        "schelde"
    )
    page.get_by_role("button", name="Zoeken").click()
    result = page.locator("main li").filter(has_text=SCHELDE_NAME)
    expect(result).to_contain_text("DV.A000102")
    expect(result).to_contain_text("alleen cybersecurity komt in aanmerking")
    assert_no_serious_axe_violations(page)
    result.get_by_role("link", name=f"Kies {SCHELDE_NAME}").click()

    # Step 2: advice on marketing, filed today.
    expect(page.get_by_role("heading", name="Gegevens van de aanvraag")).to_be_visible()
    expect(page.locator("#div_id_service_type")).to_contain_text(
        "komt advies alleen nog in aanmerking voor de kmo-portefeuille als het over "
        "cybersecurity gaat"
    )
    page.get_by_role("radio", name="advies", exact=True).check()
    field(page, "Titel van het project").fill("Marketingplan voor de tweede winkel")
    field(page, "Vakgebied").select_option(label=MARKETING)
    field(page, "Thema").select_option(label="Bedrijfsstrategie")
    field(page, "Startdatum").fill(iso(today - datetime.timedelta(days=2)))
    field(page, "Einddatum").fill(iso(today + datetime.timedelta(days=60)))
    field(page, "Bedrag exclusief btw (euro)").fill("2.000,00")
    page.get_by_role("radio", name="kleine onderneming", exact=True).check()
    page.get_by_role("button", name="VERDER").click()

    # Told why not, next to the topic, with what she typed kept.
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link", name=re.compile(r"^Onderwerp"))).to_be_visible()
    expect(page.locator("#div_id_higher_rate_topic")).to_contain_text(
        "Sinds de hervorming van 1 februari 2026 komt advies alleen nog in aanmerking voor de "
        "kmo-portefeuille als het over cybersecurity gaat."
    )
    expect(field(page, "Titel van het project")).to_have_value(
        "Marketingplan voor de tweede winkel"
    )
    assert_no_serious_axe_violations(page)
    assert not Project.objects.exists()

    # Advice on cybersecurity: 45 % for a small enterprise, shown before filing.
    field(page, "Titel van het project").fill("Beveiliging van de webshop")
    field(page, "Vakgebied").select_option(label="ICT")
    field(page, "Thema").select_option(label="Digitalisering")
    page.get_by_role("radio", name="cybersecurity", exact=True).check()
    page.get_by_role("button", name="VERDER").click()
    expect(page.get_by_role("heading", name="Controleer en dien in")).to_be_visible()
    expect(page.locator("#steunbedrag")).to_contain_text("U krijgt € 900,00 steun (45 %).")
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Dien de aanvraag in").click()

    project = Project.objects.get()
    expect(page.get_by_text(f"Uw steunaanvraag {project.number} is ingediend.")).to_be_visible()
    assert project.service_type == "A"
    assert project.higher_rate_topic == "cybersecurity"
    assert str(project.subsidy_percentage) == "45.00"
