"""The registration state machine and its dates, as registrations.services implements them.

Alice files requests for Acme; Sam decides for the agency.
"""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.transitions import TransitionError
from registrations import services
from registrations.models import (
    DECLARATION_TEXT,
    Registration,
    RegistrationEvent,
    RegistrationNumberCounter,
)
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    RegistrationFactory,
    ServiceProviderFactory,
    pdf_bytes,
)

pytestmark = pytest.mark.django_db

Status = Registration.Status
Action = RegistrationEvent.Action
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def provider(db):
    organisation = OrganisationFactory(name="Acme", email="zetel@acme.example")
    return ServiceProviderFactory(
        organisation=organisation, name="Acme Advies", email="advies@acme.example"
    )


@pytest.fixture
def alice(alice, provider):
    MembershipFactory(user=alice, organisation=provider.organisation)
    return alice


def in_status(status, **fields):
    """A registration in `status`, with a number and validity where that status needs them."""
    if status in {Status.APPROVED, Status.SUSPENDED}:
        return RegistrationFactory(approved=True, status=status, **fields)
    return RegistrationFactory(status=status, **fields)


# Action -> (call, status reached). Every call gets `registration` and `user`.
ACTIONS = {
    Action.APPROVE: (services.registration_approve, Status.APPROVED),
    Action.REFUSE: (
        lambda **kw: services.registration_refuse(reason="Audit onvolledig", **kw),
        Status.REFUSED,
    ),
    Action.CANCEL: (services.registration_cancel, Status.CANCELLED),
    Action.SUSPEND: (
        lambda **kw: services.registration_suspend(reason="Klachten", **kw),
        Status.SUSPENDED,
    ),
    Action.LIFT_SUSPENSION: (services.registration_lift_suspension, Status.APPROVED),
    Action.WITHDRAW: (
        lambda **kw: services.registration_withdraw(reason="Geen kmop-norm meer", **kw),
        Status.WITHDRAWN,
    ),
    Action.EXCLUDE: (
        lambda **kw: services.registration_exclude(reason="Fraude", **kw),
        Status.EXCLUDED,
    ),
}
ALLOWED = {
    Status.REQUESTED: {Action.APPROVE, Action.REFUSE, Action.CANCEL, Action.EXCLUDE},
    Status.APPROVED: {Action.SUSPEND, Action.WITHDRAW, Action.EXCLUDE},
    Status.SUSPENDED: {Action.LIFT_SUSPENSION, Action.WITHDRAW, Action.EXCLUDE},
    Status.REFUSED: set(),
    Status.CANCELLED: set(),
    Status.WITHDRAWN: set(),
    Status.EXCLUDED: set(),
}
CASES = [(status, action, action in ALLOWED[status]) for status in ALLOWED for action in ACTIONS]


def actor_for(action, registration, sam):
    """The agency decides; a provider user of the registration's organisation withdraws."""
    if action == Action.CANCEL:
        return MembershipFactory(organisation=registration.service_provider.organisation).user
    return sam


def test_the_table_of_this_test_covers_every_status():
    assert set(ALLOWED) == set(Status)


@pytest.mark.parametrize(
    ("status", "action"),
    [(status, action) for status, action, allowed in CASES if allowed],
    ids=lambda value: str(value),
)
def test_an_allowed_transition_changes_the_status_and_records_who_when_and_why(
    sam, status, action
):
    registration = in_status(status)
    call, reached = ACTIONS[action]
    user = actor_for(action, registration, sam)
    before = timezone.now()

    call(registration=registration, user=user)

    registration.refresh_from_db()
    assert registration.status == reached
    event = registration.events.get()
    assert (event.action, event.from_status, event.to_status) == (action, status, reached)
    assert event.actor == user
    assert event.at >= before


@pytest.mark.parametrize(
    ("status", "action"),
    [(status, action) for status, action, allowed in CASES if not allowed],
    ids=lambda value: str(value),
)
def test_a_forbidden_transition_is_refused_and_changes_nothing(
    sam, status, action, django_capture_on_commit_callbacks
):
    registration = in_status(status)
    before = Registration.objects.filter(pk=registration.pk).values().get()
    call, _reached = ACTIONS[action]

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(TransitionError):
        call(registration=registration, user=sam)

    assert Registration.objects.filter(pk=registration.pk).values().get() == before
    assert not registration.events.exists()
    assert mail.outbox == []
    assert not RegistrationNumberCounter.objects.filter(last_number__gt=0).exists()


