"""The subsidy dossier (steundossier): its status, declared transitions and the rules
that follow from its dates (lapse, deadlines), and the dossier numbers.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, transition

from core import transitions
from organisations.models import Organisation
from portal.models import Membership
from portal.scope import member_permission
from projects.models.choices import (
    DEPOSIT_TERM_DAYS,
    ELIGIBLE_COMPANY_SIZES,
    FILING_TERM_DAYS,
    ZERO,
    CompanySize,
    HigherRateTopic,
    Theme,
    TrainingKind,
)
from providers.models import ServiceProvider, Vakgebied
from registrations.models import Registration, ServiceType


class ProjectStatus(models.TextChoices):
    SUBMITTED = "submitted", _("ingediend")
    CONFIRMED = "confirmed", _("bevestigd")
    REFUSED = "refused", _("geweigerd door dienstverlener")
    DEPOSITED = "deposited", _("eigen aandeel gestort")
    GRANTED = "granted", _("subsidie toegekend")
    PARTIALLY_PAID = "partially_paid", _("deels betaald")
    PAID = "paid", _("betaald")
    CLOSED = "closed", _("afgesloten")
    STOPPED = "stopped", _("stopgezet")
    LAPSED = "lapsed", _("vervallen")


FINAL_STATUSES = {
    ProjectStatus.REFUSED,
    ProjectStatus.CLOSED,
    ProjectStatus.STOPPED,
    ProjectStatus.LAPSED,
}
# In the order of the statuses, so that a transition from all of them reads the same
# every time.
NOT_FINAL_STATUSES = [status for status in ProjectStatus if status not in FINAL_STATUSES]


def _lapsed_message(project):
    return _(
        "Dit dossier is vervallen: het eigen aandeel werd niet gestort binnen %(days)d dagen "
        "na de bevestiging (uiterlijk %(due)s)."
    ) % {"days": DEPOSIT_TERM_DAYS, "due": date_format(project.deposit_due_on, "d/m/Y")}


@transitions.rule(_lapsed_message, code="lapsed")
def is_not_lapsed(project):
    """A confirmed dossier past its deposit deadline is lapsed, whatever its column says:
    it takes no step but the recording of a deposit made in time, and of the lapse."""
    return not project.is_lapsed()


NOT_LAPSED = [is_not_lapsed]

# Who takes the agency's steps: a processor of dossiers (portal.roles). The stop is
# the SME's too: project_stop asks for this permission when the agency stops.
AGENCY_STEP = transitions.staff_permission(
    "projects.change_project",
    _("Alleen een behandelaar van steundossiers kan deze stap zetten."),
    code="project_processor",
)


# Who takes the parties' steps (portal.scope): the SME files and stops for the client
# (project_stop asks for SME_STEP when the SME stops), the provider confirms or refuses
# for the organisation of the service provider named.
SME_STEP = member_permission(Membership.Profile.SME, "client_id")
PROVIDER_STEP = member_permission(Membership.Profile.PROVIDER, "provider_organisation_id")


class DaysBetween(models.Func):
    """DaysBetween(later, earlier): whole days from `earlier` to `later`, in the database."""

    output_field = models.IntegerField()
    arity = 2
    # Both databases give the whole days as an integer already: no int() on every row
    # read (10,000 in a long export).
    convert_value = staticmethod(models.Func._convert_value_noop)

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template="(%(expressions)s)", arg_joiner=" - ", **extra_context
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


class ProjectQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        """The dossiers naming one of `organisation`'s service providers (provider side)."""
        return self.filter(provider_organisation=organisation)

    def for_client(self, organisation):
        """The dossiers `organisation` filed as the client (SME side)."""
        return self.filter(client=organisation)

    def due_to_lapse(self, on=None):
        """Confirmed dossiers whose own share was not paid in time: lapsed as of `on`,
        whether or not the daily command has recorded it yet."""
        on = on or timezone.localdate()
        return self.filter(status=Project.Status.CONFIRMED, deposit_due_on__lt=on)

    def lapsed(self, on=None):
        on = on or timezone.localdate()
        return self.filter(
            models.Q(status=Project.Status.LAPSED)
            | models.Q(status=Project.Status.CONFIRMED, deposit_due_on__lt=on)
        )

    def with_status(self, status, on=None):
        """Filter on the status as people see it: "vervallen" includes the derived lapse."""
        on = on or timezone.localdate()
        if status == Project.Status.LAPSED:
            return self.lapsed(on)
        if status == Project.Status.CONFIRMED:
            return self.filter(status=status).exclude(deposit_due_on__lt=on)
        return self.filter(status=status)

    def counting_for_ceiling(self, on=None):
        """Dossiers whose subsidy counts toward the client's annual ceiling: all but the
        refused, stopped and lapsed ones (lapsed as derived from the dates)."""
        on = on or timezone.localdate()
        return self.exclude(status__in=Project.NOT_COUNTING).exclude(
            status=Project.Status.CONFIRMED, deposit_due_on__lt=on
        )

    def with_deadline(self, on=None):
        """Annotate `next_deadline` (date) and `days_left` (int, negative when overdue).

        The next deadline is the provider's confirmation term while the dossier is
        filed, and the SME's deposit deadline once it is confirmed; None otherwise
        (and for a confirmed dossier that has lapsed). `effective_status` is the
        status with the derived lapse applied.
        """
        on = on or timezone.localdate()
        Status = Project.Status
        next_deadline = models.Case(
            models.When(status=Status.SUBMITTED, then=models.F("confirmation_due_on")),
            models.When(
                status=Status.CONFIRMED, deposit_due_on__gte=on, then=models.F("deposit_due_on")
            ),
            default=None,
            output_field=models.DateField(),
        )
        return self.annotate(
            next_deadline=next_deadline,
            days_left=DaysBetween(
                next_deadline, models.Value(on, output_field=models.DateField())
            ),
            effective_status=models.Case(
                models.When(
                    status=Status.CONFIRMED,
                    deposit_due_on__lt=on,
                    then=models.Value(Status.LAPSED),
                ),
                default=models.F("status"),
                output_field=models.CharField(),
            ),
        )


