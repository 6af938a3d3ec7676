"""A staff member decides a bank-account change on its review page, in a real browser at
1366 px.

Sofie Maes (provider user of Vormingscentrum Schelde) asks to be paid on another account
(through the service, as "Mijn gegevens" does). Mia, a `medewerker` (reviewer, processor
and verifier), signs in to the admin, follows the queue on the staff start page, sees who
asked by name and both accounts masked, first tries to refuse without a reason (the
Dutch message stands next to the field), then approves: the new account is active.
"""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from portal.roles import PROCESSOR, REVIEWER, VERIFIER
from providers.models import BankAccountChange
from providers.services import bank_account_change_request
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    ProjectFactory,
    ServiceProviderFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser

OLD_IBAN = "BE71096123456769"
NEW_IBAN = "BE48001123456727"
PASSWORD = "mia-wachtwoord"
WIDTH = 1366


@pytest.fixture
def requested_change(db):
    schelde = OrganisationFactory(name="Vormingscentrum Schelde", kbo_number="0123456749")
    provider = ServiceProviderFactory(
        organisation=schelde, name="Vormingscentrum Schelde", iban=OLD_IBAN, bic="GKCCBEBB"
    )
    sofie = UserFactory(first_name="Sofie", last_name="Maes", oidc_subject="oidc-815bae")
    MembershipFactory(user=sofie, organisation=schelde)
    ProjectFactory(service_provider=provider)
    return bank_account_change_request(
        service_provider=provider, iban=NEW_IBAN, bic="", requested_by=sofie
    )


@pytest.fixture
def mia(db):
    mia = UserFactory(username="mia", first_name="Mia", last_name="VLAIO", is_staff=True)
    mia.set_password(PASSWORD)
    mia.save()
    mia.groups.set(Group.objects.filter(name__in=[REVIEWER.name, PROCESSOR.name, VERIFIER.name]))
    return mia


def page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def results_fit(page):
    """The change list's table needs no sideways scroll of its own (Django wraps it in a
    scrolling box, which hides the last columns instead of widening the page). One pixel
    is the table's border, rounded."""
    return page.locator("#changelist .results").evaluate(
        "box => box.scrollWidth <= box.clientWidth + 1"
    )


def test_a_medewerker_decides_a_bank_account_change_on_its_review_page(
    live_server, page, requested_change, mia, assert_no_serious_axe_violations
):
    page.set_viewport_size({"width": WIDTH, "height": 900})
    page.goto(f"{live_server.url}/admin/login/")
    page.locator("#id_username").fill("mia")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()

    # The start page: the work queues of her roles.
    queues = page.get_by_role("region", name="Werkvoorraad")
    expect(queues).to_contain_text("Registraties te beoordelen (0)")
    expect(queues).to_contain_text("Steundossiers te behandelen (0)")
    queues.get_by_role("link", name="Bankrekeningen te verifiëren (1)").click()

    # The queue: masked accounts, the requester's name, nothing wider than the screen.
    expect(page.locator("#result_list")).to_contain_text("BE** **** **** 6727")
    expect(page.locator("#result_list")).to_contain_text("Sofie Maes")
    expect(page.locator("#result_list")).to_contain_text(
        "Vormingscentrum Schelde (KBO 0123.456.749)"
    )
    assert page_width(page) <= WIDTH
    assert results_fit(page)
    page.locator("#result_list").get_by_role("link", name="Vormingscentrum Schelde").click()

    # The review page.
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Wijziging rekeningnummer beoordelen"
    )
    content = page.locator("#content-main")
    expect(content).to_contain_text("Sofie Maes")
    expect(content).not_to_contain_text("oidc-815bae")
    compare = page.locator("table.review-compare")
    expect(compare).to_contain_text("BE** **** **** 6769")
    expect(compare).to_contain_text("BE** **** **** 6727")
    expect(content).not_to_contain_text(NEW_IBAN)
    expect(content).to_contain_text("Wat u controleert")
    assert page_width(page) <= WIDTH
    approve = page.get_by_role("button", name="Goedkeuren")
    cancel = page.get_by_role("form", name="Goedkeuren").get_by_role("link", name="Annuleren")
    assert approve.bounding_box()["height"] == cancel.bounding_box()["height"]
    assert_no_serious_axe_violations(page)

    # Refusing without a reason: the message stands next to the field, nothing changes.
    page.get_by_role("button", name="Weigeren").click()
    reason = page.get_by_role("textbox", name="Reden van de weigering")
    expect(reason).to_be_visible()
    expect(page.locator(".form-row.errors")).to_contain_text(
        "Geef een reden op voor de weigering."
    )
    requested_change.refresh_from_db()
    assert requested_change.status == BankAccountChange.Status.PENDING
    assert_no_serious_axe_violations(page)

    # Approving.
    page.get_by_role("button", name="Goedkeuren").click()
    expect(page.locator(".messagelist .success")).to_have_text(
        "Het rekeningnummer is goedgekeurd en actief voor betalingen."
    )
    expect(page.locator(".review-facts")).to_contain_text("Mia VLAIO")
    requested_change.refresh_from_db()
    requested_change.service_provider.refresh_from_db()
    assert requested_change.status == BankAccountChange.Status.VERIFIED
    assert requested_change.decided_by == mia
    assert requested_change.service_provider.iban == NEW_IBAN

    # The dossier queue fits the screen too.
    page.goto(f"{live_server.url}/admin/projects/project/")
    expect(page.locator("#result_list")).to_contain_text("€ 1.000,00")
    assert page_width(page) <= WIDTH
    assert results_fit(page)

    # And so does the registration queue.
    page.goto(f"{live_server.url}/admin/registrations/registration/?status=all")
    assert page_width(page) <= WIDTH
    assert results_fit(page)
