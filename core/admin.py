"""Admin building blocks shared by every app: read-only inlines, object actions with a
confirmation page, and a search box that understands KBO numbers in any notation."""

import re

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from core import validators
from core.forms import add_service_errors

# "BE 0123.456.789", "0123 456 789", "123456789": a term made of digits, dots and spaces.
# Narrower than what core.validators compacts (also "-" and "/"): a name search such
# as "2023-2024" must stay a name search.
KBO_LIKE = re.compile(r"^\s*(BE)?[\s.]*[0-9][0-9\s.]{3,}$", re.IGNORECASE)


def normalise_kbo_search_term(term):
    """Digits of a KBO-looking search term, else the term unchanged.

    Staff copy numbers from letters and the KBO site in the dotted form, which a
    plain `icontains` on the stored ten digits would never match. A nine-digit
    number is the old notation without the leading zero. The term may be part of a
    number, so it is compacted as core.validators does, not validated.
    """
    if not KBO_LIKE.match(term):
        return term
    return validators.compact_kbo_number(term)


class KboSearchMixin:
    """Lets the admin search box find an enterprise by its KBO number in any notation."""

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(
            request, queryset, normalise_kbo_search_term(search_term)
        )


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
                add_service_errors(form, error)
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
