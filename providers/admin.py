"""Admin for agency staff (VLAIO): organisations with their service providers, and vakgebieden.

History (who changed what, with a diff between versions) comes from
django-simple-history's admin. Bank accounts are never edited here: staff verify
or reject the pending requests in the queue of "Wijzigingen rekeningnummer".
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from core.admin import KboSearchMixin
from organisations.models import Organisation
from organisations.services import organisation_update
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
    fields = ["status", "old_account", "new_account", "requested_at", "decided_by", "decided_at"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

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
class OrganisationAdmin(KboSearchMixin, SimpleHistoryAdmin):
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

    def save_model(self, request, obj, form, change):
        # Through the service: validated, in the history, and the registered-office
        # establishment follows the address.
        organisation_update(organisation=obj, data={}, user=request.user)


@admin.register(ServiceProvider)
class ServiceProviderAdmin(KboSearchMixin, SimpleHistoryAdmin):
    """The fieldsets follow the provider's own two steps ("Mijn gegevens: stap 1 en stap 2")."""

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
    autocomplete_fields = ["organisation", "legal_form"]
    filter_horizontal = ["vakgebieden"]
    # Django 6 makes https the default scheme; opt in now, as the portal's own forms do.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    # The active account changes only through a verified BankAccountChange.
    readonly_fields = ["iban", "bic", "version", "created_at", "updated_at"]
    inlines = [BankAccountChangeInline]
    fieldsets = [
        (None, {"fields": ["organisation", "type"]}),
        (
            _("Stap 1: adres, contactgegevens en rekeningnummer"),
            {"fields": ["name", "kbo_number", "legal_form"]},
        ),
        (
            _("Facturatie adres"),
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

    def save_model(self, request, obj, form, change):
        if change:
            # A provider editing "Mijn gegevens" meanwhile gets a conflict, not an overwrite.
            obj.version += 1
        super().save_model(request, obj, form, change)


class RejectBankAccountChangeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden van de weigering"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("De dienstverlener krijgt deze reden per e-mail."),
    )


class BankAccountChangeQueueFilter(admin.SimpleListFilter):
    """Status filter that opens on the pending changes: the admin page is a work queue."""

    title = _("status")
    parameter_name = "status"
    default = BankAccountChange.Status.PENDING
    everything = "all"

    def lookups(self, request, model_admin):
        return [*BankAccountChange.Status.choices, (self.everything, _("Alle"))]

    def choices(self, changelist):
        current = self.value() or self.default
        for lookup, title in self.lookup_choices:
            yield {
                "selected": current == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or self.default
        if value == self.everything:
            return queryset
        return queryset.filter(status=value)


@admin.register(BankAccountChange)
class BankAccountChangeAdmin(SimpleHistoryAdmin):
    """The queue of bank-account changes waiting for verification.

    Opens on the pending ones. Staff verify or reject with the actions; the
    services refuse a decision by the person who asked for the change.
    """

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
    actions = ["verify_selected", "reject_selected"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_verify_permission(self, request):
        return request.user.is_staff and request.user.has_perm(
            "providers.change_bankaccountchange"
        )

    @admin.display(description=_("onderneming"))
    def organisation(self, obj):
        return obj.service_provider.organisation

    @admin.display(description=_("vorig IBAN"))
    def old_account(self, obj):
        return obj.old_iban_masked

    @admin.display(description=_("nieuw IBAN"))
    def new_account(self, obj):
        return obj.new_iban

    def _decide(self, request, queryset, decide, done_message):
        done = 0
        for change in queryset:
            try:
                decide(change)
            except ValidationError as error:
                self.message_user(
                    request, f"{change}: {' '.join(error.messages)}", level=messages.ERROR
                )
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done), level=messages.SUCCESS)

    @admin.action(
        description=_("Geselecteerde rekeningnummers goedkeuren"), permissions=["verify"]
    )
    def verify_selected(self, request, queryset):
        self._decide(
            request,
            queryset,
            lambda change: bank_account_change_verify(change=change, decided_by=request.user),
            lambda count: (
                ngettext(
                    "%(count)d rekeningnummer goedgekeurd.",
                    "%(count)d rekeningnummers goedgekeurd.",
                    count,
                )
                % {"count": count}
            ),
        )

    @admin.action(description=_("Geselecteerde rekeningnummers weigeren"), permissions=["verify"])
    def reject_selected(self, request, queryset):
        form = RejectBankAccountChangeForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            self._decide(
                request,
                queryset,
                lambda change: bank_account_change_reject(
                    change=change, decided_by=request.user, reason=reason
                ),
                lambda count: (
                    ngettext(
                        "%(count)d rekeningnummer geweigerd.",
                        "%(count)d rekeningnummers geweigerd.",
                        count,
                    )
                    % {"count": count}
                ),
            )
            return None
        # An intermediate page asks the reason, as the delete action asks for confirmation.
        return TemplateResponse(
            request,
            "admin/providers/bankaccountchange/reject.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Rekeningnummers weigeren"),
                "opts": self.model._meta,
                "changes": queryset,
                "form": form,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(Vakgebied)
class VakgebiedAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
