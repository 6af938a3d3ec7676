"""Seed 003 in a real browser: rights granted in the IDM open the portal over OIDC.

The portal (http://127.0.0.1:<port>) and the ACM/IDM stand-in
(http://localhost:<port>) run on one live server; the sign-in is the real
authorization-code flow, with the portal calling the stand-in's token endpoint
over HTTP.
"""

import datetime
import re

import pytest
from playwright.sync_api import expect

from core import validators
from core.dates import add_years
from demo.identities import DEMO_ORGANISATIONS
from standin import validators as national_numbers
from standin.models import today
from tests.browser.journeys import (
    NewPerson,
    WorkRelationshipDetails,
    idm_add_person,
    idm_grant_right,
    idm_open_organisation,
    idm_remove_right,
    national_number,
    sign_in_at_standin,
    sign_in_to_portal,
    sign_out_of_portal,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RIGHT = "VLAIO Inkom Gebruiker Nieuw"
PROVIDER_PROFILE = "Dienstverlener kmo-portefeuille"
SCHELDE, LEIE, KEMPEN = DEMO_ORGANISATIONS
NO_ACCESS_HEADING = "U hebt (nog) geen toegang tot deze pagina's"
NO_ACCESS_STEPS = [
    "Stap 1: identiteitscontrole (ACM).",
    "Stap 2: wie is de lokale beheerder?",
    "Stap 3: toekenning van het gebruikersrecht.",
]


@pytest.fixture
def second_page(browser, live_server_static_files):
    """Another person's browser: a context of its own, so no shared cookies."""
    context = browser.new_context(locale="nl-BE")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def kbo_text(kbo):
    return validators.format_kbo_number(kbo)


def expect_provider_menu_for(page, organisation):
    kbo, name = organisation
    expect(page.get_by_role("heading", name="Dienstverlener: menu", level=1)).to_be_visible()
    expect(page.get_by_text("Duid een bewerking aan")).to_be_visible()
    navigation = page.get_by_role("navigation", name="Menu dienstverlener")
    expect(navigation).to_contain_text(f"U werkt voor {name}")
    expect(navigation).to_contain_text(kbo_text(kbo))


def test_a_person_added_in_the_idm_reaches_the_provider_menu_until_the_right_is_removed(
    sites, page, second_page, assert_no_serious_axe_violations
):
    birth_date = datetime.date(1991, 3, 27)
    lotte = NewPerson(
        first_name="Lotte",
        last_name="Vermeulen",
        birth_date=birth_date,
        national_number=national_number(birth_date, 246),
        phone="+32 9 267 12 34",
    )
    national_numbers.validate_national_number(lotte.national_number)
    relationship = WorkRelationshipDetails(
        category="Tijdelijke Medewerker",
        begin_date=today(),
        end_date=add_years(today(), 3),
        phone="+32 9 267 12 35",
        email="lotte.vermeulen@vormingscentrum-schelde.example.be",
    )
    admin = page

    # The local administrator signs in at the stand-in and opens the IDM.
    admin.goto(sites.standin_url("/aanmelden/"))
    assert_no_serious_axe_violations(admin)
    sign_in_at_standin(admin, "eid", "Koen Janssens")
    expect(admin.get_by_text("Aangemeld bij de stand-in als Koen Janssens")).to_be_visible()
    # The stand-in's session is not the portal's: only the stand-in's own sign-out shows.
    expect(admin.get_by_role("button", name="Afmelden bij de stand-in")).to_be_visible()
    expect(admin.get_by_role("button", name="Afmelden", exact=True)).to_have_count(0)
    idm_open_organisation(admin, sites, SCHELDE[1])

    # ... adds Lotte, her work relationship and the provider right.
    idm_add_person(admin, lotte, relationship)
    linked = admin.get_by_text(f"{lotte.full_name} is gekoppeld aan de organisatie.")
    expect(linked).to_be_visible()
    expect(admin.locator("main")).to_contain_text(f"{SCHELDE[1]} – {relationship.category}")
    expect(admin.locator("main")).not_to_contain_text(lotte.national_number)
    idm_grant_right(admin, RIGHT, PROVIDER_PROFILE)
    right_row = admin.get_by_role("row").filter(has=admin.get_by_role("rowheader", name=RIGHT))
    expect(right_row).to_contain_text(PROVIDER_PROFILE)
    expect(right_row).to_contain_text("Actief")
    assert_no_serious_axe_violations(admin)

    # Lotte signs in to the portal and reaches the menu of her organisation.
    lotte_page = second_page
    sign_in_to_portal(lotte_page, sites, "itsme", lotte.full_name)
    expect_provider_menu_for(lotte_page, SCHELDE)
    assert lotte_page.url == sites.portal_url("/dienstverlener/")
    assert_no_serious_axe_violations(lotte_page)

    lotte_page.get_by_role("radio", name=re.compile("Login en paswoord wijzigen")).check()
    lotte_page.get_by_role("button", name="Verder").click()
    expect(lotte_page.get_by_role("heading", name="Login en paswoord wijzigen")).to_be_visible()
    identity = lotte_page.get_by_role("region", name="U bent aangemeld als")
    expect(identity).to_contain_text(lotte.full_name)
    expect(identity).to_contain_text(relationship.email)
    expect(identity).to_contain_text("itsme")
    organisation = lotte_page.get_by_role("region", name="Voor welke organisatie")
    expect(organisation).to_contain_text(SCHELDE[1])
    expect(organisation).to_contain_text(kbo_text(SCHELDE[0]))
    expect(organisation).to_contain_text(PROVIDER_PROFILE)
    assert_no_serious_axe_violations(lotte_page)
    sign_out_of_portal(lotte_page)
    expect(lotte_page.get_by_role("link", name="Login dienstverleners")).to_be_visible()

    # The local administrator removes the right ...
    idm_remove_right(admin, RIGHT)
    expect(admin.get_by_text("Geen gebruikersrechten toegekend")).to_be_visible()

    # ... and at her next sign-in Lotte is told what is missing and how to get it.
    sign_in_to_portal(lotte_page, sites, "itsme", lotte.full_name)
    expect(lotte_page.get_by_role("heading", name=NO_ACCESS_HEADING, level=1)).to_be_visible()
    assert lotte_page.url.startswith(sites.portal)
    # The portal saw the right at her earlier sign-in: it names it and what to ask.
    main = lotte_page.locator("main")
    expect(main).to_contain_text(
        f'Uw gebruikersrecht "{RIGHT}" met het profiel "{PROVIDER_PROFILE}" voor {SCHELDE[1]}'
    )
    expect(main).to_contain_text(f"Vraag de lokale beheerder van {SCHELDE[1]}")
    expect(lotte_page.get_by_role("link", name="Opnieuw aanmelden")).to_be_visible()
    expect(lotte_page.get_by_role("link", name="Naar het Gebruikersbeheer")).to_have_count(0)
    steps = lotte_page.locator("main ol > li")
    expect(steps).to_have_count(3)
    for step, title in zip(steps.all(), NO_ACCESS_STEPS, strict=True):
        expect(step).to_contain_text(title)
    expect(lotte_page.get_by_role("heading", name="Dienstverlener: menu")).to_have_count(0)
    assert_no_serious_axe_violations(lotte_page)


def test_a_provider_of_two_organisations_chooses_switches_and_signs_out_at_both_ends(sites, page):
    sign_in_to_portal(page, sites, "app_code", "Pieter De Smet")

    expect(page.get_by_role("heading", name="Kies de organisatie", level=1)).to_be_visible()
    # Only the organisation named in the token (vo_orgnaam) has its name yet; pick by KBO.
    page.get_by_role("radio", name=re.compile(re.escape(kbo_text(LEIE[0])))).check()
    page.get_by_role("button", name="Verder").click()
    expect_provider_menu_for(page, LEIE)

    page.get_by_role("link", name="Wissel van organisatie").click()
    switch = page.get_by_role("region", name="Wissel van organisatie")
    switch.get_by_role("radio", name=re.compile(re.escape(kbo_text(KEMPEN[0])))).check()
    switch.get_by_role("button", name="Wissel van organisatie").click()

    # The targeted sign-in needs no new identity check: the stand-in session still runs.
    expect(page.get_by_role("heading", name="Login en paswoord wijzigen")).to_be_visible()
    assert page.url.startswith(sites.portal_url("/dienstverlener/account/"))
    expect(page.get_by_role("region", name="Voor welke organisatie")).to_contain_text(KEMPEN[1])
    page.get_by_role("navigation", name="Menu dienstverlener").get_by_role(
        "link", name="Menu", exact=True
    ).click()
    expect_provider_menu_for(page, KEMPEN)

    sign_out_of_portal(page)
    expect(page.get_by_role("heading", name="Werken met de kmo-portefeuille")).to_be_visible()
    assert page.url == sites.portal_url("/")
    expect(page.get_by_role("button", name="Afmelden", exact=True)).to_have_count(0)

    # Both sessions ended: a provider page asks for a new identity check at the stand-in.
    page.goto(sites.portal_url("/dienstverlener/"))
    expect(page.get_by_role("heading", name="Kies manier van aanmelden")).to_be_visible()
    assert page.url.startswith(sites.standin_url("/aanmelden/"))
    expect(page.get_by_text("Aangemeld bij de stand-in als")).to_have_count(0)
