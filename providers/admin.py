"""Admin for agency staff (VLAIO): organisations with their service providers, and vakgebieden.

History (who changed what, with a diff between versions) comes from
django-simple-history's admin, without its revert (core.admin.HistoryAdmin). A
service provider's data is the provider's own ("Mijn gegevens"): staff see it and
its history, and edit nothing of it here. Bank accounts are never edited here either:
staff verify or reject a pending request on its own reviewed decision page (the
transitions BankAccountChange declares for the admin), from the queue of
"Wijzigingen rekeningnummer". An organisation is changed only through
organisations.services, and never gets another KBO number here.
"""

from django import forms
from django.contrib import admin
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
    WorkQueueFilter,
)
from organisations.models import Organisation
from organisations.services import organisation_update
from providers.models import (
    BankAccountChange,
    BankAccountChangeEvent,
    ServiceProvider,
    Vakgebied,
)
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

    list_display = ["name", "type", "organisation", "municipality", "email"]
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
        (None, {"fields": ["organisation", "type"]}),
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


class VerifyBankAccountChangeForm(forms.Form):
    """Nothing to fill in: the page shows the account that becomes the active one."""


class RejectBankAccountChangeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden van de weigering"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("De dienstverlener krijgt deze reden per e-mail."),
    )


# The confirmation page of every transition BankAccountChange declares for the admin.
DECISIONS = {
    "verify": TransitionPage(
        VerifyBankAccountChangeForm,
        _(
            "U keurt dit nieuwe rekeningnummer goed: vanaf nu wordt de dienstverlener op deze "
            "rekening betaald. Controleer eerst dat de rekening op naam van de onderneming "
            "staat."
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


class BankAccountChangeQueueFilter(WorkQueueFilter):
    """Status filter that opens on the pending changes: the admin page is a work queue."""

    statuses = BankAccountChange.Status
    default = BankAccountChange.Status.PENDING


class BankAccountChangeEventInline(ReadOnlyInline):
    """Who asked, who decided, when and why."""

    model = BankAccountChangeEvent
    fields = ["at", "action", "from_status", "to_status", "actor", "reason"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(BankAccountChange)
class BankAccountChangeAdmin(TransitionActionsMixin, ReadOnlyAdminMixin, HistoryAdmin):
    """The queue of bank-account changes waiting for verification.

    Opens on the pending ones. Each change is verified or rejected on its own
    decision page, by a verifier of bank accounts (portal.roles); nobody decides on a
    change they asked for themselves (the transitions' four-eyes permission), and
    view-only staff see no buttons. Nothing of a change is edited, added or deleted.
    """

    transition_pages = DECISIONS
    object_action_template = "admin/providers/bankaccountchange/decision.html"

    list_display = [
        "service_provider",
        "organisation",
        "old_account",
        "new_account",
        "new_bic",
        "status",
        "requested_by",
        "requested_at",
        "decided_by",
    ]
    list_filter = [BankAccountChangeQueueFilter]
    list_select_related = ["service_provider__organisation", "requested_by", "decided_by"]
    search_fields = [
        "service_provider__name",
        "service_provider__organisation__name",
        "service_provider__organisation__kbo_number",
    ]
    date_hierarchy = "requested_at"
    fields = [
        "service_provider",
        "status",
        "old_account",
        "old_bic",
        "new_account",
        "new_bic",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
        "reason",
    ]
    readonly_fields = fields
    inlines = [BankAccountChangeEventInline]

    @admin.display(description=_("onderneming"))
    def organisation(self, obj):
        return obj.service_provider.organisation

    @admin.display(description=_("vorig IBAN"))
    def old_account(self, obj):
        return obj.old_iban_masked

    @admin.display(description=_("nieuw IBAN"))
    def new_account(self, obj):
        return obj.new_iban

    # --- The decisions -------------------------------------------------------------

    def perform_object_action(self, request, action, obj, data):
        if action.name == "verify":
            return bank_account_change_verify(change=obj, decided_by=request.user)
        return bank_account_change_reject(
            change=obj, decided_by=request.user, reason=data["reason"]
        )

    def get_object_action_context(self, action, obj):
        return {"change": obj}

    def object_action_not_allowed_message(self, action, obj):
        return gettext(
            "'%(action)s' kan niet bij een aanvraag met status '%(status)s'. De pagina toont de "
            "beslissingen die nu mogelijk zijn."
        ) % {"action": action.label, "status": obj.get_status_display()}


@admin.register(Vakgebied)
class VakgebiedAdmin(DutchEmptyChoiceMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
