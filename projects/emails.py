"""E-mails about subsidy dossiers: what to say to whom.

Every step is mailed to the other party: what the SME does goes to the
provider, what the provider does goes to the SME, and what the agency (or the
daily lapse command) does goes to both. The provider is reached at the service
provider's and its organisation's address, the SME at its organisation's
address and that of the person who filed. Each party gets its own link to the
dossier. Rendering, timing and sending are core.mail's.
"""

from django.urls import NoReverseMatch

from core import mail
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


def recipients(project, party):
    if party == "provider":
        return [project.service_provider.email, project.provider_organisation.email]
    return [project.client.email, project.filed_by.email]


def detail_url(project, party):
    """The dossier's page for `party`, or "" while that page does not exist."""
    try:
        return mail.portal_url(DETAIL_URL_NAMES[party], pk=project.pk)
    except NoReverseMatch:
        return ""


def project_event_send(event, *, audience=None):
    """Tell the other party (or both) what happened to the dossier, and why.

    One message per party, each with its own link. Returns the number of messages.
    """
    project = event.project
    return sum(
        mail.notify(
            "project_event",
            recipients(project, party),
            {
                "event": event,
                "project": project,
                "party": party,
                "project_url": detail_url(project, party),
            },
        )
        for party in sorted(audience or AUDIENCE[event.action])
    )
