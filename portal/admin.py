"""Admin for agency staff (VLAIO): users, the staff roles, and the rights from ACM.

Only superusers manage users, groups and permissions: everything that makes someone
staff, a superuser, active, a member of a role or the holder of a permission, and
their passwords. No role gives a right on them, and a staff member who was given one
by hand still gets nothing here (SuperuserOnlyAdminMixin), so nobody raises their
own rights. The staff roles are groups defined in code (portal.roles): shown here,
given to people on the user page, never edited here.

What a user may do for an organisation (Membership) comes from ACM and is rebuilt at
every sign-in: it is shown, read-only, to whoever may view it, and nobody adds,
changes or deletes it here.
"""

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from core.admin import DutchEmptyChoiceMixin, ReadOnlyAdminMixin, ReadOnlyInline
from portal.models import Membership, User
from portal.roles import role_group_names, role_named

admin.site.site_header = _("kmo-portefeuille – beheer")
admin.site.site_title = _("kmo-portefeuille – beheer")
admin.site.index_title = _("Beheer van de kmo-portefeuille")


class SuperuserOnlyAdminMixin:
    """Only an active superuser sees or touches these pages, whatever permissions a
    staff member holds: the rights that decide who may do what are not staff work."""

    def _is_superuser(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self._is_superuser(request)

    def has_view_permission(self, request, obj=None):
        return self._is_superuser(request)

    def has_add_permission(self, request, obj=None):
        return self._is_superuser(request)

    def has_change_permission(self, request, obj=None):
        return self._is_superuser(request)

    def has_delete_permission(self, request, obj=None):
        return self._is_superuser(request)


class MembershipInline(ReadOnlyInline):
    """The rights of the user's last sign-in, as ACM gave them."""

    model = Membership
    fields = ["organisation", "profile", "granted_at"]
    readonly_fields = fields


@admin.register(User)
class UserAdmin(DutchEmptyChoiceMixin, SuperuserOnlyAdminMixin, DjangoUserAdmin):
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


admin.site.unregister(Group)

# django-axes' lockout lists, with the Dutch empty choice like every admin of the site.
for _model, _admin_class in [
    (AccessAttempt, axes_admin.AccessAttemptAdmin),
    (AccessLog, axes_admin.AccessLogAdmin),
    (AccessFailureLog, axes_admin.AccessFailureLogAdmin),
]:
    admin.site.unregister(_model)
    admin.site.register(
        _model, type(_admin_class.__name__, (DutchEmptyChoiceMixin, _admin_class), {})
    )


@admin.register(Group)
class GroupAdmin(DutchEmptyChoiceMixin, SuperuserOnlyAdminMixin, DjangoGroupAdmin):
    """Groups, for superusers. A staff role's group is read-only: portal.roles defines it
    and its migration keeps it so."""

    list_display = ["name", "role_purpose"]

    @admin.display(description=_("rol"))
    def role_purpose(self, obj):
        role = role_named(obj.name)
        return role.purpose if role else "-"

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.name in role_group_names():
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.name in role_group_names():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdminMixin, DutchEmptyChoiceMixin, admin.ModelAdmin):
    """Who may act for which organisation since their last sign-in (from ACM)."""

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
    fields = ["user", "organisation", "profile", "granted_at"]
    readonly_fields = fields