def test_the_forbidden_transition_says_which_status_stands_in_the_way(sam):
    registration = in_status(Status.REFUSED)

    with pytest.raises(TransitionError) as error:
        services.registration_approve(registration=registration, user=sam)

    assert error.value.messages == [
        "Deze stap (goedgekeurd) is niet mogelijk voor een registratie met status 'geweigerd'."
    ]


@pytest.mark.parametrize(
    "call",
    [
        services.registration_refuse,
        services.registration_suspend,
        services.registration_withdraw,
        services.registration_exclude,
    ],
    ids=["refuse", "suspend", "withdraw", "exclude"],
)
@pytest.mark.parametrize("reason", ["", "   \n"])
def test_refusing_suspending_withdrawing_and_excluding_need_a_reason(sam, call, reason):
    registration = in_status(
        Status.APPROVED if call is not services.registration_refuse else Status.REQUESTED
    )
    status = registration.status

    with pytest.raises(ValidationError) as error:
        call(registration=registration, user=sam, reason=reason)

    assert "reason" in error.value.error_dict
    registration.refresh_from_db()
    assert registration.status == status
    assert not registration.events.exists()


def test_the_reason_is_stored_for_the_provider_and_in_the_event(sam):
    registration = in_status(Status.APPROVED)

    services.registration_suspend(
        registration=registration, user=sam, reason="  Klachten van klanten  "
    )

    registration.refresh_from_db()
    assert registration.reason == "Klachten van klanten"
    assert registration.events.get().reason == "Klachten van klanten"


def test_lifting_a_suspension_clears_the_reason_and_keeps_the_validity(sam):
    registration = in_status(Status.APPROVED)
    validity = (registration.valid_from, registration.valid_until, registration.number)
    services.registration_suspend(registration=registration, user=sam, reason="Onderzoek")

    services.registration_lift_suspension(registration=registration, user=sam)

    registration.refresh_from_db()
    assert registration.reason == ""
    assert (registration.valid_from, registration.valid_until, registration.number) == validity
    assert registration.is_in_force()


def test_a_suspended_registration_does_not_count(sam):
    registration = in_status(Status.APPROVED)

    services.registration_suspend(registration=registration, user=sam, reason="Onderzoek")

    registration.refresh_from_db()
    assert not registration.is_in_force()
    assert not Registration.objects.in_force().exists()


# --- Dates -----------------------------------------------------------------------------


def test_an_approval_is_valid_for_five_years(provider, sam):
    registration = RegistrationFactory(service_provider=provider)

    services.registration_approve(
        registration=registration, user=sam, on=datetime.date(2025, 3, 10)
    )

    registration.refresh_from_db()
    assert registration.valid_from == datetime.date(2025, 3, 10)
    assert registration.valid_until == datetime.date(2030, 3, 9)
    assert registration.decided_at is not None


def test_a_starter_is_approved_for_two_years(provider, sam):
    registration = RegistrationFactory(service_provider=provider, is_starter=True)

    services.registration_approve(
        registration=registration, user=sam, on=datetime.date(2025, 3, 10)
    )

    registration.refresh_from_db()
    assert (registration.valid_from, registration.valid_until) == (
        datetime.date(2025, 3, 10),
        datetime.date(2027, 3, 9),
    )


def approved_starter(provider, sam, on=None):
    registration = RegistrationFactory(service_provider=provider, is_starter=True)
    return services.registration_approve(registration=registration, user=sam, on=on)


def test_a_starter_is_renewed_by_three_years_after_the_follow_up_audit(provider, sam):
    today = timezone.localdate()
    starter = approved_starter(provider, sam)

    services.registration_renew(registration=starter, user=sam, follow_up_audit_date=today - DAY)

    starter.refresh_from_db()
    assert starter.valid_from == today
    assert starter.valid_until == services.validity_end(today, 5)
    assert starter.renewed_at == today - DAY
    assert starter.status == Status.APPROVED
    event = starter.events.get(action=Action.RENEW)
    assert (event.actor, event.from_status, event.to_status) == (sam, "approved", "approved")