class Project(transitions.TransitionsMixin, models.Model):
    """A subsidy dossier (steundossier): one SME buying one service from one provider.

    The state machine is declared below (the methods under "Transitions"); every
    step is taken through projects.services:

        submitted       -> confirmed | refused (by the provider) | stopped
        confirmed       -> deposited | lapsed (no deposit within 30 days) | stopped
        deposited       -> granted | stopped
        granted         -> partially_paid | paid | stopped
        partially_paid  -> partially_paid (another payment) | paid | stopped
        paid            -> closed | stopped

    refused, closed, stopped and lapsed are final. A confirmed dossier whose
    deposit deadline has passed is lapsed from that day on (is_lapsed(),
    ProjectQuerySet.lapsed()); the daily command `lapse_projects` only records it.
    """

    # Module level, so that Meta's constraints can name it too.
    Status = ProjectStatus
    FINAL = FINAL_STATUSES
    # Dossiers that no longer use any of the client's annual ceiling.
    NOT_COUNTING = {Status.REFUSED, Status.STOPPED, Status.LAPSED}
    # The SME may stop its own dossier until money has been paid to the provider;
    # after that only the agency can (it has to settle the payments).
    SME_STOPPABLE = {Status.SUBMITTED, Status.CONFIRMED, Status.DEPOSITED, Status.GRANTED}

    class RefusalReason(models.TextChoices):
        ENTERPRISE_NOT_ELIGIBLE = (
            "enterprise_not_eligible",
            _("onderneming komt niet in aanmerking"),
        )
        RELATED_ENTERPRISE = "related_enterprise", _("aanverwante onderneming")
        SERVICE_NOT_ELIGIBLE = "service_not_eligible", _("dienstverlening komt niet in aanmerking")
        WRONG_PROVIDER = "wrong_provider", _("verkeerde dienstverlener")

    # KMO-<year of filing>-<6 digits>, assigned when the application is filed.
    number = models.CharField(_("dossiernummer"), max_length=20, unique=True, editable=False)
    client = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("klant"),
        db_index=False,  # leads the composite client indexes below
    )
    service_provider = models.ForeignKey(
        ServiceProvider,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("dienstverlener"),
    )
    # The service provider's organisation, copied at filing so that the provider
    # overview (1,000,000 dossiers) filters and sorts on one table's indexes.
    provider_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="provider_projects",
        verbose_name=_("onderneming van de dienstverlener"),
        editable=False,
        db_index=False,  # leads the composite overview indexes below
    )
    service_type = models.CharField(
        _("type dienstverlening"), max_length=1, choices=ServiceType.choices
    )
    registration = models.ForeignKey(
        Registration,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("registratie"),
        editable=False,
    )
    title = models.CharField(_("titel"), max_length=200)
    training_kind = models.CharField(
        _("soort opleiding"), max_length=20, choices=TrainingKind.choices, blank=True
    )
    vakgebied = models.ForeignKey(
        Vakgebied, on_delete=models.PROTECT, related_name="projects", verbose_name=_("vakgebied")
    )
    theme = models.CharField(_("thema"), max_length=30, choices=Theme.choices)
    higher_rate_topic = models.CharField(
        _("onderwerp met verhoogde steun"),
        max_length=30,
        choices=HigherRateTopic.choices,
        blank=True,
        help_text=_(
            "Opleiding of advies over cybersecurity, of opleiding over energie-efficiëntie, "
            "krijgt een hoger steunpercentage."
        ),
    )
    start_date = models.DateField(_("startdatum"))
    end_date = models.DateField(_("einddatum"))
    filed_on = models.DateField(_("aanvraagdatum"), default=timezone.localdate)
    amount_excl_vat = models.DecimalField(
        _("bedrag exclusief btw"), max_digits=12, decimal_places=2
    )
    company_size = models.CharField(
        _("grootte van de onderneming"), max_length=10, choices=CompanySize.choices
    )
    # Computed at filing from the dated configuration and the annual ceiling, then kept.
    subsidy_percentage = models.DecimalField(
        _("steunpercentage"), max_digits=5, decimal_places=2, editable=False
    )
    subsidy_amount = models.DecimalField(
        _("steunbedrag"), max_digits=12, decimal_places=2, editable=False
    )
    own_share = models.DecimalField(
        _("eigen aandeel"), max_digits=12, decimal_places=2, editable=False
    )
    # The sum of the payments, kept by the payment service (for totals and "betaald").
    amount_paid = models.DecimalField(
        _("reeds betaald"), max_digits=12, decimal_places=2, default=ZERO, editable=False
    )

    status = FSMField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.SUBMITTED,
        protected=True,
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ingediend door"),
    )
    created_at = models.DateTimeField(_("ingediend op"), default=timezone.now)
    # The provider's confirmation term: the portal's own, informative term (no
    # official one is published); nothing lapses when it passes.
    confirmation_due_on = models.DateField(_("te bevestigen tegen"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("bevestigd op"), null=True, blank=True)
    deposit_due_on = models.DateField(_("eigen aandeel te storten tegen"), null=True, blank=True)
    refused_at = models.DateTimeField(_("geweigerd op"), null=True, blank=True)
    refusal_reason = models.CharField(
        _("reden van weigering"), max_length=30, choices=RefusalReason.choices, blank=True
    )
    refusal_remark = models.TextField(_("toelichting bij de weigering"), blank=True)
    deposit_paid_on = models.DateField(_("eigen aandeel gestort op"), null=True, blank=True)
    granted_at = models.DateTimeField(_("subsidie toegekend op"), null=True, blank=True)
    paid_on = models.DateField(_("volledig betaald op"), null=True, blank=True)
    closed_at = models.DateTimeField(_("afgesloten op"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopgezet op"), null=True, blank=True)
    stop_reason = models.TextField(_("reden van stopzetting"), blank=True)
    lapsed_at = models.DateTimeField(_("vervallen op"), null=True, blank=True)

    objects = ProjectQuerySet.as_manager()

    transition_refused = _(
        "De stap '%(action)s' is niet mogelijk voor een dossier met status '%(status)s'."
    )

    class Meta:
        verbose_name = _("steundossier")
        verbose_name_plural = _("steundossiers")
        ordering = ["-filed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ProjectStatus.values),
                name="project_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(service_type__in=ServiceType.values),
                name="project_service_type_valid",
            ),
            # A large enterprise is refused; it never becomes a dossier.
            models.CheckConstraint(
                condition=models.Q(company_size__in=ELIGIBLE_COMPANY_SIZES),
                name="project_company_size_eligible",
            ),
            models.CheckConstraint(
                condition=models.Q(training_kind="") | models.Q(service_type=ServiceType.TRAINING),
                name="project_training_kind_only_for_training",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="project_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_excl_vat__gt=0), name="project_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(subsidy_amount__gte=0)
                & models.Q(subsidy_amount__lte=models.F("amount_excl_vat")),
                name="project_subsidy_within_amount",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    own_share=models.F("amount_excl_vat") - models.F("subsidy_amount")
                ),
                name="project_own_share_is_rest",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_paid__gte=0)
                & models.Q(amount_paid__lte=models.F("amount_excl_vat")),
                name="project_paid_within_amount",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=ProjectStatus.CONFIRMED)
                | models.Q(confirmed_at__isnull=False, deposit_due_on__isnull=False),
                name="project_confirmed_has_deadline",
            ),
        ]
        indexes = [
            # The provider overview (2.4): one organisation, newest filing first,
            # optionally narrowed by status, client, vakgebied, type or period.
            # INCLUDE makes the overview's totals (count and sums of the filtered set)
            # an index-only scan on PostgreSQL; SQLite ignores it.
            models.Index(
                fields=["provider_organisation", "-filed_on", "-id"],
                include=["amount_excl_vat", "subsidy_amount", "status", "deposit_due_on"],
                name="project_org_filed_idx",
            ),
            models.Index(
                fields=["provider_organisation", "status", "-filed_on", "-id"],
                name="project_org_status_idx",
            ),
            models.Index(
                fields=["provider_organisation", "client", "-filed_on", "-id"],
                name="project_org_client_idx",
            ),
            models.Index(
                fields=["provider_organisation", "vakgebied", "-filed_on", "-id"],
                name="project_org_vak_idx",
            ),
            models.Index(
                fields=["provider_organisation", "service_type", "-filed_on", "-id"],
                name="project_org_type_idx",
            ),
            models.Index(
                fields=["provider_organisation", "start_date"], name="project_org_start_idx"
            ),
            # Sorting the overview on the amount (either way): an index-only scan with a
            # LIMIT instead of a top-N sort of all the organisation's dossiers.
            models.Index(
                fields=["provider_organisation", "-amount_excl_vat", "-id"],
                name="project_org_amount_idx",
            ),
            # The SME's own list, and its annual ceiling (client, year of filing).
            models.Index(fields=["client", "-filed_on", "-id"], name="project_client_filed_idx"),
            # The agency's queue in the admin.
            models.Index(fields=["status", "-filed_on", "-id"], name="project_status_filed_idx"),
            # The daily lapse command and the derived lapse.
            models.Index(
                fields=["deposit_due_on"],
                condition=models.Q(status=ProjectStatus.CONFIRMED),
                name="project_deposit_due_idx",
            ),
        ]

    def __str__(self):
        return f"{self.number or _('nieuw dossier')} – {self.title}"

    # --- Derived rules, also used by the forms through full_clean() ------------------

    @property
    def filing_deadline(self):
        """The last day on which the application may be filed."""
        return self.start_date + datetime.timedelta(days=FILING_TERM_DAYS)

    def clean(self):
        """The eligibility rules that follow from the dossier's own fields, each with a
        message for the SME next to the field.

        Runs no query and changes nothing: the rules that need other rows (the
        provider's vakgebieden, its registration on the filing day) and the fields
        that follow from them are projects.services.project_build's.
        """
        super().clean()
        errors = {}
        if self.company_size == CompanySize.LARGE:
            errors["company_size"] = _(
                "Een grote onderneming komt niet in aanmerking voor de kmo-portefeuille: de "
                "steun is er alleen voor kleine en middelgrote ondernemingen (kmo's) volgens de "
                "Europese kmo-definitie."
            )
        if self.amount_excl_vat is not None and self.amount_excl_vat <= 0:
            errors["amount_excl_vat"] = _("Het bedrag exclusief btw moet groter zijn dan € 0,00.")
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("De einddatum mag niet vóór de startdatum liggen.")
        if self.start_date and self.filed_on and self.filed_on > self.filing_deadline:
            errors["start_date"] = _(
                "Een steunaanvraag moet ten laatste %(days)d kalenderdagen na de startdatum "
                "ingediend worden. Voor een dienstverlening die startte op %(start)s kon dat tot "
                "en met %(last)s."
            ) % {
                "days": FILING_TERM_DAYS,
                "start": date_format(self.start_date, "d/m/Y"),
                "last": date_format(self.filing_deadline, "d/m/Y"),
            }
        if self.service_type == ServiceType.TRAINING and not self.training_kind:
            errors["training_kind"] = _(
                "Kies de soort opleiding: klassikaal, afstandsleren of intern."
            )
        if self.service_type == ServiceType.ADVICE and self.training_kind:
            errors["training_kind"] = _("De soort opleiding geldt alleen voor een opleiding.")
        if (
            self.higher_rate_topic == HigherRateTopic.ENERGY_EFFICIENCY
            and self.service_type == ServiceType.ADVICE
        ):
            errors["higher_rate_topic"] = _(
                "Het verhoogde steunpercentage voor energie-efficiëntie geldt alleen voor een "
                "opleiding."
            )
        if self.client_id is not None and self.client_id == self.provider_organisation_id:
            errors["service_provider"] = _(
                "Een onderneming kan geen steun aanvragen voor de diensten van haar eigen "
                "dienstverlener: kies een andere geregistreerde dienstverlener."
            )
        if errors:
            raise ValidationError(errors)

    # --- Transitions ------------------------------------------------------------------
    # Each only sets the dossier's own fields; projects.services takes them through
    # core.transitions.perform (lock, checks, event, e-mail). No step but the deposit
    # and the lapse itself is taken on a lapsed dossier (NOT_LAPSED).

    @transition(
        field=status,
        source=Status.SUBMITTED,
        target=Status.SUBMITTED,
        conditions=[transitions.is_new],
        permission=SME_STEP,
        custom={"label": _("Indienen")},
    )
    def submit(self, *, number, confirmation_due_on):
        """The SME files its application: a number, and the provider's (informative) term."""
        self.number = number
        self.confirmation_due_on = confirmation_due_on

    @transition(
        field=status,
        source=Status.SUBMITTED,
        target=Status.CONFIRMED,
        conditions=NOT_LAPSED,
        permission=PROVIDER_STEP,
        custom={"label": _("Bevestigen")},
    )
    def confirm(self, *, at):
        """The provider confirms: the SME has DEPOSIT_TERM_DAYS to pay its own share."""
        self.confirmed_at = at
        self.deposit_due_on = timezone.localdate(at) + datetime.timedelta(days=DEPOSIT_TERM_DAYS)

    @transition(
        field=status,
        source=Status.SUBMITTED,
        target=Status.REFUSED,
        conditions=NOT_LAPSED,
        permission=PROVIDER_STEP,
        custom={"label": _("Weigeren"), "destructive": True},
    )
    def refuse(self, *, reason, remark, at):
        self.refused_at = at
        self.refusal_reason, self.refusal_remark = reason, remark

    @transition(
        field=status,
        source=Status.CONFIRMED,
        target=Status.DEPOSITED,
        permission=AGENCY_STEP,
        custom={"label": _("Eigen aandeel gestort registreren"), "admin": True},
    )
    def record_deposit(self, *, paid_on):
        """Also on a dossier lapsed by its dates: a deposit made in time counts."""
        self.deposit_paid_on = paid_on

    @transition(
        field=status,
        source=Status.DEPOSITED,
        target=Status.GRANTED,
        conditions=NOT_LAPSED,
        permission=AGENCY_STEP,
        custom={"label": _("Subsidie toekennen"), "admin": True},
    )
    def grant(self, *, at):
        self.granted_at = at

    @transition(
        field=status,
        source=[Status.GRANTED, Status.PARTIALLY_PAID],
        target=RETURN_VALUE(Status.PARTIALLY_PAID, Status.PAID),
        conditions=NOT_LAPSED,
        permission=AGENCY_STEP,
        custom={"label": _("Betaling registreren"), "admin": True},
    )
    def record_payment(self, *, amount, paid_on):
        """Deels betaald, or betaald once the payments reach the whole amount."""
        self.amount_paid += amount
        if self.amount_paid < self.amount_excl_vat:
            return self.Status.PARTIALLY_PAID
        self.paid_on = paid_on
        return self.Status.PAID

    @transition(
        field=status,
        source=Status.PAID,
        target=Status.CLOSED,
        conditions=NOT_LAPSED,
        permission=AGENCY_STEP,
        custom={"label": _("Afsluiten"), "admin": True},
    )
    def close(self, *, at):
        self.closed_at = at

    @transition(
        field=status,
        source=NOT_FINAL_STATUSES,
        target=Status.STOPPED,
        conditions=NOT_LAPSED,
        custom={"label": _("Stopzetten"), "admin": True, "destructive": True},
    )
    def stop(self, *, reason, at):
        """By the SME (its own, until a payment is made: see the service) or the agency."""
        self.stopped_at = at
        self.stop_reason = reason

    @transition(
        field=status,
        source=Status.CONFIRMED,
        target=Status.LAPSED,
        custom={"label": _("Verval registreren")},
    )
    def lapse(self, *, at):
        """The daily command records what the dates already say."""
        self.lapsed_at = at

    # --- Status, as people see it ---------------------------------------------------

    def current_status_label(self):
        return self.get_effective_status_display()

    @property
    def is_final(self):
        return self.status in self.FINAL

    def is_lapsed(self, on=None):
        """Lapsed: recorded as such, or confirmed and the deposit deadline has passed."""
        on = on or timezone.localdate()
        if self.status == self.Status.LAPSED:
            return True
        return (
            self.status == self.Status.CONFIRMED
            and self.deposit_due_on is not None
            and self.deposit_due_on < on
        )

    # effective_status, next_deadline and days_left have the names of the annotations of
    # ProjectQuerySet.with_deadline(), which shadow them with the same values on the rows
    # it returns: templates read `project.days_left` either way. Python code that may get
    # either kind of row calls the class's function (Project.days_left(project, on)).

    def _effective_status(self, on):
        return self.Status.LAPSED if self.is_lapsed(on) else self.Status(self.status)

    def _next_deadline(self, on):
        if self.status == self.Status.SUBMITTED:
            return self.confirmation_due_on
        if self.status == self.Status.CONFIRMED and not self.is_lapsed(on):
            return self.deposit_due_on
        return None

    def effective_status(self, on=None):
        """The status as people see it: "vervallen" once the deposit deadline has passed."""
        return self._effective_status(on)

    def get_effective_status_display(self, on=None):
        return self._effective_status(on).label

    def next_deadline(self, on=None):
        """The provider's confirmation term or the SME's deposit deadline, else None."""
        return self._next_deadline(on)

    def days_left(self, on=None):
        """Days until the next deadline (0 on the day itself), or None."""
        on = on or timezone.localdate()
        deadline = self._next_deadline(on)
        return None if deadline is None else (deadline - on).days

    def can_be_stopped_by_sme(self, on=None):
        return self.status in self.SME_STOPPABLE and not self.is_lapsed(on)

    @property
    def amount_outstanding(self):
        """What the SME still has to order paid to the provider: the whole amount
        excluding VAT (own share + subsidy) minus the payments so far."""
        return self.amount_excl_vat - self.amount_paid


class ProjectNumberCounter(models.Model):
    """The last dossier number handed out per year of filing (locked while assigning)."""

    year = models.PositiveSmallIntegerField(_("jaar"), unique=True)
    last_number = models.PositiveIntegerField(_("laatste nummer"), default=0)

    class Meta:
        verbose_name = _("teller dossiernummers")
        verbose_name_plural = _("tellers dossiernummers")

    def __str__(self):
        return f"{self.year}: {self.last_number}"
