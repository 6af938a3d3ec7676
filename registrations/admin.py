"""Admin for agency staff (VLAIO): the queue of registration requests and the decisions.

Nothing of a registration is edited here: its status, number and validity
change only through the services in registrations.services. The change page
shows the request (audit evidence, quality labels, declaration on honour, the
events) with a button per decision that Registration declares for the admin and
its current status allows (core.admin.TransitionActionsMixin); each button opens
a confirmation page with a small form (DECISIONS, keyed by the transition).

Deciding needs the change permission on registrations (the role "Beoordelaar
registraties", portal.roles), which the declared transitions ask for too; viewing
needs the view permission.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin import (
    DutchEmptyChoiceMixin,
    KboSearchMixin,
    ReadOnlyAdminMixin,
    ReadOnlyInline,
    TransitionActionsMixin,
    TransitionPage,
    WorkQueue,
    WorkQueueFilter,
    work_queue_register,
)
from core.dates import add_months
from core.downloads import stored_pdf_attachment
from organisations.admin import organisation_with_kbo
from registrations import services
from registrations.models import (
    AUDIT_REPORT_DEFAULT_NAME,
    ExpiryReminder,
    QualityLabel,
    Registration,
    RegistrationEvent,
)

Status = Registration.Status


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("De dienstverlener krijgt deze reden te zien, in het portaal en per e-mail."),
    )


class OptionalReasonForm(ReasonForm):
    reason = forms.CharField(
        label=_("Toelichting (niet verplicht)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wordt meegestuurd in de e-mail aan de dienstverlener."),
    )


class ApproveForm(forms.Form):
    """Nothing to fill in: the page shows the number and validity that approval gives."""


class RenewForm(forms.Form):
    follow_up_audit_date = forms.DateField(
        label=_("Datum van de opvolgingsaudit"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Bijvoorbeeld 31/01/2025."),
    )

    def __init__(self, *args, registration, **kwargs):
        self.registration = registration
        super().__init__(*args, **kwargs)

    def clean_follow_up_audit_date(self):
        day = self.cleaned_data["follow_up_audit_date"]
        if day > timezone.localdate():
            raise ValidationError(_("De opvolgingsaudit kan niet in de toekomst liggen."))
        if day < self.registration.valid_from:
            raise ValidationError(
                _("De opvolgingsaudit kan niet vóór het begin van de registratie liggen.")
            )
        return day


# The confirmation page of every transition Registration declares for the admin.
# The label and whether a decision is destructive are the model's; the form and the
# texts are how the admin asks for it, so they live here.
DECISIONS = {
    "approve": TransitionPage(
        ApproveForm,
        _(
            "U keurt deze aanvraag goed. De dienstverlener krijgt het registratienummer en "
            "de geldigheid hieronder, verschijnt in de zoekmodule zodra de registratie "
            "ingaat en krijgt een e-mail."
        ),
        _("De registratie is goedgekeurd: %(number)s, geldig van %(from)s tot en met %(until)s."),
    ),
    "refuse": TransitionPage(
        ReasonForm,
        _("U weigert deze aanvraag. De dienstverlener krijgt de reden te zien."),
        _("De aanvraag is geweigerd."),
    ),
    "suspend": TransitionPage(
        ReasonForm,
        _(
            "U schorst deze registratie. Zolang de schorsing duurt, verschijnt de "
            "dienstverlener niet in de zoekmodule. De geldigheid loopt door."
        ),
        _("De registratie is geschorst."),
    ),
    "lift_suspension": TransitionPage(
        OptionalReasonForm,
        _(
            "U heft de schorsing op. De registratie geldt opnieuw, met haar oorspronkelijke "
            "einddatum."
        ),
        _("De schorsing is opgeheven."),
    ),
    "withdraw": TransitionPage(
        ReasonForm,
        _(
            "U trekt deze registratie in. Dat is definitief: de dienstverlener moet een "
            "nieuwe registratie aanvragen."
        ),
        _("De registratie is ingetrokken."),
    ),
    "exclude": TransitionPage(
        ReasonForm,
        _("U sluit de dienstverlener uit voor dit type dienstverlening. Dat is definitief."),
        _("De dienstverlener is uitgesloten."),
    ),
    "renew": TransitionPage(
        RenewForm,
        _(
            "Deze starter heeft de opvolgingsaudit doorstaan: de registratie wordt één keer "
            "met drie jaar verlengd."
        ),
        _("De registratie is verlengd tot en met %(until)s."),
    ),
}


def _call_service(name, registration, user, data):
    """Run the service of decision `name` with the form's cleaned data."""
    if name == "approve":
        return services.registration_approve(registration=registration, user=user)
    if name == "renew":
        return services.registration_renew(
            registration=registration,
            user=user,
            follow_up_audit_date=data["follow_up_audit_date"],
        )
    function = getattr(services, f"registration_{name}")
    return function(registration=registration, user=user, reason=data["reason"])


