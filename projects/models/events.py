"""What happened to a dossier, step by step (who, when, from which status to which, why)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TransitionEvent
from projects.models.dossier import Project, ProjectStatus


class ProjectEventQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        return self.filter(project__provider_organisation=organisation)

    def for_client(self, organisation):
        return self.filter(project__client=organisation)


class ProjectEvent(TransitionEvent):
    """One step in a dossier's life: who, when, from which status to which, and why."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("ingediend")
        CONFIRM = "confirm", _("bevestigd door de dienstverlener")
        REFUSE = "refuse", _("geweigerd door de dienstverlener")
        RECORD_DEPOSIT = "record_deposit", _("eigen aandeel gestort")
        GRANT = "grant", _("subsidie toegekend")
        RECORD_PAYMENT = "record_payment", _("betaling geregistreerd")
        CLOSE = "close", _("afgesloten")
        STOP = "stop", _("stopgezet")
        LAPSE = "lapse", _("vervallen")

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="events", verbose_name=_("dossier")
    )
    action = TransitionEvent.action_field(Action.choices)
    from_status = TransitionEvent.from_status_field(ProjectStatus.choices)
    to_status = TransitionEvent.to_status_field(ProjectStatus.choices)

    objects = ProjectEventQuerySet.as_manager()
