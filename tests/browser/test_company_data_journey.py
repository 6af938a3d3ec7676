"""Issue 4 in a real browser: Sofie edits her company data in two steps and adds an
establishment (menu options 2.2 and 2.3), and sees both in the "Wijzigingshistoriek".

She signs in through the real OIDC flow against the ACM/IDM stand-in on the same
live server (see tests/browser/journeys.py).
"""

import re

import pytest
from playwright.sync_api import expect

from demo.identities import DEMO_ORGANISATIONS
from tests.browser.journeys import (
    field,
    schelde_office,
    sign_in_at_standin,
    sign_in_to_portal,
)

# Postcodes and vakgebieden come from data migrations, which transactional tests flush.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCHELDE_KBO, SCHELDE_NAME = DEMO_ORGANISATIONS[0]
ACTIVE_IBAN = "BE48001123456727"  # BNP Paribas Fortis, GEBABEBB
WRONG_IBAN = "BE25 1001 2345 0789"
NEW_IBAN = "BE71 0961 2345 6769"  # Belfius, GKCCBEBB
NEW_PHONE = "09 267 12 99"
VAKGEBIED = "Talen"
PRESENTATION = "Wij geven taalopleidingen op maat voor kmo's in de Scheldestreek."


@pytest.fixture
def schelde(db):
    """Vormingscentrum Schelde with its registered office (MZ) as service provider."""
    return schelde_office(
        iban=ACTIVE_IBAN,
        bic="GEBABEBB",
    )


def open_menu_item(page, label):
    page.get_by_role("navigation", name="Menu dienstverlener").get_by_role(
        "link", name="Menu", exact=True
    ).click()
    page.get_by_role("radio", name=re.compile(re.escape(label))).check()
    page.get_by_role("button", name="Verder").click()


