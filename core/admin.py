"""Admin building blocks shared by every app: read-only pages and inlines, a history
without revert, decision pages derived from a model's declared transitions, a search
box that understands KBO numbers in any notation, and the work queues of the staff
start page; and core's own page, the outbox of e-mails with its resend."""

import dataclasses
import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core import checks
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core import mail, transitions, validators
from core.forms import add_service_errors
from core.models import OutboxMail

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


def staff_may_change(request, opts):
    """An active staff member whose role holds the change permission of `opts`' model:
    who may take the steps of its decision pages."""
    return (
        request.user.is_active
        and request.user.is_staff
        and request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")
    )


class DutchEmptyChoiceMixin:
    """Every select of the admin says in Dutch what to choose, never Django's "---------".

    The actions menu offers "Kies een actie"; a foreign key or a field with choices
    offers "Kies een <verbose name>" ("Kies een rechtsvorm"). Every admin of the site
    has it: the project's through their base classes, the installed apps' through
    portal.admin (tests/core/test_empty_choice.py walks every page).
    """

    def get_action_choices(self, request, default_choices=None):
        return super().get_action_choices(request, default_choices=[("", _("Kies een actie"))])

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("empty_label", empty_choice_label(db_field))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if "choices" not in kwargs:
            kwargs["choices"] = db_field.get_choices(
                include_blank=db_field.blank or not db_field.has_default(),
                blank_choice=[("", empty_choice_label(db_field))],
            )
        return super().formfield_for_choice_field(db_field, request, **kwargs)


def empty_choice_label(db_field):
    return _("Kies een %(name)s") % {"name": db_field.verbose_name}


class KboSearchMixin:
    """Lets the admin search box find an enterprise by its KBO number in any notation."""

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(
            request, queryset, normalise_kbo_search_term(search_term)
        )


class ReadOnlyAdminMixin:
    """A model shown in the admin and never written there, by anyone, superusers included:
    its rows change only through its services (a decision page, the portal), so the
    admin offers no add, change or delete page and no bulk action. Who may look is
    decided by the view permission."""

    actions = None

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HistoryAdmin(DutchEmptyChoiceMixin, SimpleHistoryAdmin):
    """django-simple-history's history pages without its revert, for every model whose
    changes go through services.

    The history and each older version stay viewable (read-only) for whoever may view
    the model. A revert would save the old row as it was, around the services and their
    checks: an old IBAN back without a verified bank-account change, a decided change
    pending again. SIMPLE_HISTORY_REVERT_DISABLED only hides the button (in 3.13 the
    version page still saves a POST, even from view-only staff), so the version page
    refuses every POST here, for everyone. A correction that is needed goes through the
    service. The check core.E004 keeps every history admin of the site on this class.
    """

    def revert_disabled(self, request, obj=None):
        return True

    def has_change_history_permission(self, request, obj=None):
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        request.showing_history_version = True
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_readonly_fields(self, request, obj=None):
        if getattr(request, "showing_history_version", False):
            # Every field as text: an older version is read, never edited.
            if self.fieldsets:
                return flatten_fieldsets(self.fieldsets)
            return list(self.fields or [field.name for field in self.opts.fields])
        return super().get_readonly_fields(request, obj)


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


class TransitionPage:
    """How the admin presents one declared transition: the form on its confirmation page,
    the text above it, and the message once the step is taken (may use %(...)s keys of
    TransitionActionsMixin.transition_done_values()). Its button is red when the model
    declares the transition "destructive" (it refuses or takes something away).
    """

    def __init__(self, form_class, intro, done):
        self.form_class = form_class
        self.intro = intro
        self.done = done


class TransitionAction:
    """One declared transition as a button and a confirmation page (template context)."""

    def __init__(self, declared, page, opts):
        self.name = declared.name
        self.label = declared.label
        # A red button: only for what refuses or takes something away.
        self.danger = declared.destructive
        self.form_class = page.form_class
        self.intro = page.intro
        self.done = page.done
        self.url_name = f"{opts.app_label}_{opts.model_name}_{declared.name}"


