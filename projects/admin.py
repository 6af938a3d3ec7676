"""Admin for agency staff (VLAIO): the dossier queue, the agency's steps, and the
dated configuration of rates and ceilings.

Nothing of a dossier is edited here: its status and amounts change only through
the services in projects.services. The change page shows the dossier with its
events and payments, and a button per step that Project declares for the admin
and its current status allows (core.admin.TransitionActionsMixin); each button
opens a confirmation page with a small form (STEPS, keyed by the transition)
whose POST calls the service with the staff member as the actor.

Taking a step needs the change permission on dossiers (the role "Behandelaar
steundossiers", portal.roles), which the declared transitions ask for too; viewing
needs the view permission. Rates and ceilings are edited like any model, by another
role ("Beheerder steunpercentages en plafonds"): a period that overlaps another one of
the same kind is refused.
"""

from decimal import Decimal

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin import (
    DutchEmptyChoiceMixin,
    HistoryAdmin,
    KboSearchMixin,
    ReadOnlyAdminMixin,
    ReadOnlyInline,
    TransitionActionsMixin,
    TransitionPage,
    WorkQueue,
    work_queue_register,
)
from projects import services
from projects.models import (
    AnnualCeiling,
    EligibilityRule,
    Payment,
    Project,
    ProjectEvent,
    SubsidyRate,
)
from projects.rates import euro

Status = Project.Status
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class NoFieldsForm(forms.Form):
    """Nothing to fill in: the page shows what the step does."""


class RemarkForm(forms.Form):
    remark = forms.CharField(
        label=_("Opmerking (niet verplicht)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wordt meegestuurd in de e-mail aan de klant en de dienstverlener."),
    )


class DepositForm(forms.Form):
    paid_on = forms.DateField(
        label=_("Eigen aandeel gestort op"),
        widget=DATE_WIDGET,
        help_text=_("De datum waarop het eigen aandeel op de portefeuille stond."),
    )


class PaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Bedrag (EUR)"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        # Staff type "1.234,56" as well as "1234.56".
        localize=True,
        help_text=_("Het bedrag dat de klant aan de dienstverlener liet betalen."),
    )
    paid_on = forms.DateField(label=_("Betaald op"), widget=DATE_WIDGET)


class StopForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden van de stopzetting"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("De klant en de dienstverlener krijgen deze reden te zien."),
    )


# The confirmation page of every transition Project declares for the admin. The
# label, and whether the step takes something away (a red button: only stopping), are
# the model's.
STEPS = {
    "record_deposit": TransitionPage(
        DepositForm,
        _(
            "De klant heeft zijn eigen aandeel op de kmo-portefeuille gestort. Een storting "
            "binnen 30 dagen na de bevestiging telt, ook als u ze later registreert."
        ),
        _("Het eigen aandeel is geregistreerd."),
    ),
    "grant": TransitionPage(
        RemarkForm,
        _(
            "De steun wordt aan de portefeuille van de klant toegevoegd. Daarna kan de klant "
            "de betaling aan de dienstverlener opdragen."
        ),
        _("De subsidie is toegekend."),
    ),
    "record_payment": TransitionPage(
        PaymentForm,
        _(
            "Een betaling aan de dienstverlener die de klant opdroeg. Samen mogen de "
            "betalingen het bedrag exclusief btw (eigen aandeel plus steun) niet "
            "overschrijden."
        ),
        _("De betaling is geregistreerd."),
    ),
    "close": TransitionPage(
        RemarkForm,
        _("Het dossier is volledig betaald en wordt afgesloten."),
        _("Het dossier is afgesloten."),
    ),
    "stop": TransitionPage(
        StopForm,
        _(
            "U zet dit dossier stop. Dat is definitief: de steun telt niet langer mee voor "
            "het jaarplafond van de klant."
        ),
        _("Het dossier is stopgezet."),
    ),
}


def _call_service(name, project, user, data):
    """Run the service of step `name` with the form's cleaned data, as the agency."""
    function = getattr(services, f"project_{name}")
    if name == "stop":
        return function(project=project, user=user, reason=data["reason"], by_agency=True)
    return function(project=project, user=user, **data)


# The dossiers waiting for the agency's next step: the deposit has arrived (grant) or
# everything is paid (close). The other open dossiers wait for the SME or the provider.
TO_PROCESS = "to_process"
TO_PROCESS_STATUSES = [Status.DEPOSITED, Status.PAID]


