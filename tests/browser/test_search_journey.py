"""Issue 6 in a real browser: an SME looks for a marketing adviser within 10 km of
postcode 9000, opens a result's public page and comes back to the same results,
by the "Terug naar de resultaten" link and by the browser's back button; a search
without results offers a wider radius. No sign-in; every page passes the
accessibility scan. One journey, one test: the directory is built once.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.directory.search_support import build_corpus

# Postcodes and vakgebieden come from data migrations, which transactional tests flush.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

VAKGEBIED = "Marketing, communicatie en verkoop"


@pytest.fixture
def directory(db):
    return build_corpus()


def expect_the_marketing_results(page):
    expect(page.get_by_role("heading", name="2 dienstverleners gevonden", level=2)).to_be_visible()
    results = page.get_by_role("heading", level=3)
    expect(results).to_have_text(["Adviesbureau Leie", "Jens Lauwers"])
    expect(page.get_by_role("checkbox", name=VAKGEBIED, exact=True)).to_be_checked()
    expect(page.get_by_label("Gemeente of postcode")).to_have_value("9000")


def test_an_sme_finds_a_provider_nearby_opens_it_and_comes_back_to_the_results(
    live_server, directory, page, assert_no_serious_axe_violations
):
    page.goto(live_server.url)
    page.get_by_role("link", name="Zoek een geregistreerde dienstverlener").click()
    expect(
        page.get_by_role("heading", name="Zoek een geregistreerde dienstverlener")
    ).to_be_visible()
    assert_no_serious_axe_violations(page)

    page.get_by_role("checkbox", name=VAKGEBIED, exact=True).check()
    page.get_by_label("Gemeente of postcode").fill("9000")
    page.get_by_label("Afstand tot een vestiging").select_option(label="Tot 10 km")
    page.get_by_role("button", name="Zoeken").click()

    expect_the_marketing_results(page)
    expect(page).to_have_title(re.compile(r"^2 dienstverleners gevonden"))
    result = page.get_by_role("article", name="Adviesbureau Leie")
    expect(result).to_contain_text("Dichtstbijzijnde vestiging")
    expect(result).to_contain_text("9050 Ledeberg")
    expect(result).to_contain_text("2,3 km")
    results_url = page.url
    assert "plaats=9000" in results_url and "straal=10" in results_url
    assert_no_serious_axe_violations(page)

    # The public page, and back by its link.
    page.get_by_role("link", name="Adviesbureau Leie").click()
    expect(page.get_by_role("heading", name="Adviesbureau Leie", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Registraties")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Stationsstraat 2, 9050 Ledeberg")
    assert_no_serious_axe_violations(page)
    page.get_by_role("link", name="Terug naar de resultaten").click()

    expect_the_marketing_results(page)
    assert page.url == results_url

    # And by the browser's back button.
    page.get_by_role("link", name="Jens Lauwers").click()
    expect(page.get_by_role("heading", name="Jens Lauwers", level=1)).to_be_visible()
    page.go_back()

    expect_the_marketing_results(page)
    assert page.url == results_url

    # Nothing within 25 km: the page says so and offers a wider radius.
    page.goto(f"{live_server.url}/zoeken/?vakgebied=transport-en-logistiek&plaats=9000&straal=25")
    expect(page.get_by_role("heading", name="0 dienstverleners gevonden")).to_be_visible()
    assert_no_serious_axe_violations(page)
    page.get_by_role("link", name="Zoek tot 50 km ver").click()

    expect(page.get_by_role("heading", name="1 dienstverlener gevonden")).to_be_visible()
    expect(page.get_by_role("heading", name="Logistiek Partners", level=3)).to_be_visible()
