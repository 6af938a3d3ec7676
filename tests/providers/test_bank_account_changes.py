import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core import transitions
from core.validators import derive_bic
from providers.models import BankAccountChange, BankAccountChangeEvent
from providers.services import (
    bank_account_change_reject,
    bank_account_change_request,
    bank_account_change_verify,
)
from tests.factories import MembershipFactory
from tests.providers.conftest import OTHER_IBAN, VALID_IBAN

Status = BankAccountChange.Status


@pytest.fixture
def sam(sam, organisation):
    """Sam verifies bank accounts and, for the four-eyes tests, also works for Acme."""
    MembershipFactory(user=sam, organisation=organisation)
    return sam


@pytest.fixture
def request_change(provider, alice, django_capture_on_commit_callbacks):
    def make(iban=OTHER_IBAN, bic="", by=None):
        with django_capture_on_commit_callbacks(execute=True):
            return bank_account_change_request(
                service_provider=provider, iban=iban, bic=bic, requested_by=by or alice
            )

    return make


def test_a_request_is_pending_and_keeps_the_active_account(provider, request_change):
    change = request_change()

    provider.refresh_from_db()
    assert change.status == Status.PENDING
    assert (change.old_iban, change.new_iban) == (VALID_IBAN, OTHER_IBAN)
    assert provider.iban == VALID_IBAN


def test_a_request_fills_in_the_bic_of_a_belgian_account(request_change):
    change = request_change(iban="be48 0011 2345 6727", bic="")

    assert change.new_iban == OTHER_IBAN
    assert change.new_bic == derive_bic(OTHER_IBAN)
    assert change.new_bic


def test_a_request_for_the_active_account_is_refused(request_change):
    with pytest.raises(ValidationError) as error:
        request_change(iban=VALID_IBAN, bic="GKCCBEBB")
    assert "al actief voor betalingen" in str(error.value)


def test_a_request_with_the_bic_of_another_bank_is_refused(request_change):
    with pytest.raises(ValidationError) as error:
        request_change(iban=OTHER_IBAN, bic="GKCCBEBB")
    assert "hoort niet bij de bank" in str(error.value)


def test_the_request_mails_the_registered_address_and_the_provider_with_masked_accounts(
    provider, request_change
):
    mail.outbox.clear()
    request_change()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["info@acme.example", "zetel@acme.example"]
    assert "BE** **** **** 6769" in message.body
    assert "BE** **** **** 6727" in message.body
    assert VALID_IBAN not in message.body and OTHER_IBAN not in message.body
    assert "0961" not in message.body
    assert "Acme Opleidingen" in message.subject


def test_no_mail_leaves_when_the_transaction_rolls_back(provider, alice):
    mail.outbox.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        bank_account_change_request(
            service_provider=provider, iban=OTHER_IBAN, bic="", requested_by=alice
        )
        raise RuntimeError
    assert mail.outbox == []
    assert not BankAccountChange.objects.exists()


def test_a_newer_request_supersedes_the_pending_one(request_change):
    first = request_change()
    second = request_change(iban="BE35310123456737")

    first.refresh_from_db()
    assert first.status == Status.SUPERSEDED
    assert second.status == Status.PENDING
    assert BankAccountChange.objects.pending().get() == second


def test_staff_verification_makes_the_new_account_active(
    provider, request_change, sam, django_capture_on_commit_callbacks
):
    change = request_change()
    version = provider.version
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        bank_account_change_verify(change=change, decided_by=sam)

    change.refresh_from_db()
    provider.refresh_from_db()
    assert change.status == Status.VERIFIED
    assert change.decided_by == sam and change.decided_at is not None
    assert (provider.iban, provider.bic) == (OTHER_IBAN, change.new_bic)
    assert provider.version == version + 1
    assert len(mail.outbox) == 1
    assert "goedgekeurd" in mail.outbox[0].subject
    assert "BE** **** **** 6727" in mail.outbox[0].body
    assert OTHER_IBAN not in mail.outbox[0].body


def test_staff_rejection_keeps_the_active_account_and_gives_the_reason(
    provider, request_change, sam, django_capture_on_commit_callbacks
):
    change = request_change()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        bank_account_change_reject(change=change, decided_by=sam, reason="Bewijs ontbreekt")

    change.refresh_from_db()
    provider.refresh_from_db()
    assert change.status == Status.REJECTED
    assert provider.iban == VALID_IBAN
    assert "Bewijs ontbreekt" in mail.outbox[0].body


def test_a_rejection_needs_a_reason(request_change, sam):
    change = request_change()
    with pytest.raises(ValidationError) as error:
        bank_account_change_reject(change=change, decided_by=sam, reason="  ")
    assert "reden" in str(error.value)


