"""The queue of bank-account changes in the admin and its decision pages.

Sam decides (superuser), Vera may only look (view permission), Alice asked for the
change as the provider.
"""

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse

from providers.models import BankAccountChange
from providers.services import bank_account_change_request
from tests.factories import MembershipFactory, UserFactory
from tests.providers.conftest import OTHER_IBAN, VALID_IBAN

QUEUE = reverse("admin:providers_bankaccountchange_changelist")
Status = BankAccountChange.Status


@pytest.fixture
def superuser(sam, organisation):
    """Sam decides, and also works for Acme: he can ask for a change himself, for the
    four-eyes tests."""
    sam.is_superuser = True
    sam.save()
    MembershipFactory(user=sam, organisation=organisation)
    return sam


@pytest.fixture
def vera(db):
    vera = UserFactory(username="vera", first_name="Vera", last_name="VLAIO", is_staff=True)
    vera.user_permissions.add(Permission.objects.get(codename="view_bankaccountchange"))
    return vera


@pytest.fixture
def change(provider, alice):
    return bank_account_change_request(
        service_provider=provider, iban=OTHER_IBAN, bic="", requested_by=alice
    )


def decision_url(change, name):
    return reverse(f"admin:providers_bankaccountchange_{name}", args=[change.pk])


def change_url(change):
    return reverse("admin:providers_bankaccountchange_change", args=[change.pk])


def test_the_queue_opens_on_the_pending_changes(client, superuser, change, provider, alice):
    bank_account_change_request(
        service_provider=provider, iban="BE35310123456737", bic="", requested_by=alice
    )
    client.force_login(superuser)

    response = client.get(QUEUE)

    assert [c.status for c in response.context["cl"].result_list] == ["pending"]
    everything = client.get(QUEUE, {"status": "all"})
    assert len(everything.context["cl"].result_list) == 2


def test_the_queue_has_no_bulk_decisions(client, superuser, change):
    client.force_login(superuser)

    response = client.get(QUEUE)

    assert response.context["action_form"] is None
    assert 'name="action"' not in response.content.decode()


def test_a_pending_change_offers_verify_and_reject(client, superuser, change):
    client.force_login(superuser)

    response = client.get(change_url(change))

    assert [action["label"] for action in response.context["object_actions"]] == [
        "Goedkeuren",
        "Weigeren",
    ]
    text = response.content.decode()
    assert decision_url(change, "verify") in text
    assert decision_url(change, "reject") in text


def test_staff_verify_a_change_on_its_decision_page(
    client, superuser, change, provider, django_capture_on_commit_callbacks
):
    client.force_login(superuser)
    page = client.get(decision_url(change, "verify"))
    assert page.status_code == 200
    assert OTHER_IBAN in page.content.decode()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(decision_url(change, "verify"), follow=True)

    change.refresh_from_db()
    provider.refresh_from_db()
    assert change.status == Status.VERIFIED
    assert provider.iban == OTHER_IBAN
    assert response.redirect_chain[-1][0] == change_url(change)
    assert "Het rekeningnummer is goedgekeurd" in response.content.decode()
    event = change.events.get(action="verify")
    assert (event.actor, event.from_status, event.to_status) == (
        superuser,
        Status.PENDING,
        Status.VERIFIED,
    )
    assert len(mail.outbox) == 1


def test_the_requester_cannot_verify_in_the_admin(client, superuser, provider):
    own = bank_account_change_request(
        service_provider=provider, iban=OTHER_IBAN, bic="", requested_by=superuser
    )
    client.force_login(superuser)

    change_page = client.get(change_url(own))
    response = client.post(decision_url(own, "verify"), follow=True)

    assert change_page.context["object_actions"] == []
    own.refresh_from_db()
    provider.refresh_from_db()
    assert own.status == BankAccountChange.Status.PENDING
    assert provider.iban == VALID_IBAN
    assert "niet zelf goedkeuren" in response.content.decode()


def test_the_requester_cannot_reject_in_the_admin_either(client, superuser, provider):
    own = bank_account_change_request(
        service_provider=provider, iban=OTHER_IBAN, bic="", requested_by=superuser
    )
    client.force_login(superuser)

    response = client.post(decision_url(own, "reject"), {"reason": "Toch niet"}, follow=True)

    own.refresh_from_db()
    assert own.status == BankAccountChange.Status.PENDING
    assert "niet zelf goedkeuren of weigeren" in response.content.decode()


def test_rejecting_asks_for_a_reason_first(client, superuser, change):
    client.force_login(superuser)

    page = client.get(decision_url(change, "reject"))
    assert "Reden van de weigering" in page.content.decode()
    refused = client.post(decision_url(change, "reject"), {"reason": "  "})
    assert refused.status_code == 200
    assert refused.context["form"].errors["reason"]
    change.refresh_from_db()
    assert change.status == BankAccountChange.Status.PENDING

    client.post(
        decision_url(change, "reject"), {"reason": "Rekening niet op naam van de onderneming"}
    )
    change.refresh_from_db()
    assert change.status == BankAccountChange.Status.REJECTED
    assert change.reason == "Rekening niet op naam van de onderneming"
    assert change.events.get(action="reject").reason == change.reason


def test_a_decided_change_offers_no_decision_and_refuses_one(client, superuser, change):
    client.force_login(superuser)
    client.post(decision_url(change, "reject"), {"reason": "Bewijs ontbreekt"})

    change_page = client.get(change_url(change))
    response = client.post(decision_url(change, "verify"), follow=True)

    assert change_page.context["object_actions"] == []
    assert response.redirect_chain[-1][0] == change_url(change)
    assert [str(message) for message in response.context["messages"]] == [
        "'Goedkeuren' kan niet bij een aanvraag met status 'geweigerd'. De pagina toont de "
        "beslissingen die nu mogelijk zijn."
    ]
    change.refresh_from_db()
    assert change.status == Status.REJECTED


def test_staff_who_may_only_view_see_no_buttons_and_get_403_on_a_decision(
    client, vera, change, provider
):
    client.force_login(vera)

    change_page = client.get(change_url(change))
    assert change_page.status_code == 200
    assert change_page.context["object_actions"] == []
    assert decision_url(change, "verify") not in change_page.content.decode()

    assert client.get(decision_url(change, "verify")).status_code == 403
    assert client.post(decision_url(change, "verify")).status_code == 403
    assert client.post(decision_url(change, "reject"), {"reason": "x"}).status_code == 403
    change.refresh_from_db()
    provider.refresh_from_db()
    assert change.status == Status.PENDING
    assert provider.iban == VALID_IBAN


def test_a_provider_user_is_sent_to_the_admin_login(client, alice, change):
    client.force_login(alice)

    response = client.post(decision_url(change, "verify"))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
    change.refresh_from_db()
    assert change.status == Status.PENDING


def test_the_service_provider_history_page_opens_in_the_admin(client, superuser, provider):
    client.force_login(superuser)
    url = reverse("admin:providers_serviceprovider_history", args=[provider.pk])
    assert client.get(url).status_code == 200
