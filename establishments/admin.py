"""Admin for agency staff: establishments, with their history."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from establishments.models import Establishment


@admin.register(Establishment)
class EstablishmentAdmin(SimpleHistoryAdmin):
    """The registered office follows the organisation's address and cannot be removed."""

    list_display = ["__str__", "organisation", "is_registered_office", "is_active"]
    list_filter = ["is_registered_office", "is_active"]
    search_fields = ["organisation__name", "organisation__kbo_number", "municipality", "postcode"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
    readonly_fields = [
        "is_registered_office",
        "latitude",
        "longitude",
        "version",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["organisation", "name", "is_registered_office", "is_active"]}),
        (
            _("Adres"),
            {"fields": ["country", "postcode", "municipality", "street", "house_number", "box"]},
        ),
        (_("Contactgegevens"), {"fields": ["phone", "email"]}),
        (_("Ligging (uit de postcode)"), {"fields": ["latitude", "longitude"]}),
        (_("Historiek"), {"fields": ["version", "created_at", "updated_at"]}),
    ]

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_registered_office:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        obj.locate()
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)
