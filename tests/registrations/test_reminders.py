"""Reminders six and three months before a registration ends: each sent once.

All tests run on a fixed day, TODAY, passed to the service or the command.
"""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from core.dates import add_months
from core.mail import outbox_sweep
from core.models import OutboxMail
from registrations.models import ExpiryReminder, Registration
from registrations.reminders import expiry_reminders_send
from registrations.services import registration_renew
from tests.factories import (
    OrganisationFactory,
    RegistrationFactory,
    ServiceProviderFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2030, 6, 15)
DAY = datetime.timedelta(days=1)
Kind = ExpiryReminder.Kind
Status = Registration.Status


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def provider(db):
    organisation = OrganisationFactory(name="Acme", email="zetel@acme.example")
    return ServiceProviderFactory(
        organisation=organisation, name="Acme Advies", email="advies@acme.example"
    )


def ending_on(valid_until, **fields):
    """An approved registration in force on TODAY that ends on `valid_until`."""
    return RegistrationFactory(
        approved=True, valid_from=datetime.date(2026, 1, 1), valid_until=valid_until, **fields
    )


def kinds(registration):
    return sorted(registration.reminders.values_list("kind", flat=True))


def sent():
    """The reminders delivered so far: the outbox delivers what the runs wrote, as the
    commit or beat's sweep would (core.mail)."""
    outbox_sweep()
    return mail.outbox


def run(today=TODAY):
    out = io.StringIO()
    call_command("send_registration_reminders", f"--today={today.isoformat()}", stdout=out)
    return out.getvalue()


def test_the_six_month_reminder_is_sent_once_however_often_the_job_runs(provider):
    registration = ending_on(datetime.date(2030, 11, 30), service_provider=provider)

    first = expiry_reminders_send(today=TODAY)
    second = expiry_reminders_send(today=TODAY)
    third = expiry_reminders_send(today=TODAY + DAY)

    assert (first.six_months, second.sent, third.sent) == (1, 0, 0)
    assert kinds(registration) == [Kind.SIX_MONTHS]
    assert len(sent()) == 1
    assert set(sent()[0].to) == {"zetel@acme.example", "advies@acme.example"}
    assert registration.number in sent()[0].subject
    assert "30/11/2030" in sent()[0].subject


def test_the_three_month_reminder_follows_the_six_month_one(provider):
    registration = ending_on(datetime.date(2030, 11, 30), service_provider=provider)
    expiry_reminders_send(today=TODAY)

    expiry_reminders_send(today=datetime.date(2030, 8, 30))
    expiry_reminders_send(today=datetime.date(2030, 8, 31))
    expiry_reminders_send(today=datetime.date(2030, 11, 30))

    assert kinds(registration) == [Kind.THREE_MONTHS, Kind.SIX_MONTHS]
    assert len(sent()) == 2


def test_a_missed_six_month_moment_is_not_made_up_within_three_months():
    registration = ending_on(TODAY + datetime.timedelta(days=60))

    summary = expiry_reminders_send(today=TODAY)

    assert (summary.six_months, summary.three_months) == (0, 1)
    assert kinds(registration) == [Kind.THREE_MONTHS]
    assert len(sent()) == 1


@pytest.mark.parametrize(
    ("valid_until", "expected"),
    [
        (add_months(TODAY, 6) + DAY, []),
        (add_months(TODAY, 6), [Kind.SIX_MONTHS]),
        (add_months(TODAY, 3) + DAY, [Kind.SIX_MONTHS]),
        (add_months(TODAY, 3), [Kind.THREE_MONTHS]),
        (TODAY, [Kind.THREE_MONTHS]),
    ],
    ids=["a day too early", "six months", "just over three months", "three months", "last day"],
)
def test_the_reminder_due_follows_from_the_end_date(valid_until, expected):
    registration = ending_on(valid_until)

    expiry_reminders_send(today=TODAY)

    assert kinds(registration) == expected


@pytest.mark.parametrize(
    "status", [Status.SUSPENDED, Status.WITHDRAWN, Status.EXCLUDED, Status.REFUSED], ids=str
)
def test_no_reminder_for_a_registration_that_is_not_in_force(status):
    ending_on(TODAY + datetime.timedelta(days=30), status=status)

    assert expiry_reminders_send(today=TODAY).sent == 0
    assert sent() == []


