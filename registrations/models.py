"""Registrations (2.1 "Registraties beheren"): a service provider is registered per
service type (opleiding, advies) after an audit against the kmop-norm.

A registration counts only while it is approved and today lies within its
validity: expiry follows from the dates alone, so nothing has to run at
midnight for the portal to be right (see RegistrationQuerySet.in_force).
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from core import transitions
from core.downloads import pdf_download_name
from core.models import TransitionEvent
from core.storage import private_storage as core_private_storage
from portal.models import Membership
from portal.scope import member_permission
from providers.models import ServiceProvider

# The text of the "verklaring op eer", shown on the request form and copied
# onto every request as it was at the moment it was ticked.
DECLARATION_TEXT = _(
    "Ik verklaar op eer dat de gegevens in deze aanvraag volledig en juist zijn, dat de "
    "dienstverlener werkt volgens de kmop-norm waarop de audit betrekking heeft, en dat ik "
    "gemachtigd ben om deze aanvraag in naam van de onderneming in te dienen. Ik weet dat "
    "onjuiste verklaringen kunnen leiden tot weigering, intrekking of uitsluiting van de "
    "registratie en tot terugvordering van onterecht uitbetaalde steun."
)


def private_storage():
    # A callable, so that migrations refer to this function instead of a serialised
    # storage. The storage follows STORAGES["private"]: a bucket or MEDIA_ROOT.
    return core_private_storage


# The download name of an audit report whose uploaded name leaves nothing usable.
AUDIT_REPORT_DEFAULT_NAME = "auditrapport.pdf"


def audit_report_path(instance, filename):
    # Never the uploader's file name on disk: it is kept in audit_report_name.
    return f"registrations/audit-reports/{uuid.uuid4().hex}.pdf"


class ServiceType(models.TextChoices):
    TRAINING = "O", _("opleiding")
    ADVICE = "A", _("advies")


class RegistrationStatus(models.TextChoices):
    REQUESTED = "requested", _("aangevraagd")
    APPROVED = "approved", _("goedgekeurd")
    REFUSED = "refused", _("geweigerd")
    CANCELLED = "cancelled", _("aanvraag ingetrokken")
    SUSPENDED = "suspended", _("geschorst")
    WITHDRAWN = "withdrawn", _("ingetrokken door het agentschap")
    EXCLUDED = "excluded", _("uitgesloten")


# --- Conditions of the transitions ----------------------------------------------------------


@transitions.rule(
    _("Alleen een startersregistratie kan één keer verlengd worden na de opvolgingsaudit."),
    code="renewal",
)
def is_starter_not_yet_renewed(registration):
    return registration.is_starter and registration.renewed_at is None


@transitions.rule(
    _("Alleen een goedgekeurde registratie die nog niet verlopen is, kan verlengd worden."),
    code="renewal",
)
def has_not_expired(registration):
    return not registration.has_expired()


# Who takes the agency's decisions: a reviewer of registrations (portal.roles).
MAY_DECIDE = transitions.staff_permission(
    "registrations.change_registration",
    _("Alleen een beoordelaar van registraties kan over een registratie beslissen."),
    code="registration_reviewer",
)

# Who files and withdraws a request: a provider user of the service provider's
# organisation (portal.scope).
PROVIDER_STEP = member_permission(Membership.Profile.PROVIDER, "service_provider.organisation_id")


class RegistrationQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        return self.filter(service_provider__organisation=organisation)

    def in_force(self, on=None):
        """Approved registrations whose validity includes `on` (default: today)."""
        on = on or timezone.localdate()
        return self.filter(
            status=Registration.Status.APPROVED, valid_from__lte=on, valid_until__gte=on
        )

    def pending(self):
        return self.filter(status=Registration.Status.REQUESTED)


class Registration(transitions.TransitionsMixin, models.Model):
    """A request for, and then the registration of, one service provider for one service type.

    The state machine is declared below (the methods under "Transitions"); every step
    is taken through registrations.services:

        requested -> approved | refused | cancelled (by the provider) | excluded
        approved  -> suspended | withdrawn | excluded | approved (a starter's renewal)
        suspended -> approved (suspension lifted) | withdrawn | excluded

    refused, cancelled, withdrawn and excluded are final. "Verlopen" (expired)
    is not a status: it is an approved registration whose valid_until has passed.
    """

    # Module level, so that Meta's constraints can name it too.
    Status = RegistrationStatus

    service_provider = models.ForeignKey(
        ServiceProvider,
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("dienstverlener"),
    )
    service_type = models.CharField(
        _("type dienstverlening"), max_length=1, choices=ServiceType.choices
    )
    # Assigned at approval; a provider keeps its number for a service type when it
    # is registered again, so several registrations can share one number.
    number = models.CharField(_("registratienummer"), max_length=10, blank=True, db_index=True)
    status = FSMField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.REQUESTED,
        protected=True,
    )
    is_starter = models.BooleanField(
        _("starter"),
        default=False,
        help_text=_(
            "Een starter wordt eerst voor twee jaar geregistreerd; na een opvolgingsaudit "
            "wordt de registratie met drie jaar verlengd."
        ),
    )
    valid_from = models.DateField(_("geldig vanaf"), null=True, blank=True)
    valid_until = models.DateField(_("geldig tot en met"), null=True, blank=True)
    renewed_at = models.DateField(_("verlengd na opvolgingsaudit op"), null=True, blank=True)

    # The audit evidence.
    audit_body = models.CharField(_("auditinstantie"), max_length=200)
    audit_date = models.DateField(_("datum van de audit"))
    audit_report = models.FileField(
        _("auditrapport"), storage=private_storage, upload_to=audit_report_path, max_length=200
    )
    audit_report_name = models.CharField(_("bestandsnaam auditrapport"), max_length=200)

    # The declaration on honour: the text as shown, who ticked it and when.
    declaration_text = models.TextField(_("verklaring op eer"))
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("verklaring op eer afgelegd door"),
    )
    declared_by_name = models.CharField(_("naam van de aanvrager"), max_length=300)
    declared_at = models.DateTimeField(_("verklaring op eer afgelegd op"))

    requested_at = models.DateTimeField(_("aangevraagd op"), default=timezone.now)
    decided_at = models.DateTimeField(_("beslist op"), null=True, blank=True)
    # The reason of the last refusal, suspension, withdrawal or exclusion,
    # shown to the provider; every transition's reason is in the events.
    reason = models.TextField(_("reden"), blank=True)

    objects = RegistrationQuerySet.as_manager()

    transition_refused = _(
        "Deze stap (%(action)s) is niet mogelijk voor een registratie met status '%(status)s'."
    )
    # The uploaded file is checked by the request form; a transition never touches it.
    transition_clean_exclude = ("audit_report",)

    class Meta:
        verbose_name = _("registratie")
        verbose_name_plural = _("registraties")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_provider", "service_type"],
                condition=models.Q(status=RegistrationStatus.REQUESTED),
                name="registration_one_pending_request_per_type",
            ),
            models.CheckConstraint(
                condition=models.Q(service_type__in=ServiceType.values),
                name="registration_service_type_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=RegistrationStatus.values),
                name="registration_status_valid",
            ),
            # Approved or suspended means: number and validity assigned.
            models.CheckConstraint(
                condition=~models.Q(
                    status__in=[RegistrationStatus.APPROVED, RegistrationStatus.SUSPENDED]
                )
                | (
                    ~models.Q(number="")
                    & models.Q(valid_from__isnull=False, valid_until__isnull=False)
                ),
                name="registration_approved_has_number_and_validity",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True)
                | models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="registration_validity_ordered",
            ),
        ]
        indexes = [
            # The public listing: approved registrations in force today.
            # Covers the listed-providers subquery: an index-only scan, never the wide rows.
            models.Index(
                fields=["status", "valid_until", "valid_from", "service_provider", "service_type"],
                name="registration_in_force_idx",
            ),
            # Whether one provider is listed (the search checks its page's rows one
            # by one): an index-only probe.
            models.Index(
                fields=["service_provider"],
                include=["valid_from", "valid_until", "service_type"],
                condition=models.Q(status=RegistrationStatus.APPROVED),
                name="registration_listed_idx",
            ),
        ]

    def __str__(self):
        label = self.number or self.get_status_display()
        return f"{self.service_provider} — {self.get_service_type_display()} ({label})"

    # --- Transitions ------------------------------------------------------------------
    # Each only sets the registration's own fields; registrations.services takes them
    # through core.transitions.perform (lock, checks, event, e-mail). `reason` is what
    # the provider is shown: the reason of the decision that holds now.

    @transition(
        field=status,
        source=Status.REQUESTED,
        target=Status.REQUESTED,
        conditions=[transitions.is_new],
        permission=PROVIDER_STEP,
        custom={"label": _("Aanvragen")},
    )
    def request(self):
        """The provider files its request, with the evidence and the declaration on honour."""

    @transition(
        field=status,
        source=Status.REQUESTED,
        target=Status.APPROVED,
        permission=MAY_DECIDE,
        custom={"label": _("Goedkeuren"), "admin": True},
    )
    def approve(self, *, number, valid_from, valid_until, decided_at):
        self.number = number
        self.valid_from, self.valid_until = valid_from, valid_until
        self.decided_at = decided_at
        self.reason = ""

    @transition(
        field=status,
        source=Status.REQUESTED,
        target=Status.REFUSED,
        permission=MAY_DECIDE,
        custom={"label": _("Weigeren"), "admin": True, "destructive": True},
    )
    def refuse(self, *, reason, decided_at):
        self.reason, self.decided_at = reason, decided_at

    @transition(
        field=status,
        source=Status.REQUESTED,
        target=Status.CANCELLED,
        permission=PROVIDER_STEP,
        custom={"label": _("Aanvraag intrekken")},
    )
    def cancel(self):
        """The provider withdraws its own request; its remark is only in the event."""

    @transition(
        field=status,
        source=Status.APPROVED,
        target=Status.SUSPENDED,
        permission=MAY_DECIDE,
        custom={"label": _("Schorsen"), "admin": True, "destructive": True},
    )
    def suspend(self, *, reason, decided_at):
        self.reason, self.decided_at = reason, decided_at

    @transition(
        field=status,
        source=Status.SUSPENDED,
        target=Status.APPROVED,
        permission=MAY_DECIDE,
        custom={"label": _("Schorsing opheffen"), "admin": True},
    )
    def lift_suspension(self, *, decided_at):
        """The registration counts again, with its original validity."""
        self.decided_at = decided_at
        self.reason = ""

    @transition(
        field=status,
        source=[Status.APPROVED, Status.SUSPENDED],
        target=Status.WITHDRAWN,
        permission=MAY_DECIDE,
        custom={"label": _("Intrekken"), "admin": True, "destructive": True},
    )
    def withdraw(self, *, reason, decided_at):
        self.reason, self.decided_at = reason, decided_at

    @transition(
        field=status,
        source=[Status.REQUESTED, Status.APPROVED, Status.SUSPENDED],
        target=Status.EXCLUDED,
        permission=MAY_DECIDE,
        custom={"label": _("Uitsluiten"), "admin": True, "destructive": True},
    )
    def exclude(self, *, reason, decided_at):
        self.reason, self.decided_at = reason, decided_at

    @transition(
        field=status,
        source=Status.APPROVED,
        target=Status.APPROVED,
        conditions=[is_starter_not_yet_renewed, has_not_expired],
        permission=MAY_DECIDE,
        custom={"label": _("Verlengen na opvolgingsaudit"), "admin": True},
    )
    def renew(self, *, follow_up_audit_date, valid_until):
        """A starter passed its follow-up audit: once, before its registration expires."""
        self.renewed_at = follow_up_audit_date
        self.valid_until = valid_until

    # --- Status, as people see it -----------------------------------------------------

    def is_in_force(self, on=None):
        on = on or timezone.localdate()
        return (
            self.status == self.Status.APPROVED
            and self.valid_from is not None
            and self.valid_from <= on <= self.valid_until
        )

    def has_expired(self, on=None):
        on = on or timezone.localdate()
        return self.status == self.Status.APPROVED and self.valid_until < on

    @property
    def audit_report_extension(self):
        return Path(self.audit_report_name).suffix.lower()

    @property
    def audit_report_filename(self):
        """The name the audit report is shown and downloaded under: always a plain `.pdf`
        name, also for requests stored before uploaded names were made safe."""
        return pdf_download_name(self.audit_report_name, default=AUDIT_REPORT_DEFAULT_NAME)


class QualityLabel(models.Model):
    """A quality label or certificate the provider holds, submitted with a request."""

    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="quality_labels",
        verbose_name=_("registratie"),
    )
    name = models.CharField(_("kwaliteitslabel of certificaat"), max_length=200)
    expires_on = models.DateField(_("vervaldatum"))

    class Meta:
        verbose_name = _("kwaliteitslabel")
        verbose_name_plural = _("kwaliteitslabels")
        ordering = ["expires_on", "name"]

    def __str__(self):
        return self.name


class RegistrationEventQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        return self.filter(registration__service_provider__organisation=organisation)


class RegistrationEvent(TransitionEvent):
    """One step in a registration's life: who, when, from which status to which, and why."""

    class Action(models.TextChoices):
        REQUEST = "request", _("aangevraagd")
        APPROVE = "approve", _("goedgekeurd")
        REFUSE = "refuse", _("geweigerd")
        CANCEL = "cancel", _("aanvraag ingetrokken")
        SUSPEND = "suspend", _("geschorst")
        LIFT_SUSPENSION = "lift_suspension", _("schorsing opgeheven")
        WITHDRAW = "withdraw", _("ingetrokken door het agentschap")
        EXCLUDE = "exclude", _("uitgesloten")
        RENEW = "renew", _("verlengd na opvolgingsaudit")

    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("registratie"),
    )
    action = TransitionEvent.action_field(Action.choices)
    from_status = TransitionEvent.from_status_field(RegistrationStatus.choices)
    to_status = TransitionEvent.to_status_field(RegistrationStatus.choices)

    objects = RegistrationEventQuerySet.as_manager()


