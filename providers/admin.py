"""Admin for agency staff (VLAIO): organisations with their service providers, and vakgebieden.

History (who changed what, with a diff between versions) comes from
django-simple-history's admin, without its revert (core.admin.HistoryAdmin). A
service provider's data is the provider's own ("Mijn gegevens"): staff see it and
its history, and edit nothing of it here. Bank accounts are never edited here either:
staff verify or reject a pending request on its review page (the change's own page,
with the transitions BankAccountChange declares for the admin), from the queue of
"Wijzigingen rekeningnummer" or the start page's "Bankrekeningen te verifiëren". An
organisation is changed only through organisations.services, and never gets another
KBO number here.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin import (
    DutchEmptyChoiceMixin,
    HistoryAdmin,
    KboSearchMixin,
    ReadOnlyAdminMixin,
    TransitionActionsMixin,
    TransitionPage,
    WorkQueue,
    WorkQueueFilter,
    work_queue_register,
)
from core.people import user_display
from organisations.admin import organisation_with_kbo
from organisations.models import Organisation
from organisations.services import organisation_update
from portal.models import Membership
from providers.models import BankAccountChange, ServiceProvider, Vakgebied
from providers.services import bank_account_change_reject, bank_account_change_verify


class ServiceProviderInline(admin.TabularInline):
    """An overview of the organisation's service providers; they are edited on their own page."""

    model = ServiceProvider
    extra = 0
    fields = ["name", "type", "postcode", "municipality", "email"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class BankAccountChangeInline(admin.TabularInline):
    """The provider's bank account requests; they are decided in their own queue."""

    model = BankAccountChange
    extra = 0
    fields = [
        "status",
        "old_account",
        "new_account",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
    ]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("requested_by", "decided_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("vorig rekeningnummer"))
    def old_account(self, obj):
        return obj.old_iban_masked

    @admin.display(description=_("nieuw rekeningnummer"))
    def new_account(self, obj):
        return obj.new_iban_masked


@admin.register(Organisation)
class OrganisationAdmin(KboSearchMixin, HistoryAdmin):
    """Organisations come from ACM at sign-in; a superuser may correct one from the KBO.

    The KBO number of an existing organisation is read-only: the rights ACM gives name
    that number, so another number would hand the organisation's data to whoever holds
    rights for it. Nobody deletes an organisation here: everything of it would go,
    around the services.
    """

    list_display = ["name", "kbo", "municipality", "legal_form"]
    # The KBO code list is long; offer only the legal forms that occur.
    list_filter = [("legal_form", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "kbo_number"]
    list_select_related = ["legal_form"]
    autocomplete_fields = ["legal_form"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "kbo_number", "legal_form", "email"]}),
        (
            _("Maatschappelijke zetel"),
            {"fields": ["country", "postcode", "municipality", "street", "house_number", "box"]},
        ),
        (_("Historiek"), {"fields": ["created_at", "updated_at"]}),
    ]
    inlines = [ServiceProviderInline]

    @admin.display(description=_("ondernemingsnummer"), ordering="kbo_number")
    def kbo(self, obj):
        return obj.kbo_display

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if obj is not None and "kbo_number" not in readonly:
            readonly = [*readonly, "kbo_number"]
        return readonly

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # Through the service: validated, in the history, and the registered-office
        # establishment follows the address.
        organisation_update(organisation=obj, data={}, user=request.user)


