"""Issue 15: the provider journey with the keyboard only.

Sofie Maes goes from the home page to the stand-in, signs in, chooses "Registraties
beheren" in the menu, opens a registration, goes back to the overview and signs out,
with Tab, Enter, Space and the arrow keys of a radio group: no mouse, no page.goto
after the first page. Each step checks which element has the focus (its accessible
name) and that the focus is visible.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.journeys import SCHELDE_NAME, schelde_office
from tests.factories import RegistrationFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# More Tabs than any page of the journey has controls before the one we look for.
MAX_TABS = 60

# The focused element: its name as a screen reader would say it (label, aria-label or
# text), whether the browser shows the focus (:focus-visible with an outline), its role.
FOCUSED = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) { return null; }
  const label = element.getAttribute("aria-label")
    || (element.labels && element.labels.length ? element.labels[0].innerText : "")
    || element.innerText || element.value || "";
  const style = getComputedStyle(element);
  return {
    name: label.replace(/\\s+/g, " ").trim(),
    tag: element.tagName.toLowerCase(),
    type: element.getAttribute("type") || "",
    visible: element.matches(":focus-visible") && style.outlineStyle !== "none"
      && parseFloat(style.outlineWidth) > 0,
  };
}"""


def focused(page):
    return page.evaluate(FOCUSED)


def tab_to(page, name, type=None):
    """Press Tab until the element named `name` (a regular expression, matched at the
    start; of input type `type` if given) has the focus; fail when it is never reached
    or its focus is not visible."""
    pattern = re.compile(name)
    seen = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        current = focused(page)
        if current is None:
            continue
        seen.append(current["name"])
        if pattern.match(current["name"]) and type in (None, current["type"]):
            assert current["visible"], f"the focus on {current['name']!r} is not visible"
            return current
    pytest.fail(f"Tab never reached {name!r} on {page.url}; it reached: {seen}")


def arrow_to(page, name):
    """In a radio group that has the focus: ArrowDown until the option `name` is chosen."""
    pattern = re.compile(name)
    seen = []
    for _ in range(MAX_TABS):
        current = focused(page)
        seen.append(current["name"])
        if pattern.match(current["name"]):
            page.keyboard.press("Space")
            assert page.evaluate("document.activeElement.checked")
            assert current["visible"], f"the focus on {current['name']!r} is not visible"
            return current
        page.keyboard.press("ArrowDown")
    pytest.fail(f"the arrow keys never reached {name!r} on {page.url}; they reached: {seen}")


@pytest.fixture
def schelde(db):
    provider = schelde_office()
    RegistrationFactory(approved=True, service_provider=provider, service_type="O")
    return provider


def test_sofie_walks_the_provider_journey_with_the_keyboard_only(sites, schelde, page):
    registration = schelde.registrations.get()
    page.goto(sites.portal_url("/"))

    # The first Tab reaches the skip link, which moves the focus to the main content.
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "Ga naar de hoofdinhoud"
    assert focused(page)["visible"]
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    # From the main content: "Login dienstverleners", to the stand-in.
    tab_to(page, "^Login dienstverleners$")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Kies manier van aanmelden")).to_be_visible()

    tab_to(page, "^> itsme")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Aanmelden met")
    tab_to(page, "", type="radio")  # the first person of the radio group
    arrow_to(page, "^Sofie Maes – ")
    tab_to(page, "^Aanmelden$")
    page.keyboard.press("Enter")

    # The provider menu: an option with the arrow keys and Space, then "Verder".
    expect(page.get_by_role("heading", name="Dienstverlener: menu", level=1)).to_be_visible()
    tab_to(page, "", type="radio")  # the first option of "Duid een bewerking aan"
    arrow_to(page, r"^\S* ?Registraties beheren")
    tab_to(page, "^Verder$")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Registraties: overzicht", level=1)).to_be_visible()

    # The registration's detail, and back to the overview.
    tab_to(page, f"^detail opleiding {re.escape(registration.number)}")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text(registration.number)
    expect(page.locator("main")).to_contain_text(SCHELDE_NAME)
    tab_to(page, "^TERUG$")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Registraties: overzicht", level=1)).to_be_visible()

    # Sign out: the button in the yellow bar.
    tab_to(page, "^Afmelden$")
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Login dienstverleners")).to_be_visible()
    expect(page.get_by_role("button", name="Afmelden", exact=True)).to_have_count(0)
