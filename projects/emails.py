"""E-mails about subsidy dossiers (Django's mail framework).

Every step is mailed to the other party: what the SME does goes to the
provider, what the provider does goes to the SME, and what the agency (or the
daily lapse command) does goes to both. The provider is reached at the service
provider's and its organisation's address, the SME at its organisation's
address and that of the person who filed. Each party gets its own link to the
dossier. Sent after the transaction commits (see projects.services).
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from projects.models import ProjectEvent

TO_PROVIDER = frozenset({"provider"})
TO_SME = frozenset({"sme"})
BOTH = TO_PROVIDER | TO_SME

Action = ProjectEvent.Action
AUDIENCE = {
    Action.SUBMIT: TO_PROVIDER,
    Action.CONFIRM: TO_SME,
    Action.REFUSE: TO_SME,
    Action.STOP: BOTH,
    Action.RECORD_DEPOSIT: BOTH,
    Action.GRANT: BOTH,
    Action.RECORD_PAYMENT: BOTH,
    Action.CLOSE: BOTH,
    Action.LAPSE: BOTH,
}
DETAIL_URL_NAMES = {"provider": "projects:detail", "sme": "sme-projects:detail"}


def _unique(addresses):
    return list(dict.fromkeys(address for address in addresses if address))


def recipients(project, party):
    if party == "provider":
        return _unique([project.service_provider.email, project.provider_organisation.email])
    return _unique([project.client.email, project.filed_by.email])


def detail_url(project, party):
    """The dossier's page for `party`, or "" while that page does not exist."""
    try:
        path = reverse(DETAIL_URL_NAMES[party], kwargs={"pk": project.pk})
    except NoReverseMatch:
        return ""
    return settings.PORTAL_BASE_URL + path


def project_event_send(event, *, audience=None):
    """Tell the other party (or both) what happened to the dossier, and why.

    Returns the number of messages sent.
    """
    project = event.project
    sent = 0
    for party in sorted(audience or AUDIENCE[event.action]):
        addresses = recipients(project, party)
        if not addresses:
            continue
        context = {
            "event": event,
            "project": project,
            "party": party,
            "project_url": detail_url(project, party),
        }
        subject = render_to_string("emails/project_event_subject.txt", context)
        body = render_to_string("emails/project_event_body.txt", context)
        sent += send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, addresses)
    return sent
