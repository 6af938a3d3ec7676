"""E-mails about registrations: what to say to whom.

Every transition is mailed to the organisation's registered address and to the
service provider's own address (providers.emails.recipients); so are the
reminders before a registration expires. Rendering, timing and sending are core.mail's.
"""

from core import mail
from providers.emails import recipients


def _notify(template, registration, **context):
    context = {
        "registration": registration,
        "service_provider": registration.service_provider,
        "registration_url": mail.portal_url("registrations:detail", pk=registration.pk),
        **context,
    }
    return mail.notify(template, recipients(registration.service_provider), context)


def registration_event_send(event):
    """Tell the organisation what happened to its registration, and why."""
    return _notify("registration_event", event.registration, event=event)


def expiry_reminder_send(reminder):
    """Remind the organisation that a registration ends soon and how to renew it.

    The mail is written to the outbox in the caller's transaction, with the
    ExpiryReminder row that says it went out (registrations.reminders).
    """
    return _notify("registration_expiry_reminder", reminder.registration, reminder=reminder)
