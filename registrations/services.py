"""Every change to a registration: the provider's request and withdrawal, and the
agency's decisions.

Each step is declared on the model (Registration's @transition methods) and taken
here through core.transitions.perform: it locks the registration, refuses a step
the status does not allow, writes the registration and a RegistrationEvent (who,
when, why) in one transaction, and e-mails the organisation once the transaction
has committed. Views and the admin never save a registration themselves.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import transitions
from core.downloads import pdf_download_name
from core.people import user_display
from registrations import emails
from registrations.models import (
    AUDIT_REPORT_DEFAULT_NAME,
    DECLARATION_TEXT,
    QualityLabel,
    Registration,
    RegistrationNumberCounter,
)
from registrations.numbers import format_registration_number

VALIDITY_YEARS = 5
STARTER_VALIDITY_YEARS = 2
STARTER_RENEWAL_YEARS = 3

Status = Registration.Status


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


def _perform(registration, name, *, user, reason="", arguments=None, prepare=None):
    return transitions.perform(
        instance=registration,
        name=name,
        actor=user,
        reason=reason,
        arguments=arguments,
        prepare=prepare,
        notify=emails.registration_event_send,
    )


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

    `user` must act as a service provider for the provider's organisation (the step's
    declared permission, portal.scope): otherwise TransitionError and nothing is stored.
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
        # requests for the same type sees the first one. The locked row, not the
        # caller's object, names the organisation the request step's permission checks.
        service_provider = (
            type(service_provider).objects.select_for_update().get(pk=service_provider.pk)
        )
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
            audit_report_name=pdf_download_name(
                audit_report.name, default=AUDIT_REPORT_DEFAULT_NAME
            ),
            declaration_text=str(DECLARATION_TEXT),
            declared_by=user,
            declared_by_name=user_display(user),
            declared_at=now,
            requested_at=now,
        )
        labels = [QualityLabel(**label) for label in quality_labels]
        for label in labels:
            label.full_clean(exclude=["registration"])
        # The file is written before the row, and removed again when the registration
        # or the database refuses it: a failed request leaves nothing.
        registration.audit_report.save(audit_report.name, audit_report, save=False)
        try:
            _perform(registration, "request", user=user)
            for label in labels:
                label.registration = registration
                label.save()
        except Exception:
            registration.audit_report.delete(save=False)
            raise
    return registration


def registration_cancel(*, registration, user, reason=""):
    """The provider withdraws its own pending request: `user` must act as a service
    provider for its organisation (the step's declared permission, portal.scope)."""
    return _perform(registration, "cancel", user=user, reason=reason)


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


def next_number(*, registration):
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
    return format_registration_number(registration.service_type, counter.last_number)


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
        number = format_registration_number(registration.service_type, (last or 0) + 1)
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
    The number is taken once the step is known to be allowed.
    """
    today = on or timezone.localdate()

    def number_and_validity(locked):
        valid_from = _start_of_validity(locked, today)
        years = STARTER_VALIDITY_YEARS if locked.is_starter else VALIDITY_YEARS
        return {
            "number": next_number(registration=locked),
            "valid_from": valid_from,
            "valid_until": validity_end(valid_from, years),
            "decided_at": timezone.now(),
        }

    return _perform(registration, "approve", user=user, prepare=number_and_validity)


def _decide_with_reason(registration, name, *, user, reason):
    """An agency decision that the provider must be able to read the reason of."""
    reason = _require_reason(reason)
    return _perform(
        registration,
        name,
        user=user,
        reason=reason,
        arguments={"reason": reason, "decided_at": timezone.now()},
    )


def registration_refuse(*, registration, user, reason):
    return _decide_with_reason(registration, "refuse", user=user, reason=reason)


def registration_suspend(*, registration, user, reason):
    return _decide_with_reason(registration, "suspend", user=user, reason=reason)


def registration_lift_suspension(*, registration, user, reason=""):
    """End a suspension: the registration counts again, with its original validity."""
    return _perform(
        registration,
        "lift_suspension",
        user=user,
        reason=reason,
        arguments={"decided_at": timezone.now()},
    )


def registration_withdraw(*, registration, user, reason):
    """The agency withdraws (trekt in) a registration."""
    return _decide_with_reason(registration, "withdraw", user=user, reason=reason)


def registration_exclude(*, registration, user, reason):
    """The agency excludes the provider for this service type."""
    return _decide_with_reason(registration, "exclude", user=user, reason=reason)


def registration_renew(*, registration, user, follow_up_audit_date, reason=""):
    """A starter passed its follow-up audit: the registration runs 3 more years.

    Only once, and only for an approved starter registration that has not expired
    (the conditions of Registration.renew).
    """

    def extension(locked):
        # The extension starts the day after the current end, so a starter
        # ends up with five years from its first day (29 February included).
        return {
            "valid_until": validity_end(
                locked.valid_until + datetime.timedelta(days=1), STARTER_RENEWAL_YEARS
            )
        }

    return _perform(
        registration,
        "renew",
        user=user,
        reason=reason,
        arguments={"follow_up_audit_date": follow_up_audit_date},
        prepare=extension,
    )