def test_the_person_who_asked_cannot_approve(request_change, sam):
    change = request_change(by=sam)
    with pytest.raises(ValidationError) as error:
        bank_account_change_verify(change=change, decided_by=sam)
    assert "niet zelf goedkeuren" in str(error.value)
    change.refresh_from_db()
    assert change.status == Status.PENDING


def test_the_person_who_asked_cannot_reject_either(request_change, sam):
    change = request_change(by=sam)
    with pytest.raises(ValidationError):
        bank_account_change_reject(change=change, decided_by=sam, reason="Toch niet")


def test_a_provider_user_cannot_approve(request_change, alice):
    from tests.factories import UserFactory

    change = request_change()
    with pytest.raises(ValidationError) as error:
        bank_account_change_verify(change=change, decided_by=UserFactory())
    assert "medewerkers van het agentschap" in str(error.value)


@pytest.mark.parametrize("final", [Status.VERIFIED, Status.REJECTED, Status.SUPERSEDED])
@pytest.mark.parametrize("action", ["verify", "reject"])
def test_a_closed_request_cannot_be_decided_again(request_change, sam, tina, final, action):
    change = request_change()
    if final == Status.VERIFIED:
        bank_account_change_verify(change=change, decided_by=sam)
    elif final == Status.REJECTED:
        bank_account_change_reject(change=change, decided_by=sam, reason="Nee")
    else:
        request_change(iban="BE35310123456737")
    change.refresh_from_db()
    assert change.status == final

    with pytest.raises(ValidationError) as error:
        if action == "verify":
            bank_account_change_verify(change=change, decided_by=tina)
        else:
            bank_account_change_reject(change=change, decided_by=tina, reason="Nee")
    assert "al afgehandeld" in str(error.value)


def reachable(change):
    """The statuses the declared transitions lead to from `change`'s status (filing aside)."""
    return {
        target
        for declared in transitions.declared(BankAccountChange)
        if declared.name != "request" and change.status in declared.sources
        for target in declared.targets
    }


def test_only_pending_may_move_and_only_to_a_final_status():
    pending = BankAccountChange(status=Status.PENDING)
    assert {s for s in Status if s in reachable(pending)} == {
        Status.VERIFIED,
        Status.REJECTED,
        Status.SUPERSEDED,
    }
    for final in (Status.VERIFIED, Status.REJECTED, Status.SUPERSEDED):
        closed = BankAccountChange(status=final)
        assert not any(s in reachable(closed) for s in Status)


def test_the_declared_transitions_are_the_state_machine():
    declared = transitions.declared(BankAccountChange)
    assert {item.name: (set(item.sources), set(item.targets)) for item in declared} == {
        "request": ({Status.PENDING}, {Status.PENDING}),
        "verify": ({Status.PENDING}, {Status.VERIFIED}),
        "reject": ({Status.PENDING}, {Status.REJECTED}),
        "supersede": ({Status.PENDING}, {Status.SUPERSEDED}),
    }
    assert [item.name for item in declared if item.in_admin] == ["verify", "reject"]


def test_every_step_is_an_event_with_who_and_why(request_change, sam, alice):
    first = request_change()
    second = request_change(iban="BE35310123456737")
    bank_account_change_reject(change=second, decided_by=sam, reason="Bewijs ontbreekt")

    assert list(first.events.values_list("action", "from_status", "to_status", "actor")) == [
        ("request", "", Status.PENDING, alice.pk),
        ("supersede", Status.PENDING, Status.SUPERSEDED, alice.pk),
    ]
    assert list(
        second.events.values_list("action", "from_status", "to_status", "actor", "reason")
    ) == [
        ("request", "", Status.PENDING, alice.pk, ""),
        ("reject", Status.PENDING, Status.REJECTED, sam.pk, "Bewijs ontbreekt"),
    ]
    assert list(
        BankAccountChangeEvent.objects.for_organisation(
            first.service_provider.organisation
        ).values_list("action", flat=True)
    ) == ["request", "supersede", "request", "reject"]


def test_the_database_allows_one_pending_change_per_provider(request_change, provider, alice):
    request_change()
    with pytest.raises(IntegrityError), transaction.atomic():
        BankAccountChange.objects.create(
            service_provider=provider, new_iban=OTHER_IBAN, requested_by=alice
        )


def test_the_database_refuses_a_decision_by_the_requester(request_change, alice):
    change = request_change()
    with pytest.raises(IntegrityError), transaction.atomic():
        BankAccountChange.objects.filter(pk=change.pk).update(decided_by=alice)


def test_the_history_records_who_asked_and_who_decided(request_change, sam, alice):
    change = request_change()
    bank_account_change_verify(change=change, decided_by=sam)

    users = [record.history_user for record in change.history.order_by("history_date")]
    assert users == [alice, sam]
