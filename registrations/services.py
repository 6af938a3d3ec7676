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

from providers.locking import user_display
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


def add_years(day, years):
    """The same calendar day `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def validity_end(valid_from, years):
    """Last day of a validity of `years` starting on `valid_from` (inclusive)."""
    return add_years(valid_from, years) - datetime.timedelta(days=1)


def _lock(registration):
    return Registration.objects.select_for_update().get(pk=registration.pk)


# The statuses each action starts from, where the state machine alone is not
# enough (approved is reached by approval, by lifting a suspension and by renewal).
ACTION_FROM = {
    Action.APPROVE: {Status.REQUESTED},
    Action.LIFT_SUSPENSION: {Status.SUSPENDED},
    Action.RENEW: {Status.APPROVED},
}


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
            _("Een registratie met status '%(status)s' kan niet %(action)s worden.")
            % {"status": locked.get_status_display(), "action": Action(action).label},
            code="transition",
        )
    from_status = locked.status
    locked.status = to_status
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
        registration.audit_report.save(audit_report.name, audit_report, save=False)
        registration.full_clean(exclude=["number"])
        registration.save()
        for label in quality_labels:
            quality_label = QualityLabel(registration=registration, **label)
            quality_label.full_clean()
            quality_label.save()
        event = RegistrationEvent.objects.create(
            registration=registration,
            action=Action.REQUEST,
            from_status="",
            to_status=Status.REQUESTED,
            actor=user,
        )
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


def _next_number(registration):
    """The provider's number for this service type, or the next free one."""
    previous = (
        Registration.objects.filter(
            service_provider_id=registration.service_provider_id,
            service_type=registration.service_type,
        )
        .exclude(number="")
        .order_by("-pk")
        .values_list("number", flat=True)
        .first()
    )
    if previous:
        return previous
    RegistrationNumberCounter.objects.get_or_create(service_type=registration.service_type)
    counter = RegistrationNumberCounter.objects.select_for_update().get(
        service_type=registration.service_type
    )
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"DV.{registration.service_type}{counter.last_number:06d}"


def _start_of_validity(registration, today):
    """Today, or the day after a registration of the same type that is still in force."""
    current_end = (
        Registration.objects.in_force(today)
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
            number=_next_number(registration),
            valid_from=valid_from,
            valid_until=validity_end(valid_from, years),
            decided_at=timezone.now(),
            reason="",
        )


def registration_refuse(*, registration, user, reason):
    reason = _require_reason(reason)
    with transaction.atomic():
        return _transition(
            registration,
            action=Action.REFUSE,
            to_status=Status.REFUSED,
            user=user,
            reason=reason,
            decided_at=timezone.now(),
        )


def registration_suspend(*, registration, user, reason):
    reason = _require_reason(reason)
    with transaction.atomic():
        return _transition(
            registration,
            action=Action.SUSPEND,
            to_status=Status.SUSPENDED,
            user=user,
            reason=reason,
            decided_at=timezone.now(),
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
    reason = _require_reason(reason)
    with transaction.atomic():
        return _transition(
            registration,
            action=Action.WITHDRAW,
            to_status=Status.WITHDRAWN,
            user=user,
            reason=reason,
            decided_at=timezone.now(),
        )


def registration_exclude(*, registration, user, reason):
    """The agency excludes the provider for this service type."""
    reason = _require_reason(reason)
    with transaction.atomic():
        return _transition(
            registration,
            action=Action.EXCLUDE,
            to_status=Status.EXCLUDED,
            user=user,
            reason=reason,
            decided_at=timezone.now(),
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
            valid_until=add_years(locked.valid_until, STARTER_RENEWAL_YEARS),
        )