def test_a_starter_is_renewed_only_once(provider, sam):
    starter = approved_starter(provider, sam)
    services.registration_renew(
        registration=starter, user=sam, follow_up_audit_date=timezone.localdate()
    )
    valid_until = Registration.objects.get(pk=starter.pk).valid_until

    with pytest.raises(TransitionError):
        services.registration_renew(
            registration=starter, user=sam, follow_up_audit_date=timezone.localdate()
        )

    starter.refresh_from_db()
    assert starter.valid_until == valid_until
    assert starter.events.filter(action=Action.RENEW).count() == 1


def test_only_a_starter_is_renewed_after_a_follow_up_audit(provider, sam):
    registration = services.registration_approve(
        registration=RegistrationFactory(service_provider=provider), user=sam
    )

    with pytest.raises(TransitionError):
        services.registration_renew(
            registration=registration, user=sam, follow_up_audit_date=timezone.localdate()
        )


@pytest.mark.parametrize("status", [Status.SUSPENDED, Status.WITHDRAWN, Status.REQUESTED])
def test_a_starter_that_is_not_approved_is_not_renewed(sam, status):
    starter = in_status(status, is_starter=True)

    with pytest.raises(TransitionError):
        services.registration_renew(
            registration=starter, user=sam, follow_up_audit_date=timezone.localdate()
        )

    starter.refresh_from_db()
    assert starter.renewed_at is None


def test_an_expired_starter_is_not_renewed(sam):
    today = timezone.localdate()
    starter = RegistrationFactory(
        approved=True,
        is_starter=True,
        valid_from=today - datetime.timedelta(days=800),
        valid_until=today - DAY,
    )

    with pytest.raises(TransitionError):
        services.registration_renew(registration=starter, user=sam, follow_up_audit_date=today)


def test_a_renewal_requested_while_in_force_starts_the_day_after(provider, sam):
    current = services.registration_approve(
        registration=RegistrationFactory(service_provider=provider),
        user=sam,
        on=datetime.date(2021, 6, 1),
    )
    assert current.valid_until == datetime.date(2026, 5, 31)
    renewal = RegistrationFactory(service_provider=provider)

    services.registration_approve(registration=renewal, user=sam, on=datetime.date(2026, 2, 15))

    renewal.refresh_from_db()
    assert renewal.valid_from == datetime.date(2026, 6, 1)
    assert renewal.valid_until == datetime.date(2031, 5, 31)
    assert renewal.number == current.number


def test_a_new_registration_after_an_expired_one_starts_on_the_day_of_approval(provider, sam):
    today = timezone.localdate()
    expired = RegistrationFactory(
        service_provider=provider,
        approved=True,
        number="DV.A000042",
        valid_from=today - datetime.timedelta(days=2000),
        valid_until=today - DAY,
    )
    new = RegistrationFactory(service_provider=provider)

    services.registration_approve(registration=new, user=sam)

    new.refresh_from_db()
    assert new.valid_from == today
    assert new.number == expired.number


@pytest.mark.parametrize(
    ("valid_from", "years", "valid_until"),
    [
        (datetime.date(2024, 2, 29), 5, datetime.date(2029, 2, 28)),
        (datetime.date(2024, 2, 29), 2, datetime.date(2026, 2, 28)),
        (datetime.date(2024, 2, 29), 4, datetime.date(2028, 2, 28)),
        (datetime.date(2023, 3, 1), 5, datetime.date(2028, 2, 29)),
        (datetime.date(2024, 3, 1), 2, datetime.date(2026, 2, 28)),
        (datetime.date(2025, 1, 1), 5, datetime.date(2029, 12, 31)),
    ],
)
def test_the_validity_ends_the_day_before_the_same_date_years_later(
    valid_from, years, valid_until
):
    assert services.validity_end(valid_from, years) == valid_until


def test_a_starter_approved_on_29_february_ends_after_five_years_with_its_renewal(provider, sam):
    starter = approved_starter(provider, sam, on=datetime.date(2024, 2, 29))
    assert starter.valid_until == datetime.date(2026, 2, 28)
    # The renewal checks "not expired" against today: move the dates, keep their shape.
    Registration.objects.filter(pk=starter.pk).update(valid_until=datetime.date(2126, 2, 28))
    starter.refresh_from_db()

    services.registration_renew(
        registration=starter, user=sam, follow_up_audit_date=timezone.localdate()
    )

    starter.refresh_from_db()
    assert starter.valid_until == datetime.date(2129, 2, 28)


