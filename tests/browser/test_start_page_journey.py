"""The provider's start page in a real browser: Sofie Maes signs in for Vormingscentrum
Schelde and sees what needs her now, above the menu of seed 000."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.journeys import schelde_office, sign_in_to_portal
from tests.factories import OrganisationFactory, ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_provider_sees_a_dossier_waiting_for_her_confirmation_and_opens_it(
    sites, page, assert_no_serious_axe_violations
):
    office = schelde_office()
    project = ProjectFactory(
        service_provider=office,
        client=OrganisationFactory(name="Bakkerij De Gouden Korst"),
        title="Bakken met zuurdesem",
        confirmation_due_on=timezone.localdate() + datetime.timedelta(days=9),
    )

    sign_in_to_portal(page, sites, "itsme", "Sofie Maes")

    expect(page.get_by_role("heading", name="Dienstverlener: menu", level=1)).to_be_visible()
    attention = page.get_by_role("region", name="Wat nu uw aandacht vraagt")
    expect(attention).to_contain_text("Dossiers om te bevestigen")
    expect(attention).to_contain_text("Bakkerij De Gouden Korst")
    expect(attention).to_contain_text("nog 9 dagen")
    # The menu of seed 000 stays, below; the picture of the last 24 months too.
    expect(page.get_by_role("radio", name=re.compile("Overzicht projecten"))).to_be_visible()
    expect(
        page.get_by_role("img", name=re.compile("dossiers en hun bedragen per maand"))
    ).to_be_visible()
    page.get_by_text("Toon als tabel").click()
    expect(page.get_by_role("table", name=re.compile("per maand"))).to_be_visible()
    assert_no_serious_axe_violations(page)
    # On a phone the chart scrolls inside its own box, never the page.
    page.set_viewport_size({"width": 390, "height": 800})
    chart = page.locator("figure.monthly-chart")
    assert chart.evaluate("figure => figure.scrollWidth > figure.clientWidth")
    assert page.evaluate("document.querySelector('main').scrollWidth") <= 390
    page.set_viewport_size({"width": 1366, "height": 900})

    attention.get_by_role("link", name=project.number).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(project.number)
    expect(page.locator("main")).to_contain_text("Bakken met zuurdesem")
    assert page.url == sites.portal_url(f"/dienstverlener/projecten/{project.pk}/")
