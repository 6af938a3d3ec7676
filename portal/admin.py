"""Admin for agency staff (VLAIO): users, their rights and the postcode reference data."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from portal.models import Membership, Postcode, User

admin.site.site_header = _("kmo-portefeuille – beheer")
admin.site.site_title = _("kmo-portefeuille – beheer")
admin.site.index_title = _("Beheer van de kmo-portefeuille")


class ReadOnlyInline(admin.TabularInline):
    """Rows shown on a read-only change page (history, payments): nothing added, changed
    or deleted through the inline."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ObjectActionsMixin:
    """Buttons on a read-only change page, each opening a confirmation page whose POST
    calls a service: the agency's steps on a dossier, its decisions on a registration.

    `object_actions` maps a key to an action with `key`, `label`, `form_class`,
    `intro`, `done`, `is_offered(obj)` and `url_name(opts)`. Taking an action needs
    the change permission on the model; an action the object's status does not allow
    (any more) sends the user back to the change page with the reason. The services
    raise `transition_error` for such a refusal and ValidationError for bad input.
    """

    object_actions = {}
    transition_error = ValidationError
    change_form_template = "admin/object_actions_change_form.html"
    object_action_template = "admin/object_action.html"

    def has_object_action_permission(self, request):
        opts = self.opts
        return (
            request.user.is_active
            and request.user.is_staff
            and request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")
        )

    def get_urls(self):
        urls = [
            path(
                f"<path:object_id>/{action.key.replace('_', '-')}/",
                self.admin_site.admin_view(self.object_action_view),
                {"action_key": action.key},
                name=action.url_name(self.opts),
            )
            for action in self.object_actions.values()
        ]
        return urls + super().get_urls()

    def offered_object_actions(self, request, obj):
        if not self.has_object_action_permission(request):
            return []
        return [
            {
                "label": action.label,
                "url": reverse(f"admin:{action.url_name(self.opts)}", args=[obj.pk]),
            }
            for action in self.object_actions.values()
            if action.is_offered(obj)
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        extra_context = {
            **(extra_context or {}),
            "object_actions": self.offered_object_actions(request, obj) if obj else [],
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def object_action_view(self, request, object_id, action_key):
        """A confirmation page with a form for one action; POST calls the service."""
        if not self.has_object_action_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        action = self.object_actions[action_key]
        change_url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk]
        )
        if not action.is_offered(obj):
            self.message_user(
                request, self.object_action_not_allowed_message(action, obj), messages.ERROR
            )
            return HttpResponseRedirect(change_url)

        form = self.get_object_action_form(request, action, obj)
        if request.method == "POST" and form.is_valid():
            try:
                obj = self.perform_object_action(request, action, obj, form.cleaned_data)
            except self.transition_error as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return HttpResponseRedirect(change_url)
            except ValidationError as error:
                self._add_errors(form, error)
            else:
                self.object_action_done(request, action, obj)
                return HttpResponseRedirect(change_url)

        context = {
            **self.admin_site.each_context(request),
            "title": f"{action.label}: {self.object_action_subject(obj)}",
            "opts": self.opts,
            "original": obj,
            "action": action,
            "form": form,
            "change_url": change_url,
            **self.get_object_action_context(action, obj),
        }
        return TemplateResponse(request, self.object_action_template, context)

    # --- Hooks -----------------------------------------------------------------------

    def get_object_action_form(self, request, action, obj):
        """The action's form, bound to the POST."""
        return action.form_class(request.POST if request.method == "POST" else None)

    def perform_object_action(self, request, action, obj, data):
        """Call the action's service; return the object as the service left it."""
        raise NotImplementedError

    def object_action_done(self, request, action, obj):
        self.message_user(request, action.done, messages.SUCCESS)

    def object_action_not_allowed_message(self, action, obj):
        raise NotImplementedError

    def object_action_subject(self, obj):
        """How the page title names the object."""
        return str(obj)

    def get_object_action_context(self, action, obj):
        """Extra context for the confirmation page, e.g. what the object will look like."""
        return {}

    @staticmethod
    def _add_errors(form, error):
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)


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


@admin.register(Postcode)
class PostcodeAdmin(admin.ModelAdmin):
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
