"""Admin for agency staff (VLAIO): users and the rights they hold."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from portal.models import Membership, User

admin.site.site_header = _("kmo-portefeuille – beheer")
admin.site.site_title = _("kmo-portefeuille – beheer")
admin.site.index_title = _("Beheer van de kmo-portefeuille")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["organisation", "profile", "granted_at"]
    readonly_fields = ["granted_at"]
    autocomplete_fields = ["organisation"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin plus the OIDC subject and the rights from the last login.

    The OIDC subject is read-only: it is how the identity provider knows the
    person, and changing it would hand the account to someone else.
    """

    list_display = ["username", "first_name", "last_name", "email", "is_staff", "last_login"]
    search_fields = ["username", "first_name", "last_name", "email", "oidc_subject"]
    readonly_fields = ["oidc_subject", "last_login", "date_joined"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Aanmelding via ACM/IDM"), {"fields": ["oidc_subject"]}),
    ]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "profile", "granted_at"]
    list_filter = ["profile"]
    search_fields = [
        "user__username",
        "user__first_name",
        "user__last_name",
        "organisation__name",
        "organisation__kbo_number",
    ]
    list_select_related = ["user", "organisation"]
    autocomplete_fields = ["user", "organisation"]
    readonly_fields = ["granted_at"]