def test_the_renewal_gives_five_years_from_the_first_day_across_a_leap_day(sam):
    # A starter from 1 March 2102 ends on 29 February 2104 (a leap day).
    starter = in_status(
        Status.APPROVED,
        is_starter=True,
        valid_from=datetime.date(2102, 3, 1),
        valid_until=datetime.date(2104, 2, 29),
    )

    services.registration_renew(
        registration=starter, user=sam, follow_up_audit_date=timezone.localdate()
    )

    starter.refresh_from_db()
    assert starter.valid_until == datetime.date(2107, 2, 28)
    assert starter.valid_until == services.validity_end(starter.valid_from, 5)


# --- In force: from the dates alone --------------------------------------------------------


def test_a_registration_is_in_force_on_its_last_day_and_not_the_day_after():
    registration = in_status(
        Status.APPROVED,
        valid_from=datetime.date(2025, 1, 1),
        valid_until=datetime.date(2029, 12, 31),
    )
    last_day, day_after = datetime.date(2029, 12, 31), datetime.date(2030, 1, 1)

    assert registration.is_in_force(last_day)
    assert not registration.is_in_force(day_after)
    assert not registration.has_expired(last_day)
    assert registration.has_expired(day_after)
    assert list(Registration.objects.in_force(last_day)) == [registration]
    assert list(Registration.objects.in_force(day_after)) == []


def test_a_registration_is_in_force_from_its_first_day_not_before():
    registration = in_status(
        Status.APPROVED,
        valid_from=datetime.date(2025, 1, 1),
        valid_until=datetime.date(2029, 12, 31),
    )

    assert registration.is_in_force(datetime.date(2025, 1, 1))
    assert not registration.is_in_force(datetime.date(2024, 12, 31))
    assert list(Registration.objects.in_force(datetime.date(2024, 12, 31))) == []


@pytest.mark.parametrize(
    "status", [s for s in Status if s != Status.APPROVED], ids=lambda status: str(status)
)
def test_only_an_approved_registration_is_in_force(status):
    registration = in_status(status)
    if status not in {Status.SUSPENDED}:
        Registration.objects.filter(pk=registration.pk).update(
            number="DV.A000099",
            valid_from=timezone.localdate() - DAY,
            valid_until=timezone.localdate() + DAY,
        )
        registration.refresh_from_db()

    assert not registration.is_in_force()
    assert not Registration.objects.in_force().exists()


# --- Numbers -----------------------------------------------------------------------------------


NUMBER = re.compile(r"^DV\.[OA]\d{6}$")


def test_numbers_are_dv_o_or_dv_a_with_six_digits_counted_per_service_type(provider, sam):
    other = ServiceProviderFactory()
    approve = lambda registration: services.registration_approve(  # noqa: E731
        registration=registration, user=sam
    )

    first_advice = approve(RegistrationFactory(service_provider=provider, service_type="A"))
    first_training = approve(RegistrationFactory(service_provider=provider, service_type="O"))
    second_advice = approve(RegistrationFactory(service_provider=other, service_type="A"))

    assert first_advice.number == "DV.A000001"
    assert first_training.number == "DV.O000001"
    assert second_advice.number == "DV.A000002"
    for registration in [first_advice, first_training, second_advice]:
        assert NUMBER.match(registration.number)


def test_a_provider_keeps_its_number_for_a_service_type(provider, sam):
    first = services.registration_approve(
        registration=RegistrationFactory(service_provider=provider), user=sam
    )
    services.registration_withdraw(registration=first, user=sam, reason="Audit verlopen")
    again = RegistrationFactory(service_provider=provider)

    services.registration_approve(registration=again, user=sam)

    again.refresh_from_db()
    assert again.number == first.number
    assert RegistrationNumberCounter.objects.get(service_type="A").last_number == 1


def test_a_refused_request_gets_no_number(provider, sam):
    registration = RegistrationFactory(service_provider=provider)

    services.registration_refuse(registration=registration, user=sam, reason="Onvolledig")

    registration.refresh_from_db()
    assert registration.number == ""
    assert not RegistrationNumberCounter.objects.filter(last_number__gt=0).exists()


def test_the_approval_preview_shows_what_approval_gives_without_writing(provider, sam):
    registration = RegistrationFactory(service_provider=provider, is_starter=True)
    on = datetime.date(2025, 5, 5)

    preview = services.registration_approval_preview(registration=registration, on=on)

    assert preview == {
        "number": "DV.A000001",
        "valid_from": on,
        "valid_until": datetime.date(2027, 5, 4),
    }
    assert not RegistrationNumberCounter.objects.filter(last_number__gt=0).exists()
    services.registration_approve(registration=registration, user=sam, on=on)
    registration.refresh_from_db()
    assert preview == {
        "number": registration.number,
        "valid_from": registration.valid_from,
        "valid_until": registration.valid_until,
    }