@admin.register(ServiceProvider)
class ServiceProviderAdmin(ReadOnlyAdminMixin, KboSearchMixin, HistoryAdmin):
    """The provider's data as it keeps it, with its history: read-only for everyone.

    The provider changes it in "Mijn gegevens" (service_provider_save: optimistic
    locking, the history, a new bank account as a pending change for the four-eyes
    verification), never staff here. The fieldsets follow those two steps.
    """

    list_display = ["name", "type", "organisation_display", "municipality", "email"]
    list_filter = ["type", "vakgebieden"]
    search_fields = [
        "name",
        "kbo_number",
        "email",
        "organisation__name",
        "organisation__kbo_number",
    ]
    list_select_related = ["organisation"]
    inlines = [BankAccountChangeInline]
    fieldsets = [
        (None, {"fields": ["organisation_display", "type"]}),
        (
            _("Stap 1: adres, contactgegevens en rekeningnummer"),
            {"fields": ["name", "kbo_number", "legal_form"]},
        ),
        (
            _("Facturatieadres"),
            {"fields": ["country", "postcode", "municipality", "street", "house_number", "box"]},
        ),
        (_("Contactgegevens"), {"fields": ["phone", "mobile", "email", "website"]}),
        (
            _("Contactpersoon"),
            {"fields": ["contact_last_name", "contact_first_name", "extra_info"]},
        ),
        (
            _("Rekeningnummer actief voor betalingen"),
            {
                "fields": ["bic", "iban"],
                "description": _(
                    "Een nieuw rekeningnummer wordt pas actief nadat een medewerker de "
                    "aanvraag goedkeurt (Wijzigingen rekeningnummer)."
                ),
            },
        ),
        (
            _("Stap 2: vakgebieden en voorstelling"),
            {"fields": ["vakgebieden", "description"]},
        ),
        (_("Historiek"), {"fields": ["version", "created_at", "updated_at"]}),
    ]
    readonly_fields = ["organisation_display"]

    @admin.display(description=_("onderneming"), ordering="organisation__name")
    def organisation_display(self, obj):
        """The organisation with its own KBO number: the provider's KBO field is what the
        provider typed in "Mijn gegevens" and may differ."""
        return organisation_with_kbo(obj.organisation)


class VerifyBankAccountChangeForm(forms.Form):
    """Nothing to fill in: the review page shows the account that becomes the active one."""


class RejectBankAccountChangeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden van de weigering"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("De dienstverlener krijgt deze reden per e-mail."),
        error_messages={"required": _("Geef een reden op voor de weigering.")},
    )


# How the review page asks for each decision BankAccountChange declares for the admin.
DECISIONS = {
    "verify": TransitionPage(
        VerifyBankAccountChangeForm,
        _(
            "U keurt dit nieuwe rekeningnummer goed: vanaf nu wordt de dienstverlener op deze "
            "rekening betaald."
        ),
        _("Het rekeningnummer is goedgekeurd en actief voor betalingen."),
    ),
    "reject": TransitionPage(
        RejectBankAccountChangeForm,
        _(
            "U weigert dit nieuwe rekeningnummer. Het rekeningnummer dat actief is voor "
            "betalingen blijft ongewijzigd."
        ),
        _("Het rekeningnummer is geweigerd."),
    ),
}

# How many earlier changes of the organisation the review page lists.
HISTORY_LENGTH = 20


class BankAccountChangeQueueFilter(WorkQueueFilter):
    """Status filter that opens on the pending changes: the admin page is a work queue."""

    statuses = BankAccountChange.Status
    default = BankAccountChange.Status.PENDING