def test_no_reminder_for_a_registration_that_has_already_expired():
    ending_on(TODAY - DAY)

    assert expiry_reminders_send(today=TODAY).sent == 0
    assert not ExpiryReminder.objects.exists()


def test_no_reminder_when_the_next_registration_is_already_approved(provider):
    current = ending_on(TODAY + datetime.timedelta(days=30), service_provider=provider)
    RegistrationFactory(
        approved=True,
        service_provider=provider,
        number=current.number,
        valid_from=current.valid_until + DAY,
        valid_until=datetime.date(2035, 7, 14),
    )

    assert expiry_reminders_send(today=TODAY).sent == 0


def test_a_pending_request_for_the_next_registration_does_not_stop_the_reminder(provider):
    current = ending_on(TODAY + datetime.timedelta(days=30), service_provider=provider)
    RegistrationFactory(service_provider=provider)

    expiry_reminders_send(today=TODAY)

    assert kinds(current) == [Kind.THREE_MONTHS]


def test_a_renewed_starter_gets_new_reminders_for_its_new_end(provider, sam):
    today = timezone.localdate()
    starter = RegistrationFactory(
        approved=True,
        is_starter=True,
        service_provider=provider,
        valid_from=today - datetime.timedelta(days=700),
        valid_until=today + datetime.timedelta(days=30),
    )
    expiry_reminders_send(today=today)
    assert kinds(starter) == [Kind.THREE_MONTHS]

    registration_renew(registration=starter, user=sam, follow_up_audit_date=today)
    starter.refresh_from_db()
    expiry_reminders_send(today=today)
    assert kinds(starter) == [Kind.THREE_MONTHS]

    expiry_reminders_send(today=add_months(starter.valid_until, -3))
    assert ExpiryReminder.objects.filter(
        registration=starter, kind=Kind.THREE_MONTHS, valid_until=starter.valid_until
    ).exists()


def test_a_mail_server_that_is_down_holds_back_no_reminder(provider, smtp_server):
    registration = ending_on(datetime.date(2030, 11, 30), service_provider=provider)
    smtp_server.stop()

    summary = expiry_reminders_send(today=TODAY)
    outbox_sweep()

    # Recorded with its mail, which waits in the outbox for the server.
    assert summary.six_months == 1
    assert kinds(registration) == [Kind.SIX_MONTHS]
    waiting = OutboxMail.objects.get()
    assert (waiting.status, waiting.attempts) == (OutboxMail.Status.QUEUED, 1)

    smtp_server.start()
    OutboxMail.objects.update(next_attempt_at=timezone.now())
    outbox_sweep()
    assert expiry_reminders_send(today=TODAY).sent == 0
    outbox_sweep()

    assert OutboxMail.objects.get().status == OutboxMail.Status.SENT
    assert smtp_server.message_ids() == [waiting.message_id]


def test_the_command_prints_a_count_and_no_personal_data(provider):
    ending_on(datetime.date(2030, 11, 30), service_provider=provider)
    ending_on(TODAY + datetime.timedelta(days=10))

    output = run()

    assert output.strip() == "Expiry reminders sent: 2 (6 months: 1, 3 months: 1)"
    assert run().strip() == "Expiry reminders sent: 0 (6 months: 0, 3 months: 0)"
    assert len(sent()) == 2


def test_the_command_refuses_a_date_it_cannot_read():
    with pytest.raises(CommandError):
        call_command("send_registration_reminders", "--today=15/06/2030")


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2030, 8, 31), 6, datetime.date(2031, 2, 28)),
        (datetime.date(2031, 8, 31), 6, datetime.date(2032, 2, 29)),
        (datetime.date(2030, 11, 30), -3, datetime.date(2030, 8, 30)),
        (datetime.date(2030, 1, 15), -6, datetime.date(2029, 7, 15)),
        (datetime.date(2030, 12, 31), 3, datetime.date(2031, 3, 31)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_last_of_a_shorter_month(day, months, expected):
    assert add_months(day, months) == expected