# --- E-mails -------------------------------------------------------------------------------


def test_a_decision_is_mailed_to_the_organisation_and_the_provider_after_commit(
    provider, sam, django_capture_on_commit_callbacks
):
    registration = RegistrationFactory(service_provider=provider)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.registration_refuse(
            registration=registration, user=sam, reason="Het auditrapport is verlopen."
        )
    assert mail.outbox == []
    # The commit: run its callbacks and whatever they schedule (core.mail waits for it too).
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert set(message.to) == {"zetel@acme.example", "advies@acme.example"}
    assert "Acme Advies" in message.subject
    assert "geweigerd" in message.body
    assert "Het auditrapport is verlopen." in message.body


def test_an_approval_mail_gives_the_number_and_validity(
    provider, sam, django_capture_on_commit_callbacks
):
    registration = RegistrationFactory(service_provider=provider)

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_approve(
            registration=registration, user=sam, on=datetime.date(2025, 3, 10)
        )

    body = mail.outbox[0].body
    assert "DV.A000001" in body
    assert "10/03/2025 – 09/03/2030" in body


def test_one_address_shared_by_organisation_and_provider_gets_one_mail(
    sam, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory(email="info@acme.example")
    provider = ServiceProviderFactory(organisation=organisation, email="info@acme.example")
    registration = RegistrationFactory(service_provider=provider)

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_exclude(registration=registration, user=sam, reason="Fraude")

    assert mail.outbox[0].to == ["info@acme.example"]


def test_nothing_is_mailed_when_the_transaction_rolls_back(
    provider, sam, django_capture_on_commit_callbacks
):
    registration = RegistrationFactory(service_provider=provider)

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        from django.db import transaction

        with transaction.atomic():
            services.registration_approve(registration=registration, user=sam)
            raise RuntimeError("something after the approval failed")

    assert callbacks == []
    assert mail.outbox == []
    registration.refresh_from_db()
    assert registration.status == Status.REQUESTED


# --- The provider's request ------------------------------------------------------------------


def request_kwargs(provider, alice, **changes):
    kwargs = {
        "service_provider": provider,
        "service_type": "A",
        "audit_body": "Auditbureau Kwaliteit Vlaanderen",
        "audit_date": datetime.date(2025, 1, 15),
        "audit_report": SimpleUploadedFile("rapport.pdf", pdf_bytes(), "application/pdf"),
        "is_starter": False,
        "declaration_accepted": True,
        "user": alice,
        "quality_labels": [{"name": "ISO 9001", "expires_on": datetime.date(2027, 1, 1)}],
    }
    kwargs.update(changes)
    return kwargs


def test_a_request_records_the_declaration_on_honour_who_and_when(provider, alice):
    before = timezone.now()

    registration = services.registration_request(**request_kwargs(provider, alice))

    assert registration.status == Status.REQUESTED
    assert registration.declaration_text == str(DECLARATION_TEXT)
    assert registration.declared_by == alice
    assert registration.declared_by_name == "Alice Peeters"
    assert registration.declared_at >= before
    assert registration.audit_report_name == "rapport.pdf"
    assert [label.name for label in registration.quality_labels.all()] == ["ISO 9001"]
    event = registration.events.get()
    assert (event.action, event.actor, event.to_status) == (Action.REQUEST, alice, "requested")


def test_a_request_without_the_declaration_is_refused(provider, alice):
    with pytest.raises(ValidationError) as error:
        services.registration_request(
            **request_kwargs(provider, alice, declaration_accepted=False)
        )

    assert "declaration_accepted" in error.value.error_dict
    assert not Registration.objects.exists()


def test_a_second_pending_request_for_the_same_type_is_refused(provider, alice):
    services.registration_request(**request_kwargs(provider, alice))

    with pytest.raises(ValidationError) as error:
        services.registration_request(**request_kwargs(provider, alice))

    assert "service_type" in error.value.error_dict
    assert Registration.objects.count() == 1
    # Another service type is a separate registration.
    services.registration_request(**request_kwargs(provider, alice, service_type="O"))
    assert Registration.objects.count() == 2