class RegistrationNumberCounter(models.Model):
    """The last registration number handed out per service type (locked while assigning)."""

    service_type = models.CharField(
        _("type dienstverlening"), max_length=1, choices=ServiceType.choices, unique=True
    )
    last_number = models.PositiveIntegerField(_("laatste nummer"), default=0)

    class Meta:
        verbose_name = _("teller registratienummers")
        verbose_name_plural = _("tellers registratienummers")

    def __str__(self):
        return f"{self.get_service_type_display()}: {self.last_number}"


class ExpiryReminder(models.Model):
    """A reminder e-mail sent before a registration expires: at most one per kind."""

    class Kind(models.TextChoices):
        SIX_MONTHS = "6m", _("zes maanden voor het einde")
        THREE_MONTHS = "3m", _("drie maanden voor het einde")

    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("registratie"),
    )
    kind = models.CharField(_("soort"), max_length=2, choices=Kind.choices)
    # The validity end the reminder was about: a renewal makes a new reminder due.
    valid_until = models.DateField(_("geldig tot en met"))
    sent_at = models.DateTimeField(_("verstuurd op"), default=timezone.now)

    class Meta:
        verbose_name = _("herinnering")
        verbose_name_plural = _("herinneringen")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "kind", "valid_until"],
                name="expiry_reminder_once",
            ),
        ]

    def __str__(self):
        return f"{self.registration}: {self.get_kind_display()}"
