"""E-mails about a service provider's bank account: what to say to whom.

They go to the organisation's registered address and to the provider's own
address, so that a change asked by someone else is noticed by the owner. Only
masked accounts (last four digits) appear in them. Rendering, timing and sending
are core.mail's.
"""

from core import mail
from core.people import user_display


def recipients(service_provider):
    """Who hears about a service provider: its organisation and the provider itself."""
    return [service_provider.organisation.email, service_provider.email]


def _notify(template, change, **context):
    provider = change.service_provider
    context = {
        "change": change,
        "provider_url": mail.portal_url("providers:detail", pk=provider.pk),
        **context,
    }
    return mail.notify(template, recipients(provider), context)


def bank_account_change_requested_send(change):
    """Tell the owner that a new account was asked for and is pending."""
    return _notify(
        "bank_account_change_requested", change, requested_by=user_display(change.requested_by)
    )


def bank_account_change_decided_send(change):
    """Tell the owner that staff verified or rejected the new account."""
    template = (
        "bank_account_change_verified"
        if change.status == change.Status.VERIFIED
        else "bank_account_change_rejected"
    )
    return _notify(template, change)