def test_sofie_edits_her_company_data_in_two_steps_adds_an_establishment_and_sees_the_history(
    sites, schelde, page, assert_no_serious_axe_violations
):
    sign_in_to_portal(page, sites, "itsme", "Sofie Maes")
    expect(page.get_by_role("heading", name="Dienstverlener: menu", level=1)).to_be_visible()

    # 2.2: the overview lists the MZ.
    open_menu_item(page, "Dienstverleners aanmelden en beheren")
    expect(page.get_by_role("heading", name="Dienstverleners: overzicht")).to_be_visible()
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=SCHELDE_NAME))
    expect(row).to_contain_text("Antwerpen")
    assert_no_serious_axe_violations(page)

    # Step 1: a wrong IBAN is refused in Dutch, the rest of the input is kept.
    row.get_by_role("link", name=re.compile("^wijzigen")).click()
    expect(page.get_by_role("heading", name="Mijn gegevens: stap 1")).to_be_visible()
    field(page, "Telefoonnummer").fill(NEW_PHONE)
    field(page, "IBAN").fill(WRONG_IBAN)
    field(page, "BIC").fill("")
    page.get_by_role("button", name="VERDER").click()

    expect(page.get_by_role("heading", name="Mijn gegevens: stap 1")).to_be_visible()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link", name=re.compile(r"^IBAN: "))).to_be_visible()
    iban_input = field(page, "IBAN")
    expect(iban_input).to_have_attribute("aria-invalid", "true")
    iban_error = page.locator("#error_1_id_iban")
    expect(iban_error).to_contain_text("Het IBAN klopt niet")
    expect(summary).to_contain_text(iban_error.inner_text())
    expect(iban_input).to_have_value(WRONG_IBAN)
    expect(field(page, "Telefoonnummer")).to_have_value(NEW_PHONE)
    assert_no_serious_axe_violations(page)

    # A correct Belgian IBAN with an empty BIC: the BIC is filled in.
    iban_input.fill(NEW_IBAN)
    field(page, "BIC").fill("")
    page.get_by_role("button", name="VERDER").click()
    if page.url.startswith(sites.standin):
        sign_in_at_standin(page, "itsme", "Sofie Maes")

    # Step 2: a vakgebied and a presentation, then back to step 1.
    expect(page.get_by_role("heading", name="Mijn gegevens: stap 2")).to_be_visible()
    page.get_by_role("checkbox", name=VAKGEBIED, exact=True).check()
    field(page, "Voorstelling van uw onderneming").fill(PRESENTATION)
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="TERUG").click()

    expect(page.get_by_role("heading", name="Mijn gegevens: stap 1")).to_be_visible()
    expect(field(page, "IBAN")).to_have_value(NEW_IBAN)
    expect(field(page, "BIC")).to_have_value("GKCCBEBB")
    expect(field(page, "Telefoonnummer")).to_have_value(NEW_PHONE)
    page.get_by_role("button", name="VERDER").click()
    if page.url.startswith(sites.standin):
        sign_in_at_standin(page, "itsme", "Sofie Maes")

    # Step 2 kept its input too; WIJZIG saves both steps.
    expect(page.get_by_role("heading", name="Mijn gegevens: stap 2")).to_be_visible()
    expect(page.get_by_role("checkbox", name=VAKGEBIED, exact=True)).to_be_checked()
    expect(field(page, "Voorstelling van uw onderneming")).to_have_value(PRESENTATION)
    page.get_by_role("button", name="WIJZIG").click()
    if page.url.startswith(sites.standin):
        sign_in_at_standin(page, "itsme", "Sofie Maes")

    expect(page.get_by_text("De gegevens zijn opgeslagen.")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(re.escape(SCHELDE_NAME)))).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text("in behandeling")
    expect(main).to_contain_text("6769")
    expect(main).to_contain_text("actief voor betalingen")
    expect(main).to_contain_text(VAKGEBIED)
    expect(main).to_contain_text(PRESENTATION)
    assert_no_serious_axe_violations(page)

    # 2.3: a new establishment in Gent.
    open_menu_item(page, "Vestigingen beheren")
    expect(page.get_by_role("heading", name="Vestigingen: overzicht")).to_be_visible()
    assert_no_serious_axe_violations(page)
    page.get_by_role("link", name="KLIK HIER VOOR EEN NIEUWE VESTIGING").click()
    expect(page.get_by_role("heading", name="Nieuwe vestiging")).to_be_visible()
    assert_no_serious_axe_violations(page)
    field(page, "Postcode").fill("9000")
    field(page, "Gemeente").fill("Gent")
    field(page, "Straat").fill("Kortrijksesteenweg")
    field(page, "Nr").fill("42")
    page.get_by_role("button", name="OPSLAAN").click()

    expect(page.get_by_text("De vestiging is toegevoegd.")).to_be_visible()
    open_menu_item(page, "Vestigingen beheren")
    expect(page.get_by_role("heading", name="Vestigingen: overzicht")).to_be_visible()
    gent = page.get_by_role("row").filter(has_text="Kortrijksesteenweg 42")
    expect(gent).to_contain_text("Gent")
    expect(page.get_by_role("row").filter(has_text="Kribbestraat 12")).to_be_visible()

    # The history shows both changes, by Sofie.
    page.get_by_role("link", name="Wijzigingshistoriek").click()
    expect(page.get_by_role("heading", name="Wijzigingshistoriek")).to_be_visible()
    history = page.get_by_role("table")
    provider_rows = history.get_by_role("row").filter(has_text=f"Dienstverlener {SCHELDE_NAME}")
    expect(provider_rows.filter(has_text="Rekeningnummer").first).to_contain_text("Sofie Maes")
    expect(provider_rows.filter(has_text="Telefoonnummer").first).to_contain_text("Sofie Maes")
    establishment_row = history.get_by_role("row").filter(has_text="Kortrijksesteenweg")
    expect(establishment_row.first).to_contain_text("Sofie Maes")
    assert_no_serious_axe_violations(page)
