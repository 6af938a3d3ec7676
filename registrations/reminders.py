"""Reminders before a registration ends: six and three months before valid_until.

`expiry_reminders_send` is safe to run as often as one likes: every reminder
sent is recorded as an ExpiryReminder (unique per registration, kind and end
date), so each one goes out once. Beat runs it daily (registrations.tasks), or
cron runs `manage.py send_registration_reminders` (see the README); if a run was
missed and a registration is already within three months of its end, only the
three-month reminder is sent.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from core.dates import add_months
from registrations import emails
from registrations.models import ExpiryReminder, Registration

Kind = ExpiryReminder.Kind
# Kind -> months before valid_until; the later (shorter) one wins.
MONTHS_BEFORE = {Kind.SIX_MONTHS: 6, Kind.THREE_MONTHS: 3}


@dataclass
class ReminderSummary:
    six_months: int = 0
    three_months: int = 0

    @property
    def sent(self):
        return self.six_months + self.three_months


def due_kind(registration, today):
    """The reminder due for `registration` today, or None.

    Three months when valid_until is at most three months away, else six months
    when at most six months away: a missed six-month moment is not made up for
    once the three-month one has come.
    """
    if registration.valid_until <= add_months(today, MONTHS_BEFORE[Kind.THREE_MONTHS]):
        return Kind.THREE_MONTHS
    if registration.valid_until <= add_months(today, MONTHS_BEFORE[Kind.SIX_MONTHS]):
        return Kind.SIX_MONTHS
    return None


def reminder_candidates(today):
    """Registrations in force today that end within six months and have no successor.

    A successor is an approved registration of the same provider and service
    type that ends later: the provider has already renewed, nothing to remind.
    """
    successor = Registration.objects.filter(
        service_provider=OuterRef("service_provider"),
        service_type=OuterRef("service_type"),
        status=Registration.Status.APPROVED,
        valid_until__gt=OuterRef("valid_until"),
    )
    return (
        Registration.objects.in_force(today)
        .filter(valid_until__lte=add_months(today, MONTHS_BEFORE[Kind.SIX_MONTHS]))
        .exclude(Exists(successor))
        .select_related("service_provider__organisation")
        .order_by("valid_until", "pk")
    )


def expiry_reminders_send(*, today=None):
    """Send the reminders due on `today` (default: today) and record each one.

    One transaction per reminder: the record and its e-mail in the outbox (core.mail)
    commit together, and the outbox delivers the mail, retrying while the mail
    server is down; a concurrent run that records the same reminder first makes
    this one skip it. Returns a ReminderSummary with counts only.
    """
    today = today or timezone.localdate()
    summary = ReminderSummary()
    already_sent = set(
        ExpiryReminder.objects.filter(valid_until__gte=today).values_list(
            "registration_id", "kind", "valid_until"
        )
    )
    for registration in reminder_candidates(today):
        kind = due_kind(registration, today)
        if kind is None or (registration.pk, kind, registration.valid_until) in already_sent:
            continue
        try:
            with transaction.atomic():
                reminder = ExpiryReminder.objects.create(
                    registration=registration, kind=kind, valid_until=registration.valid_until
                )
                emails.expiry_reminder_send(reminder)
        except IntegrityError:
            # Another run recorded (and sent) this reminder meanwhile.
            continue
        if kind == Kind.SIX_MONTHS:
            summary.six_months += 1
        else:
            summary.three_months += 1
    return summary