class RegistrationQueueFilter(WorkQueueFilter):
    """Status filter that opens on the pending requests: the admin page is a work queue."""

    statuses = Status
    default = Status.REQUESTED


class ExpiringFilter(admin.SimpleListFilter):
    """Approved registrations by their end date: soon (the reminders' window) or past."""

    title = _("einde geldigheid")
    parameter_name = "einde"

    def lookups(self, request, model_admin):
        return [
            ("3m", _("binnen 3 maanden")),
            ("6m", _("binnen 6 maanden")),
            ("past", _("verlopen")),
        ]

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Alle"),
        }
        for lookup, title in self.lookup_choices:
            # Only approved registrations expire: switch the status filter too,
            # or the queue's default (pending requests) would show nothing.
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string(
                    {
                        self.parameter_name: lookup,
                        RegistrationQueueFilter.parameter_name: Status.APPROVED,
                    }
                ),
                "display": title,
            }

    def queryset(self, request, queryset):
        today = timezone.localdate()
        value = self.value()
        if value == "past":
            return queryset.filter(status=Status.APPROVED, valid_until__lt=today)
        if value in {"3m", "6m"}:
            months = 6 if value == "6m" else 3
            return queryset.in_force(today).filter(valid_until__lte=add_months(today, months))
        return queryset


class QualityLabelInline(ReadOnlyInline):
    model = QualityLabel
    fields = ["name", "expires_on"]
    readonly_fields = fields


