"""E-mails about a service provider's bank account (Django's mail framework).

They go to the organisation's registered address and to the provider's own
address, so that a change asked by someone else is noticed by the owner. Only
masked accounts (last four digits) appear in them.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from core.locking import user_display


def _recipients(service_provider):
    addresses = [service_provider.organisation.email, service_provider.email]
    return list(dict.fromkeys(address for address in addresses if address))


def _send(template, change, **context):
    context = {"change": change, **context}
    subject = render_to_string(f"emails/{template}_subject.txt", context)
    body = render_to_string(f"emails/{template}_body.txt", context)
    recipients = _recipients(change.service_provider)
    if not recipients:
        return 0
    return send_mail(
        " ".join(subject.split()),
        body,
        settings.DEFAULT_FROM_EMAIL,
        recipients,
    )


def bank_account_change_requested_send(change):
    """Tell the owner that a new account was asked for and is pending."""
    return _send(
        "bank_account_change_requested", change, requested_by=user_display(change.requested_by)
    )


def bank_account_change_decided_send(change):
    """Tell the owner that staff verified or rejected the new account."""
    template = (
        "bank_account_change_verified"
        if change.status == change.Status.VERIFIED
        else "bank_account_change_rejected"
    )
    return _send(template, change)