class TransitionActionsMixin:
    """Decision buttons on a read-only change page, derived from the model's declared
    transitions (core.transitions): one per transition with ``custom={"admin": True}``
    that the object's status and conditions and the staff member's rights allow, each
    opening a confirmation page whose POST calls the service (never the model method).

    `transition_pages` maps every admin transition's name to a TransitionPage (its form
    and texts; the label, and whether it is destructive, are the model's). Taking a step
    needs the change permission on the model and the transition's own permission, if it
    declares one (the four-eyes rule of bank-account changes). A step the object does
    not allow (any more) sends the user back to the change page with the reason; the
    service raises core.transitions.TransitionError for such a refusal and
    ValidationError for bad input, which goes onto the form.
    """

    transition_pages = {}
    change_form_template = "admin/object_actions_change_form.html"
    object_action_template = "admin/object_action.html"

    # --- The declared transitions ------------------------------------------------------

    def transition_actions(self):
        """The model's admin transitions, in the order the model declares them."""
        return [
            TransitionAction(item, self.transition_pages[item.name], self.opts)
            for item in transitions.declared(self.model)
            if item.in_admin
        ]

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        in_admin = {item.name for item in transitions.declared(self.model) if item.in_admin}
        if in_admin != set(self.transition_pages):
            errors.append(
                checks.Error(
                    f"transition_pages of {type(self).__name__} must name exactly the "
                    f"transitions of {self.model.__name__} declared for the admin.",
                    hint=f"declared: {sorted(in_admin)}; pages: {sorted(self.transition_pages)}",
                    obj=type(self),
                    id="core.E001",
                )
            )
        return errors

    def has_object_action_permission(self, request):
        return staff_may_change(request, self.opts)

    def get_urls(self):
        urls = [
            path(
                f"<path:object_id>/{action.name.replace('_', '-')}/",
                self.admin_site.admin_view(self.object_action_view),
                {"action_key": action.name},
                name=action.url_name,
            )
            for action in self.transition_actions()
        ]
        return urls + super().get_urls()

    def offered_object_actions(self, request, obj):
        """The buttons for `obj`: allowed by its status and by the staff member's rights."""
        if not self.has_object_action_permission(request):
            return []
        return [
            {
                "label": action.label,
                "url": reverse(f"admin:{action.url_name}", args=[obj.pk]),
                "danger": action.danger,
            }
            for action in self.transition_actions()
            if transitions.refusal(obj, action.name) is None
            and transitions.permission_refusal(obj, action.name, request.user) is None
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        extra_context = {
            **(extra_context or {}),
            "object_actions": self.offered_object_actions(request, obj) if obj else [],
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def object_action_view(self, request, object_id, action_key):
        """A confirmation page with a form for one transition; POST calls the service."""
        if not self.has_object_action_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        action = next(action for action in self.transition_actions() if action.name == action_key)
        change_url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk]
        )
        if transitions.refusal(obj, action.name) is not None:
            self.message_user(
                request, self.object_action_not_allowed_message(action, obj), messages.ERROR
            )
            return HttpResponseRedirect(change_url)
        refused = transitions.permission_refusal(obj, action.name, request.user)
        if refused is not None:
            self.message_user(request, " ".join(refused.messages), messages.ERROR)
            return HttpResponseRedirect(change_url)

        form = self.get_object_action_form(request, action, obj)
        if request.method == "POST" and form.is_valid():
            try:
                obj = self.perform_object_action(request, action, obj, form.cleaned_data)
            except transitions.TransitionError as error:
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
            **self.get_object_action_context(request, action, obj, form),
        }
        return TemplateResponse(request, self.object_action_template, context)

    # --- Hooks -----------------------------------------------------------------------

    def get_object_action_form(self, request, action, obj):
        """The transition's form, bound to the POST."""
        return action.form_class(request.POST if request.method == "POST" else None)

    def perform_object_action(self, request, action, obj, data):
        """Call the transition's service; return the object as the service left it."""
        raise NotImplementedError

    def object_action_done(self, request, action, obj):
        # Also in the admin's own history ("Geschiedenis") of the object.
        self.log_change(request, obj, str(action.label))
        self.message_user(
            request, action.done % self.transition_done_values(obj), messages.SUCCESS
        )

    def transition_done_values(self, obj):
        """The values the success messages may name."""
        return {}

    def object_action_not_allowed_message(self, action, obj):
        return gettext(
            "'%(action)s' kan niet bij status '%(status)s'. De pagina toont de stappen die nu "
            "mogelijk zijn."
        ) % {"action": action.label, "status": obj.current_status_label()}

    def object_action_subject(self, obj):
        """How the page title names the object."""
        return str(obj)

    def get_object_action_context(self, request, action, obj, form):
        """Extra context for the confirmation page, e.g. what the object will look like.
        `form` is the transition's form, bound on a POST."""
        return {}


class WorkQueueFilter(admin.SimpleListFilter):
    """A status filter that opens on the status waiting for staff (`default`), so that
    the change list is a work queue; "Alle" shows every row. Set `statuses` (a
    TextChoices) and `default`."""

    title = _("status")
    parameter_name = "status"
    statuses = None
    default = None
    everything = "all"

    def lookups(self, request, model_admin):
        return [*self.statuses.choices, (self.everything, _("Alle"))]

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
        return queryset.filter(**{self.parameter_name: value})


@dataclasses.dataclass(frozen=True)
class WorkQueue:
    """One queue of the staff start page: the rows of `model` waiting for staff.

    `label` names the work ("Bankrekeningen te verifiëren"), `filter` selects the rows
    (keyword arguments of QuerySet.filter), `query` is the change list's query string
    that shows the same rows. Whoever may view the model sees the queue and its count;
    whoever may change it (a role that decides there) may also act on it.
    """

    label: str
    model: type
    filter: dict
    query: dict
    order: int = 100

    def permission(self, action):
        opts = self.model._meta
        return f"{opts.app_label}.{action}_{opts.model_name}"

    def url(self):
        opts = self.model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        return f"{changelist}?{urlencode(self.query)}"


WORK_QUEUES = []


def work_queue_register(queue):
    """Add a queue to the staff start page; each app's admin module registers its own."""
    WORK_QUEUES.append(queue)
    WORK_QUEUES.sort(key=lambda item: item.order)