class RegistrationEventInline(ReadOnlyInline):
    """Who did what, when and why: the registration's history."""

    model = RegistrationEvent
    fields = ["at", "action", "from_status", "to_status", "actor", "reason"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class ExpiryReminderInline(ReadOnlyInline):
    model = ExpiryReminder
    fields = ["kind", "valid_until", "sent_at"]
    readonly_fields = fields


@admin.register(Registration)
class RegistrationAdmin(
    TransitionActionsMixin,
    ReadOnlyAdminMixin,
    KboSearchMixin,
    DutchEmptyChoiceMixin,
    admin.ModelAdmin,
):
    """The work queue of registration requests and every registration's decisions.

    Read-only: requests come from the service providers, with their evidence and
    declaration, and decisions have their own pages.
    """

    transition_pages = DECISIONS
    object_action_template = "admin/registrations/registration/decision.html"

    # Status and dates fit at 1366 px: the organisation's name, the start of validity
    # and "starter" are on the registration's page and in the filters.
    list_display = [
        "service_provider",
        "kbo",
        "service_type",
        "number",
        "state",
        "valid_until",
        "requested_at",
    ]
    list_display_links = ["service_provider"]
    list_filter = [RegistrationQueueFilter, "service_type", "is_starter", ExpiringFilter]
    list_select_related = ["service_provider__organisation"]
    search_fields = [
        "service_provider__name",
        "service_provider__kbo_number",
        "service_provider__organisation__name",
        "service_provider__organisation__kbo_number",
        "number",
    ]
    date_hierarchy = "requested_at"
    list_per_page = 50
    readonly_fields = [
        "service_provider",
        "organisation",
        "kbo",
        "service_type",
        "state",
        "number",
        "is_starter",
        "valid_from",
        "valid_until",
        "renewed_at",
        "requested_at",
        "decided_at",
        "reason",
        "audit_body",
        "audit_date",
        "audit_report_link",
        "declaration_text",
        "declared_by_name",
        "declared_by",
        "declared_at",
    ]
    fieldsets = [
        (
            None,
            # "organisation" already shows the organisation's KBO number.
            {"fields": ["service_provider", "organisation", "service_type", "is_starter"]},
        ),
        (
            _("Registratie"),
            {
                "fields": [
                    "state",
                    "number",
                    "valid_from",
                    "valid_until",
                    "renewed_at",
                    "requested_at",
                    "decided_at",
                    "reason",
                ]
            },
        ),
        (_("Audit"), {"fields": ["audit_body", "audit_date", "audit_report_link"]}),
        (
            _("Verklaring op eer"),
            {"fields": ["declaration_text", "declared_by_name", "declared_by", "declared_at"]},
        ),
    ]
    inlines = [QualityLabelInline, RegistrationEventInline, ExpiryReminderInline]

    def get_ordering(self, request):
        # The queue of pending requests: first come, first served.
        status = request.GET.get(RegistrationQueueFilter.parameter_name)
        if status in (None, Status.REQUESTED):
            return ["requested_at", "pk"]
        return super().get_ordering(request)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("service_provider__organisation", "declared_by")
        )

    # --- Columns ---------------------------------------------------------------------

    @admin.display(description=_("onderneming"), ordering="service_provider__organisation__name")
    def organisation(self, obj):
        return organisation_with_kbo(obj.service_provider.organisation)

    @admin.display(description=_("KBO"), ordering="service_provider__organisation__kbo_number")
    def kbo(self, obj):
        """The organisation's own KBO number, not the one the provider typed."""
        return obj.service_provider.organisation.kbo_display

    @admin.display(description=_("status"), ordering="status")
    def state(self, obj):
        """The status, with "verlopen" or "nog niet ingegaan" where the dates say so."""
        label = obj.get_status_display()
        today = timezone.localdate()
        if obj.has_expired(today):
            return gettext("%(status)s – verlopen") % {"status": label}
        if obj.status == Status.APPROVED and obj.valid_from > today:
            return gettext("%(status)s – gaat in op %(date)s") % {
                "status": label,
                "date": obj.valid_from.strftime("%d/%m/%Y"),
            }
        return label

    @admin.display(description=_("auditrapport"))
    def audit_report_link(self, obj):
        if not obj.audit_report:
            return "-"
        return format_html(
            '<a href="{}">{}</a>',
            reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_audit_report", args=[obj.pk]
            ),
            gettext("%(name)s downloaden") % {"name": obj.audit_report_filename},
        )

    # --- Extra pages: the audit report and the decisions ------------------------------

    def get_urls(self):
        opts = self.opts
        urls = [
            path(
                "<path:object_id>/auditrapport/",
                self.admin_site.admin_view(self.audit_report_view),
                name=f"{opts.app_label}_{opts.model_name}_audit_report",
            )
        ]
        return urls + super().get_urls()

    def audit_report_view(self, request, object_id):
        """The uploaded audit report, for staff who may see the registration."""
        registration = self.get_object(request, unquote(object_id))
        if registration is None or not registration.audit_report:
            raise Http404
        if not self.has_view_permission(request, registration):
            raise PermissionDenied
        return stored_pdf_attachment(
            registration.audit_report,
            filename=registration.audit_report_name,
            default=AUDIT_REPORT_DEFAULT_NAME,
        )

    def get_object_action_form(self, request, action, obj):
        form_kwargs = {"registration": obj} if action.form_class is RenewForm else {}
        data = request.POST if request.method == "POST" else None
        return action.form_class(data, **form_kwargs)

    def perform_object_action(self, request, action, obj, data):
        return _call_service(action.name, obj, request.user, data)

    def transition_done_values(self, obj):
        return {
            "number": obj.number,
            "from": obj.valid_from.strftime("%d/%m/%Y") if obj.valid_from else "",
            "until": obj.valid_until.strftime("%d/%m/%Y") if obj.valid_until else "",
        }

    def get_object_action_context(self, request, action, obj, form):
        preview = (
            services.registration_approval_preview(registration=obj)
            if action.name == "approve"
            else None
        )
        return {"registration": obj, "preview": preview}

    def object_action_not_allowed_message(self, action, obj):
        return gettext(
            "'%(action)s' kan niet bij een registratie met status '%(status)s'. De pagina "
            "toont de beslissingen die nu mogelijk zijn."
        ) % {"action": action.label, "status": obj.get_status_display()}


work_queue_register(
    WorkQueue(
        label=_("Registraties te beoordelen"),
        model=Registration,
        filter={"status": Status.REQUESTED},
        query={RegistrationQueueFilter.parameter_name: Status.REQUESTED},
        order=10,
    )
)
