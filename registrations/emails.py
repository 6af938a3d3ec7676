"""E-mails about registrations (Django's mail framework).

Every transition is mailed to the organisation's registered address and to the
service provider's own address; so are the reminders before a registration
expires. Sent after the transaction commits (see registrations.services).
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse


def _recipients(service_provider):
    addresses = [service_provider.organisation.email, service_provider.email]
    return list(dict.fromkeys(address for address in addresses if address))


def _send(template, registration, **context):
    context = {
        "registration": registration,
        "service_provider": registration.service_provider,
        "registration_url": settings.PORTAL_BASE_URL
        + reverse("registrations:detail", kwargs={"pk": registration.pk}),
        **context,
    }
    recipients = _recipients(registration.service_provider)
    if not recipients:
        return 0
    subject = render_to_string(f"emails/{template}_subject.txt", context)
    body = render_to_string(f"emails/{template}_body.txt", context)
    return send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, recipients)


def registration_event_send(event):
    """Tell the organisation what happened to its registration, and why."""
    return _send("registration_event", event.registration, event=event)


def expiry_reminder_send(reminder):
    """Remind the organisation that a registration ends soon and how to renew it."""
    return _send("registration_expiry_reminder", reminder.registration, reminder=reminder)
