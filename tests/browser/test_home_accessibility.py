"""The public home page in a real browser: Dutch, styled, and accessible."""

import pytest

pytestmark = pytest.mark.browser


def test_the_home_page_is_dutch_and_offers_the_provider_login(live_server, page):
    page.goto(live_server.url)

    assert page.locator("html").get_attribute("lang").startswith("nl")
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Werken met de kmo-portefeuille"
    login = page.get_by_role("link", name="Login dienstverleners")
    assert login.is_visible()


def test_the_home_page_gets_its_bootstrap_stylesheet(live_server, page):
    stylesheets = []

    def record_stylesheet(response):
        if response.request.resource_type == "stylesheet":
            stylesheets.append(response)

    page.on("response", record_stylesheet)
    page.goto(live_server.url)

    assert stylesheets, "the home page links no stylesheet"
    assert all(response.ok for response in stylesheets), [
        (response.url, response.status) for response in stylesheets
    ]
    # Bootstrap's .btn makes the login link an inline-block; unstyled it is inline.
    login = page.get_by_role("link", name="Login dienstverleners")
    assert login.evaluate("link => getComputedStyle(link).display") == "inline-block"


def test_the_home_page_has_no_serious_accessibility_violations(
    live_server, page, assert_no_serious_axe_violations
):
    page.goto(live_server.url)

    assert_no_serious_axe_violations(page)
