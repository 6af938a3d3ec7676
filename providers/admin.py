"""Admin for agency staff (VLAIO): organisations, service providers and their code lists."""

import re

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from providers.models import LegalForm, Organisation, ServiceProvider, Vakgebied

# "BE 0123.456.789", "0123 456 789", "123456789": a term made of digits, dots and spaces.
KBO_LIKE = re.compile(r"^\s*(BE)?[\s.]*\d[\d\s.]{3,}$", re.IGNORECASE)


def normalise_kbo_search_term(term):
    """Digits of a KBO-looking search term, else the term unchanged.

    Staff copy numbers from letters and the KBO site in the dotted form, which a
    plain `icontains` on the stored ten digits would never match. A nine-digit
    number is the old notation without the leading zero.
    """
    if not KBO_LIKE.match(term):
        return term
    digits = re.sub(r"\D", "", term)
    return f"0{digits}" if len(digits) == 9 else digits


class KboSearchMixin:
    """Lets the admin search box find an enterprise by its KBO number in any notation."""

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(
            request, queryset, normalise_kbo_search_term(search_term)
        )


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


@admin.register(Organisation)
class OrganisationAdmin(KboSearchMixin, admin.ModelAdmin):
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


@admin.register(ServiceProvider)
class ServiceProviderAdmin(KboSearchMixin, admin.ModelAdmin):
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
    readonly_fields = ["version", "created_at", "updated_at"]
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
        (_("Rekeningnummer"), {"fields": ["bic", "iban"]}),
        (
            _("Stap 2: vakgebieden en voorstelling"),
            {"fields": ["vakgebieden", "description"]},
        ),
        (_("Historiek"), {"fields": ["version", "created_at", "updated_at"]}),
    ]


@admin.register(Vakgebied)
class VakgebiedAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(LegalForm)
class LegalFormAdmin(admin.ModelAdmin):
    list_display = ["name", "abbreviation", "code", "in_use"]
    list_filter = ["in_use"]
    search_fields = ["name", "abbreviation", "code"]
