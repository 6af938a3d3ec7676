"""E-mails about registrations: what to say to whom.

Every transition is mailed to the organisation's registered address and to the
service provider's own address (providers.emails.recipients); so are the
reminders before a registration expires. Rendering, timing and sending are core.mail's.
"""

from core import mail
from providers.emails import recipients


def _notify(template, registration, *, after_commit=True, **context):
    context = {
        "registration": registration,
        "service_provider": registration.service_provider,
        "registration_url": mail.portal_url("registrations:detail", pk=registration.pk),
        **context,
    }
    return mail.notify(
        template, recipients(registration.service_provider), context, after_commit=after_commit
    )


def registration_event_send(event):
    """Tell the organisation what happened to its registration, and why."""
    return _notify("registration_event", event.registration, event=event)


def expiry_reminder_send(reminder):
    """Remind the organisation that a registration ends soon and how to renew it.

    Sent at once, inside the caller's transaction: the ExpiryReminder row says the
    reminder went out, so a failed mail must roll it back and leave it to the next
    run (registrations.reminders).
    """
    return _notify(
        "registration_expiry_reminder",
        reminder.registration,
        reminder=reminder,
        after_commit=False,
    )
