import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from providers.models import BankAccountChange
from providers.services import bank_account_change_request
from tests.providers.conftest import OTHER_IBAN, VALID_IBAN

QUEUE = reverse("admin:providers_bankaccountchange_changelist")


@pytest.fixture
def superuser(sam):
    sam.is_superuser = True
    sam.save()
    return sam


@pytest.fixture
def change(provider, alice):
    return bank_account_change_request(
        service_provider=provider, iban=OTHER_IBAN, bic="", requested_by=alice
    )


def test_the_queue_opens_on_the_pending_changes(client, superuser, change, provider, alice):
    bank_account_change_request(
        service_provider=provider, iban="BE35310123456737", bic="", requested_by=alice
    )
    client.force_login(superuser)

    response = client.get(QUEUE)

    assert [c.status for c in response.context["cl"].result_list] == ["pending"]
    everything = client.get(QUEUE, {"status": "all"})
    assert len(everything.context["cl"].result_list) == 2


def test_staff_verify_a_change_with_the_action(client, superuser, change, provider):
    client.force_login(superuser)

    client.post(QUEUE, {"action": "verify_selected", ACTION_CHECKBOX_NAME: [change.pk]})

    change.refresh_from_db()
    provider.refresh_from_db()
    assert change.status == BankAccountChange.Status.VERIFIED
    assert provider.iban == OTHER_IBAN


def test_the_requester_cannot_verify_in_the_admin(client, superuser, provider):
    own = bank_account_change_request(
        service_provider=provider, iban=OTHER_IBAN, bic="", requested_by=superuser
    )
    client.force_login(superuser)

    response = client.post(
        QUEUE, {"action": "verify_selected", ACTION_CHECKBOX_NAME: [own.pk]}, follow=True
    )

    own.refresh_from_db()
    provider.refresh_from_db()
    assert own.status == BankAccountChange.Status.PENDING
    assert provider.iban == VALID_IBAN
    assert "niet zelf goedkeuren" in response.content.decode()


def test_rejecting_asks_for_a_reason_first(client, superuser, change):
    client.force_login(superuser)
    data = {"action": "reject_selected", ACTION_CHECKBOX_NAME: [change.pk]}

    page = client.post(QUEUE, data)
    assert "Reden van de weigering" in page.content.decode()
    change.refresh_from_db()
    assert change.status == BankAccountChange.Status.PENDING

    client.post(QUEUE, {**data, "reason": "Rekening niet op naam van de onderneming"})
    change.refresh_from_db()
    assert change.status == BankAccountChange.Status.REJECTED
    assert change.reason == "Rekening niet op naam van de onderneming"


def test_the_service_provider_history_page_opens_in_the_admin(client, superuser, provider):
    client.force_login(superuser)
    url = reverse("admin:providers_serviceprovider_history", args=[provider.pk])
    assert client.get(url).status_code == 200