def work_queues_for(user):
    """The queues `user` may see, with their counts: one COUNT query per queue shown.

    Each item is a dict with the queue's label, count, link and whether the user may act
    on it (the change permission; an auditor only looks).
    """
    if not (user.is_active and user.is_staff):
        return []
    shown = []
    for queue in WORK_QUEUES:
        may_act = user.has_perm(queue.permission("change"))
        if not (may_act or user.has_perm(queue.permission("view"))):
            continue
        shown.append(
            {
                "label": queue.label,
                "count": queue.model._default_manager.filter(**queue.filter).count(),
                "url": queue.url(),
                "may_act": may_act,
            }
        )
    return shown


# The admin index is the staff start page: the work queues above the list of sections.
admin.site.index_template = "admin/staff_index.html"
# Without the navigation column beside every page, a change list's status, amounts and
# dates fit at 1366 px; the breadcrumbs and the start page lead everywhere.
admin.site.enable_nav_sidebar = False


class ResendPage:
    """The resend of an outbox mail as core's confirmation page presents an action."""

    name = "resend"
    label = _("Opnieuw verzenden")
    destructive = False
    danger = False
    intro = _(
        "De e-mail wordt opnieuw in de wachtrij gezet en meteen verzonden, met een nieuwe "
        "reeks pogingen. Verstuur een mislukte e-mail pas opnieuw als de oorzaak is "
        "weggenomen (het adres verbeterd, de mailserver weer bereikbaar)."
    )


@admin.register(OutboxMail)
class OutboxMailAdmin(ReadOnlyAdminMixin, DutchEmptyChoiceMixin, admin.ModelAdmin):
    """The outbox of e-mails (core.mail): what waits, what was sent, what failed and why.

    Read-only: rows are written by core.mail.notify and changed by the worker. The one
    step staff take is "resend" of a failed (or waiting) mail, through
    core.mail.mail_resend; it needs the change permission on the outbox (the role
    "Beheerder e-mails", portal.roles), viewing needs the view permission.
    """

    list_display = [
        "created_at",
        "template",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]
    list_filter = ["status"]
    search_fields = ["template"]
    date_hierarchy = "created_at"
    actions = ["resend_selected"]
    fields = [
        "template",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "sent_at",
        "message_id",
        "language",
        "recipients_display",
        "subject",
        "body",
    ]
    readonly_fields = fields
    change_form_template = "admin/object_actions_change_form.html"

    @admin.display(description=_("ontvangers"))
    def recipients_display(self, obj):
        return ", ".join(obj.recipients)

    def has_resend_permission(self, request, obj=None):
        return staff_may_change(request, self.opts)

    def get_urls(self):
        opts = self.opts
        return [
            path(
                "<path:object_id>/resend/",
                self.admin_site.admin_view(self.resend_view),
                name=f"{opts.app_label}_{opts.model_name}_resend",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        actions = []
        if (
            obj is not None
            and obj.status in mail.RESENDABLE
            and self.has_resend_permission(request)
        ):
            actions.append(
                {"label": ResendPage.label, "url": self._url("resend", obj.pk)},
            )
        extra_context = {**(extra_context or {}), "object_actions": actions}
        return super().change_view(request, object_id, form_url, extra_context)

    def _url(self, name, pk):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}", args=[pk])

    def resend_view(self, request, object_id):
        """A confirmation page; its POST queues the mail again (core.mail.mail_resend)."""
        if not self.has_resend_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        change_url = self._url("change", obj.pk)
        if request.method == "POST":
            try:
                mail.mail_resend(mail=obj, user=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.log_change(request, obj, str(ResendPage.label))
                self.message_user(
                    request, gettext("De e-mail staat opnieuw in de wachtrij."), messages.SUCCESS
                )
            return HttpResponseRedirect(change_url)
        if obj.status not in mail.RESENDABLE:
            self.message_user(
                request,
                gettext("Alleen een mislukte of wachtende e-mail kan opnieuw verzonden worden."),
                messages.ERROR,
            )
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": f"{ResendPage.label}: {obj}",
            "opts": self.opts,
            "original": obj,
            "action": ResendPage,
            "form": forms.Form(),
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/object_action.html", context)

    @admin.action(description=_("Geselecteerde e-mails opnieuw verzenden"), permissions=["resend"])
    def resend_selected(self, request, queryset):
        queued = 0
        with transaction.atomic():
            for obj in queryset.filter(status__in=mail.RESENDABLE):
                mail.mail_resend(mail=obj, user=request.user)
                self.log_change(request, obj, str(ResendPage.label))
                queued += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d e-mail staat opnieuw in de wachtrij.",
                "%(count)d e-mails staan opnieuw in de wachtrij.",
                queued,
            )
            % {"count": queued},
            messages.SUCCESS,
        )


work_queue_register(
    WorkQueue(
        label=_("Mislukte e-mails"),
        model=OutboxMail,
        filter={"status": OutboxMail.Status.FAILED},
        query={"status__exact": OutboxMail.Status.FAILED},
        order=40,
    )
)
