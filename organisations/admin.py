"""Admin for agency staff (VLAIO): the reference data of organisations.

The organisations themselves are administered with their service providers, in
providers/admin.py: staff open an organisation to see who provides for it.
"""

from django.contrib import admin
from django.utils.translation import gettext

from core.admin import DutchEmptyChoiceMixin
from organisations.models import LegalForm, Postcode


def organisation_with_kbo(organisation):
    """ "Acme (KBO 0123.456.789)": an organisation as staff pages name it, with its own
    KBO number (not that of one of its service providers)."""
    return gettext("%(name)s (KBO %(kbo)s)") % {
        "name": organisation.name,
        "kbo": organisation.kbo_display,
    }


@admin.register(LegalForm)
class LegalFormAdmin(DutchEmptyChoiceMixin, admin.ModelAdmin):
    list_display = ["name", "abbreviation", "code", "in_use"]
    list_filter = ["in_use"]
    search_fields = ["name", "abbreviation", "code"]


@admin.register(Postcode)
class PostcodeAdmin(DutchEmptyChoiceMixin, admin.ModelAdmin):
    """Reference data loaded by a migration: staff look it up, they do not edit it."""

    list_display = [
        "postcode",
        "municipality_nl",
        "municipality_fr",
        "main_municipality",
        "province",
    ]
    list_filter = ["province"]
    search_fields = ["postcode", "municipality_nl", "municipality_fr", "main_municipality"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
