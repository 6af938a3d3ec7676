"""Admin for agency staff: establishments, with their history."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import HistoryAdmin, ReadOnlyAdminMixin
from establishments.models import Establishment


@admin.register(Establishment)
class EstablishmentAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    """The organisation's establishments as it keeps them, with their history: read-only.

    The provider adds, changes and deactivates them in the portal (establishments.services);
    the registered office follows the organisation's address (organisation_update) and
    cannot be removed. Staff edit none of it here.
    """

    list_display = ["__str__", "organisation", "is_registered_office", "is_active"]
    list_filter = ["is_registered_office", "is_active"]
    search_fields = ["organisation__name", "organisation__kbo_number", "municipality", "postcode"]
    list_select_related = ["organisation"]
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
