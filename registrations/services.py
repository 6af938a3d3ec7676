"""Every change to a registration: the provider's request and withdrawal, and the
agency's decisions.

Each transition is one function: it checks the state machine
(Registration.TRANSITIONS), writes the registration and a RegistrationEvent
(who, when, why) in one transaction, and e-mails the organisation once the
transaction has committed. Views and the admin never save a registration
themselves.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.locking import user_display
from registrations import emails
from registrations.models import (
    DECLARATION_TEXT,
    QualityLabel,
    Registration,
    RegistrationEvent,
    RegistrationNumberCounter,
)

VALIDITY_YEARS = 5
STARTER_VALIDITY_YEARS = 2
STARTER_RENEWAL_YEARS = 3

Status = Registration.Status
Action = RegistrationEvent.Action


class TransitionError(ValidationError):
    """The registration is not in a status that allows this step."""


def validity_end(valid_from, years):
    """Last day of a validity of `years` starting on `valid_from` (inclusive).

    The day before the same date `years` later. A validity starting on
    29 February ends on 28 February: the next day (the anniversary) is 1 March
    in a common year. core.dates.add_years would end it a day early, on 27 February.
    """
    try:
        anniversary = valid_from.replace(year=valid_from.year + years)
    except ValueError:
        anniversary = datetime.date(valid_from.year + years, 3, 1)
    return anniversary - datetime.timedelta(days=1)


def _lock(registration):
    return Registration.objects.select_for_update().get(pk=registration.pk)


# The statuses each action starts from, where the state machine alone is not
# enough (approved is reached by approval, by lifting a suspension and by renewal).
ACTION_FROM = {
    Action.APPROVE: {Status.REQUESTED},
    Action.LIFT_SUSPENSION: {Status.SUSPENDED},
    Action.RENEW: {Status.APPROVED},
}
# Registration.reason is what the provider is shown: the reason of the decision
# that holds now. A new approval or a lifted suspension makes it void.
SHOWN_REASON = {Action.REFUSE, Action.SUSPEND, Action.WITHDRAW, Action.EXCLUDE}
VOIDS_REASON = {Action.APPROVE, Action.LIFT_SUSPENSION}


def _transition(registration, *, action, to_status, user, reason="", **changes):
    """Move `registration` to `to_status`, record the event and mail the organisation.

    Call inside transaction.atomic(): the registration row is locked first.
    """
    locked = _lock(registration)
    allowed = (
        locked.status in ACTION_FROM[action]
        if action in ACTION_FROM
        else locked.can_become(to_status)
    )
    if not allowed:
        raise TransitionError(
            _(
                "Deze stap (%(action)s) is niet mogelijk voor een registratie met status "
                "'%(status)s'."
            )
            % {"status": locked.get_status_display(), "action": Action(action).label},
            code="transition",
        )
    from_status = locked.status
    locked.status = to_status
    if action in SHOWN_REASON:
        locked.reason = reason
    elif action in VOIDS_REASON:
        locked.reason = ""
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.full_clean(exclude=["audit_report"])
    locked.save()
    event = RegistrationEvent.objects.create(
        registration=locked,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=user,
        reason=reason,
    )
    transaction.on_commit(lambda: emails.registration_event_send(event))
    registration.refresh_from_db()
    return registration


def _require_reason(reason):
    if not (reason or "").strip():
        raise ValidationError(
            {"reason": _("Geef een reden op: de dienstverlener krijgt ze te zien.")}
        )
    return reason.strip()


# --- The provider ---------------------------------------------------------------


def registration_request(
    *,
    service_provider,
    service_type,
    audit_body,
    audit_date,
    audit_report,
    is_starter,
    declaration_accepted,
    user,
    quality_labels=(),
):
    """File a request for `service_provider` to be registered for `service_type`.

    `audit_report` is an uploaded PDF (checked by the form: content and size);
    `quality_labels` a list of {"name", "expires_on"}. The declaration on honour
    must have been ticked; its text, who and when are stored with the request.
    """
    if not declaration_accepted:
        raise ValidationError(
            {
                "declaration_accepted": _(
                    "U moet de verklaring op eer aanvinken om de aanvraag in te dienen."
                )
            }
        )
    with transaction.atomic():
        # Serialise requests for one provider: the second of two simultaneous
        # requests for the same type sees the first one.
        type(service_provider).objects.select_for_update().get(pk=service_provider.pk)
        if (
            Registration.objects.pending()
            .filter(service_provider=service_provider, service_type=service_type)
            .exists()
        ):
            raise ValidationError(
                {
                    "service_type": _(
                        "Er loopt al een aanvraag voor dit type dienstverlening. Wacht op de "
                        "beslissing of trek die aanvraag eerst in."
                    )
                }
            )
        now = timezone.now()
        registration = Registration(
            service_provider=service_provider,
            service_type=service_type,
            is_starter=is_starter,
            audit_body=audit_body,
            audit_date=audit_date,
            audit_report_name=audit_report.name[-200:],
            declaration_text=str(DECLARATION_TEXT),
            declared_by=user,
            declared_by_name=user_display(user),
            declared_at=now,
            requested_at=now,
        )
        registration.full_clean(exclude=["number", "audit_report"])
        labels = [QualityLabel(**label) for label in quality_labels]
        for label in labels:
            label.full_clean(exclude=["registration"])
        # The file is written once everything else is known to be valid, and removed
        # again if the database still refuses a row: a failed request leaves nothing.
        registration.audit_report.save(audit_report.name, audit_report, save=False)
        try:
            registration.save()
            for label in labels:
                label.registration = registration
                label.save()
            event = RegistrationEvent.objects.create(
                registration=registration,
                action=Action.REQUEST,
                from_status="",
                to_status=Status.REQUESTED,
                actor=user,
            )
        except Exception:
            registration.audit_report.delete(save=False)
            raise
        transaction.on_commit(lambda: emails.registration_event_send(event))
    return registration


def registration_cancel(*, registration, user, reason=""):
    """The provider withdraws its own pending request."""
    with transaction.atomic():
        return _transition(
            registration,
            action=Action.CANCEL,
            to_status=Status.CANCELLED,
            user=user,
            reason=reason,
        )


# --- The agency -----------------------------------------------------------------


def _previous_number(registration):
    return (
        Registration.objects.filter(
            service_provider_id=registration.service_provider_id,
            service_type=registration.service_type,
        )
        .exclude(number="")
        .order_by("-pk")
        .values_list("number", flat=True)
        .first()
    )


def _format_number(service_type, number):
    return f"DV.{service_type}{number:06d}"


def next_number(registration):
    """The provider's number for this service type, or the next free one.

    Takes a number from the counter (locked): call inside transaction.atomic().
    Also used by the demo data, which creates approved registrations directly.
    """
    previous = _previous_number(registration)
    if previous:
        return previous
    RegistrationNumberCounter.objects.get_or_create(service_type=registration.service_type)
    counter = RegistrationNumberCounter.objects.select_for_update().get(
        service_type=registration.service_type
    )
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return _format_number(registration.service_type, counter.last_number)


def _start_of_validity(registration, today):
    """Today, or the day after an approved registration of the same type that has not
    ended yet (in force, or approved earlier to start later)."""
    current_end = (
        Registration.objects.filter(status=Status.APPROVED, valid_until__gte=today)
        .filter(
            service_provider_id=registration.service_provider_id,
            service_type=registration.service_type,
        )
        .exclude(pk=registration.pk)
        .order_by("-valid_until")
        .values_list("valid_until", flat=True)
        .first()
    )
    return current_end + datetime.timedelta(days=1) if current_end else today


def registration_approval_preview(*, registration, on=None):
    """What approving `registration` on `on` (default today) would give, without writing.

    Shown to staff before they confirm. The number is the provider's own one
    for this service type, or the next free one: another approval in between
    can still take that one, the dates are exact.
    """
    today = on or timezone.localdate()
    number = _previous_number(registration)
    if not number:
        last = (
            RegistrationNumberCounter.objects.filter(service_type=registration.service_type)
            .values_list("last_number", flat=True)
            .first()
        )
        number = _format_number(registration.service_type, (last or 0) + 1)
    valid_from = _start_of_validity(registration, today)
    years = STARTER_VALIDITY_YEARS if registration.is_starter else VALIDITY_YEARS
    return {
        "number": number,
        "valid_from": valid_from,
        "valid_until": validity_end(valid_from, years),
    }


def registration_approve(*, registration, user, on=None):
    """Approve a request: a number, and a validity of 5 years (a starter: 2 years).

    A renewal requested while the current registration is still in force
    starts the day after it ends, so that the provider stays listed without a gap.
    """
    today = on or timezone.localdate()
    with transaction.atomic():
        valid_from = _start_of_validity(registration, today)
        years = STARTER_VALIDITY_YEARS if registration.is_starter else VALIDITY_YEARS
        return _transition(
            registration,
            action=Action.APPROVE,
            to_status=Status.APPROVED,
            user=user,
            number=next_number(registration),
            valid_from=valid_from,
            valid_until=validity_end(valid_from, years),
            decided_at=timezone.now(),
        )


def _decide_with_reason(registration, *, action, to_status, user, reason):
    """An agency decision that the provider must be able to read the reason of."""
    reason = _require_reason(reason)
    with transaction.atomic():
        return _transition(
            registration,
            action=action,
            to_status=to_status,
            user=user,
            reason=reason,
            decided_at=timezone.now(),
        )


def registration_refuse(*, registration, user, reason):
    return _decide_with_reason(
        registration, action=Action.REFUSE, to_status=Status.REFUSED, user=user, reason=reason
    )


def registration_suspend(*, registration, user, reason):
    return _decide_with_reason(
        registration, action=Action.SUSPEND, to_status=Status.SUSPENDED, user=user, reason=reason
    )


def registration_lift_suspension(*, registration, user, reason=""):
    """End a suspension: the registration counts again, with its original validity."""
    with transaction.atomic():
        return _transition(
            registration,
            action=Action.LIFT_SUSPENSION,
            to_status=Status.APPROVED,
            user=user,
            reason=reason,
            decided_at=timezone.now(),
        )


def registration_withdraw(*, registration, user, reason):
    """The agency withdraws (trekt in) a registration."""
    return _decide_with_reason(
        registration, action=Action.WITHDRAW, to_status=Status.WITHDRAWN, user=user, reason=reason
    )


def registration_exclude(*, registration, user, reason):
    """The agency excludes the provider for this service type."""
    return _decide_with_reason(
        registration, action=Action.EXCLUDE, to_status=Status.EXCLUDED, user=user, reason=reason
    )


def registration_renew(*, registration, user, follow_up_audit_date, reason=""):
    """A starter passed its follow-up audit: the registration runs 3 more years.

    Only once, and only for an approved starter registration that has not expired.
    """
    with transaction.atomic():
        locked = _lock(registration)
        if not locked.is_starter or locked.renewed_at is not None:
            raise TransitionError(
                _(
                    "Alleen een startersregistratie kan één keer verlengd worden na de "
                    "opvolgingsaudit."
                ),
                code="renewal",
            )
        if locked.status != Status.APPROVED or locked.has_expired():
            raise TransitionError(
                _(
                    "Alleen een goedgekeurde registratie die nog niet verlopen is, kan verlengd "
                    "worden."
                ),
                code="renewal",
            )
        return _transition(
            registration,
            action=Action.RENEW,
            to_status=Status.APPROVED,
            user=user,
            reason=reason,
            renewed_at=follow_up_audit_date,
            # The extension starts the day after the current end, so a starter
            # ends up with five years from its first day (29 February included).
            valid_until=validity_end(
                locked.valid_until + datetime.timedelta(days=1), STARTER_RENEWAL_YEARS
            ),
        )