@admin.register(BankAccountChange)
class BankAccountChangeAdmin(TransitionActionsMixin, ReadOnlyAdminMixin, HistoryAdmin):
    """The queue of bank-account changes waiting for verification, and each change's
    review page.

    The queue opens on the pending changes, without bulk actions. A change's page is its
    review page: the accounts side by side (masked), who asked and when, the
    organisation and its earlier changes, what to verify, and the two decisions,
    "Goedkeuren" and "Weigeren" (with a reason). Each decision posts to its transition's
    URL (core.admin.TransitionActionsMixin), whose view calls the service; the service
    checks the role and the four-eyes rule again (core.transitions), so a POST that
    bypasses the page meets the same refusal. A verifier of bank accounts (portal.roles)
    decides, never on a change they asked for; view-only staff (the auditor) see the
    page without the decisions; anyone else gets 403. Nothing of a change is edited,
    added or deleted.
    """

    transition_pages = DECISIONS
    object_action_template = "admin/providers/bankaccountchange/review.html"

    list_display = [
        "service_provider",
        "organisation",
        "old_account",
        "new_account",
        "status",
        "requested_by",
        "requested",
    ]
    list_filter = [BankAccountChangeQueueFilter]
    list_select_related = ["service_provider__organisation", "requested_by"]
    search_fields = [
        "service_provider__name",
        "service_provider__organisation__name",
        "service_provider__organisation__kbo_number",
    ]
    date_hierarchy = "requested_at"

    @admin.display(description=_("onderneming"), ordering="service_provider__organisation__name")
    def organisation(self, obj):
        return organisation_with_kbo(obj.service_provider.organisation)

    @admin.display(description=_("vorig IBAN"))
    def old_account(self, obj):
        return obj.old_iban_masked or "-"

    @admin.display(description=_("aangevraagd op"), ordering="requested_at")
    def requested(self, obj):
        return date_format(timezone.localtime(obj.requested_at), "d/m/Y H:i")

    @admin.display(description=_("nieuw IBAN"))
    def new_account(self, obj):
        return obj.new_iban_masked

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("service_provider__organisation", "requested_by", "decided_by")
        )

    def get_ordering(self, request):
        # The queue of pending changes: first come, first served.
        status = request.GET.get(BankAccountChangeQueueFilter.parameter_name)
        if status in (None, BankAccountChange.Status.PENDING):
            return ["requested_at", "pk"]
        return super().get_ordering(request)

    # --- The review page -------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """GET: the review page. Anything else: Django's change view, which refuses a
        POST (nothing of a change is edited)."""
        if request.method not in ("GET", "HEAD"):
            return super().change_view(request, object_id, form_url, extra_context)
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "change_url": reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk]
            ),
            **self.review_context(request, obj),
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.object_action_template, context)

    def review_context(self, request, change, action=None, form=None):
        """What the review page shows of `change`, and the decisions the staff member may
        take on it; `form` is `action`'s form as posted, with its errors."""
        provider = change.service_provider
        organisation = provider.organisation
        offered = {item["url"]: item for item in self.offered_object_actions(request, change)}
        decisions = []
        for item in self.transition_actions():
            url = reverse(f"admin:{item.url_name}", args=[change.pk])
            if url not in offered:
                continue
            bound = form if action is not None and item.name == action.name else None
            decisions.append({"action": item, "url": url, "form": bound or item.form_class()})
        earlier = list(
            BankAccountChange.objects.filter(service_provider__organisation=organisation)
            .exclude(pk=change.pk)
            .select_related("service_provider", "requested_by", "decided_by")
            .order_by("-requested_at", "-pk")[:HISTORY_LENGTH]
        )
        requester_acts_for_organisation = Membership.objects.filter(
            user_id=change.requested_by_id,
            organisation=organisation,
            profile=Membership.Profile.PROVIDER,
        ).exists()
        may_decide_here = self.has_object_action_permission(request)
        return {
            "title": gettext("Wijziging rekeningnummer beoordelen: %(provider)s")
            % {"provider": provider.name},
            "change": change,
            "provider": provider,
            "organisation": organisation,
            "requester": user_display(change.requested_by),
            "decider": user_display(change.decided_by) if change.decided_by_id else "",
            "events": [
                {"event": event, "actor": user_display(event.actor)}
                for event in change.events.select_related("actor").order_by("at", "pk")
            ],
            "earlier_changes": [
                {
                    "change": item,
                    "requester": user_display(item.requested_by),
                    "decider": user_display(item.decided_by) if item.decided_by_id else "",
                }
                for item in earlier
            ],
            "requester_acts_for_organisation": requester_acts_for_organisation,
            "foreign_account": not change.new_iban.upper().startswith("BE"),
            "decisions": decisions,
            # The decisions as the other decision pages name them (core.admin).
            "object_actions": list(offered.values()),
            "has_errors": any(decision["form"].errors for decision in decisions),
            "is_requester": change.requested_by_id == request.user.pk,
            "view_only": not may_decide_here,
            "queue_url": reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"),
            "history_url": reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_history", args=[change.pk]
            ),
        }

    # --- The decisions -------------------------------------------------------------

    def perform_object_action(self, request, action, obj, data):
        if action.name == "verify":
            return bank_account_change_verify(change=obj, decided_by=request.user)
        return bank_account_change_reject(
            change=obj, decided_by=request.user, reason=data["reason"]
        )

    def get_object_action_context(self, request, action, obj, form):
        return self.review_context(request, obj, action, form)

    def object_action_not_allowed_message(self, action, obj):
        return gettext(
            "'%(action)s' kan niet bij een aanvraag met status '%(status)s'. De pagina toont de "
            "beslissingen die nu mogelijk zijn."
        ) % {"action": action.label, "status": obj.get_status_display()}


work_queue_register(
    WorkQueue(
        label=_("Bankrekeningen te verifiëren"),
        model=BankAccountChange,
        filter={"status": BankAccountChange.Status.PENDING},
        query={BankAccountChangeQueueFilter.parameter_name: BankAccountChange.Status.PENDING},
        order=20,
    )
)


@admin.register(Vakgebied)
class VakgebiedAdmin(DutchEmptyChoiceMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