class StatusFilter(admin.SimpleListFilter):
    """The status as people see it: "vervallen" includes confirmed dossiers past their
    deadline; "te behandelen" is the agency's work queue."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [(TO_PROCESS, _("te behandelen door het agentschap")), *Status.choices]

    def queryset(self, request, queryset):
        if self.value() == TO_PROCESS:
            return queryset.filter(status__in=TO_PROCESS_STATUSES)
        if self.value() in Status.values:
            return queryset.with_status(self.value())
        return queryset


def euro_column(field, description):
    """A list column or read-only field that shows the amount in `field` as the portal
    does ("€ 40.000,00"), right-aligned by admin.css (its name ends in "_eur")."""

    @admin.display(description=description, ordering=field)
    def column(model_admin, obj):
        amount = getattr(obj, field)
        return "–" if amount is None else euro(amount)

    column.__name__ = f"{field}_eur"
    return column


class ProjectEventInline(ReadOnlyInline):
    """Who did what, when and why: the dossier's history."""

    model = ProjectEvent
    fields = ["at", "action", "from_status", "to_status", "actor", "reason", "remark"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = ["paid_on", "amount_eur", "recorded_by", "recorded_at"]
    readonly_fields = fields

    amount_eur = euro_column("amount", _("bedrag"))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recorded_by")


@admin.register(Project)
class ProjectAdmin(
    TransitionActionsMixin,
    ReadOnlyAdminMixin,
    KboSearchMixin,
    DutchEmptyChoiceMixin,
    admin.ModelAdmin,
):
    """The dossier queue and every dossier's agency steps.

    Read-only: applications come from the SMEs, through the portal's rules, and the
    steps have their own pages.
    """

    transition_pages = STEPS
    object_action_template = "admin/projects/project/step.html"

    # Status, amounts and dates fit at 1366 px: the client's KBO number, the kind of
    # service and the start date are on the dossier's page and in the filters.
    list_display = [
        "number",
        "client",
        "service_provider",
        "state",
        "filed_on",
        "amount_excl_vat_eur",
        "subsidy_amount_eur",
        "amount_paid_eur",
    ]
    list_filter = [
        StatusFilter,
        "service_type",
        "company_size",
        "theme",
        "higher_rate_topic",
        "filed_on",
    ]
    list_select_related = ["client", "service_provider"]
    search_fields = [
        "number",
        "title",
        "client__name",
        "client__kbo_number",
        "service_provider__name",
        "provider_organisation__name",
        "provider_organisation__kbo_number",
        "registration__number",
    ]
    date_hierarchy = "filed_on"
    list_per_page = 50
    # Counting a million rows on every page is not worth it.
    show_full_result_count = False
    readonly_fields = [
        "number",
        "state",
        "client",
        "client_kbo",
        "company_size",
        "service_provider",
        "provider_organisation",
        "service_type",
        "registration_number",
        "title",
        "training_kind",
        "vakgebied",
        "theme",
        "higher_rate_topic",
        "start_date",
        "end_date",
        "filed_on",
        "filed_by",
        "amount_excl_vat_eur",
        "subsidy_percentage",
        "subsidy_amount_eur",
        "own_share_eur",
        "amount_paid_eur",
        "outstanding",
        "created_at",
        "confirmation_due_on",
        "confirmed_at",
        "deposit_due_on",
        "deposit_paid_on",
        "refused_at",
        "refusal_reason",
        "refusal_remark",
        "granted_at",
        "paid_on",
        "closed_at",
        "stopped_at",
        "stop_reason",
        "lapsed_at",
    ]
    fieldsets = [
        (None, {"fields": ["number", "state", "title"]}),
        (_("Klant"), {"fields": ["client", "client_kbo", "company_size", "filed_by"]}),
        (
            _("Dienstverlening"),
            {
                "fields": [
                    "service_provider",
                    "provider_organisation",
                    "service_type",
                    "registration_number",
                    "training_kind",
                    "vakgebied",
                    "theme",
                    "higher_rate_topic",
                    "start_date",
                    "end_date",
                ]
            },
        ),
        (
            _("Bedragen"),
            {
                "fields": [
                    "amount_excl_vat_eur",
                    "subsidy_percentage",
                    "subsidy_amount_eur",
                    "own_share_eur",
                    "amount_paid_eur",
                    "outstanding",
                ]
            },
        ),
        (
            _("Verloop"),
            {
                "fields": [
                    "filed_on",
                    "created_at",
                    "confirmation_due_on",
                    "confirmed_at",
                    "deposit_due_on",
                    "deposit_paid_on",
                    "granted_at",
                    "paid_on",
                    "closed_at",
                    "refused_at",
                    "refusal_reason",
                    "refusal_remark",
                    "stopped_at",
                    "stop_reason",
                    "lapsed_at",
                ]
            },
        ),
    ]
    inlines = [ProjectEventInline, PaymentInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related(
                "client",
                "service_provider",
                "provider_organisation",
                "registration",
                "vakgebied",
                "filed_by",
            )
        )

    # --- Columns ---------------------------------------------------------------------

    @admin.display(description=_("ondernemingsnummer klant"), ordering="client__kbo_number")
    def client_kbo(self, obj):
        return obj.client.kbo_display

    @admin.display(description=_("registratienummer"))
    def registration_number(self, obj):
        return obj.registration.number

    @admin.display(description=_("status"), ordering="status")
    def state(self, obj):
        """The status, with the derived lapse and the next deadline where there is one."""
        if obj.is_lapsed() and obj.status != Status.LAPSED:
            return gettext("%(status)s (eigen aandeel niet gestort tegen %(date)s)") % {
                "status": Status.LAPSED.label,
                "date": date_format(obj.deposit_due_on, "d/m/Y"),
            }
        if obj.status == Status.CONFIRMED:
            return gettext("%(status)s – eigen aandeel te storten tegen %(date)s") % {
                "status": obj.get_status_display(),
                "date": date_format(obj.deposit_due_on, "d/m/Y"),
            }
        return obj.get_status_display()

    amount_excl_vat_eur = euro_column("amount_excl_vat", _("excl. btw"))
    subsidy_amount_eur = euro_column("subsidy_amount", _("steun"))
    own_share_eur = euro_column("own_share", _("eigen aandeel"))
    amount_paid_eur = euro_column("amount_paid", _("betaald"))

    @admin.display(description=_("nog te betalen"))
    def outstanding(self, obj):
        return euro(obj.amount_outstanding)

    # --- The steps -------------------------------------------------------------------

    def get_object_action_form(self, request, action, obj):
        if request.method == "POST":
            return action.form_class(request.POST)
        initial = (
            {"paid_on": timezone.localdate()} if "paid_on" in action.form_class.base_fields else {}
        )
        if action.name == "record_payment":
            initial["amount"] = obj.amount_outstanding
        return action.form_class(initial=initial)

    def perform_object_action(self, request, action, obj, data):
        _call_service(action.name, obj, request.user, data)
        return obj

    def object_action_subject(self, obj):
        return obj.number

    def get_object_action_context(self, request, action, obj, form):
        return {"project": obj}

    def object_action_not_allowed_message(self, action, obj):
        return gettext(
            "'%(action)s' kan niet bij een dossier met status '%(status)s'. De pagina toont de "
            "stappen die nu mogelijk zijn."
        ) % {"action": action.label, "status": obj.get_effective_status_display()}


# --- Dated configuration ----------------------------------------------------------------


class DatedConfigurationAdmin(HistoryAdmin):
    """Periods are validated by the model: an overlap with another period is refused.
    Every change is kept in the row's history (who, when, what), viewable, never reverted."""

    list_filter = ["valid_from"]
    date_hierarchy = "valid_from"

    @admin.display(description=_("geldt vandaag"), boolean=True)
    def in_force_today(self, obj):
        today = timezone.localdate()
        return obj.valid_from <= today and (obj.valid_until is None or today <= obj.valid_until)


@admin.register(SubsidyRate)
class SubsidyRateAdmin(DatedConfigurationAdmin):
    list_display = [
        "company_size",
        "higher_rate",
        "percentage",
        "valid_from",
        "valid_until",
        "in_force_today",
    ]
    list_filter = ["company_size", "higher_rate", "valid_from"]
    fields = ["company_size", "higher_rate", "percentage", "valid_from", "valid_until"]


@admin.register(AnnualCeiling)
class AnnualCeilingAdmin(DatedConfigurationAdmin):
    list_display = ["amount_eur", "valid_from", "valid_until", "in_force_today"]
    fields = ["amount", "valid_from", "valid_until"]

    amount_eur = euro_column("amount", _("jaarplafond"))


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(DatedConfigurationAdmin):
    """Which service, on which theme and topic, is eligible in which period, at which
    rate (projects.eligibility). A reform: close the rows in force (geldig tot en met)
    and add the new set from the day after."""

    list_display = [
        "service_type",
        "theme_display",
        "topic_display",
        "higher_rate",
        "valid_from",
        "valid_until",
        "in_force_today",
    ]
    list_filter = ["service_type", "topic", "higher_rate", "valid_from"]
    fields = ["service_type", "theme", "topic", "higher_rate", "valid_from", "valid_until"]

    @admin.display(description=_("thema"), ordering="theme")
    def theme_display(self, obj):
        return obj.get_theme_display() if obj.theme else gettext("elk thema")

    @admin.display(description=_("onderwerp"), ordering="topic")
    def topic_display(self, obj):
        return obj.get_topic_display() if obj.topic else gettext("elk onderwerp")


work_queue_register(
    WorkQueue(
        label=_("Steundossiers te behandelen"),
        model=Project,
        filter={"status__in": TO_PROCESS_STATUSES},
        query={StatusFilter.parameter_name: TO_PROCESS},
        order=30,
    )
)
