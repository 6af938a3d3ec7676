"""The subsidy dossiers' pages.

Provider side (menu option 2.4 "Overzicht projecten", ProviderAccessMixin): the
overview with filters, sorting, totals and exports, a dossier's detail page and
the confirmation pages to confirm or refuse an application.

SME side (profile "Gebruiker", SMEAccessMixin, mounted at /kmo/dossiers/): the
application in three steps (choose a provider, the details, "Controleer en dien
in"), "Mijn steunaanvragen", a dossier's detail page and its stop.

Views only parse input and render: the rules (14-day term, rates, ceiling,
transitions) are in projects.models, projects.rates and projects.services.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from core.forms import add_service_errors
from core.transitions import TransitionError
from portal.access import ProviderAccessMixin, SMEAccessMixin
from projects import exports
from projects.forms import (
    ApplicationForm,
    ConfirmForm,
    OverviewFilterForm,
    ProviderSearchForm,
    RefuseForm,
    StopForm,
)
from projects.models import Project, ProjectEvent
from projects.rates import euro
from projects.selectors import (
    OverviewRows,
    application_provider_candidates,
    project_overview_filtered,
    project_overview_totals,
    project_with_history,
)
from projects.services import (
    project_build,
    project_confirm,
    project_refuse,
    project_stop,
    project_submit,
)
from registrations.selectors import listed_registrations, listed_service_providers

Status = Project.Status
Action = ProjectEvent.Action

SESSION_APPLICATION = "project_application"
# The application form's fields that project_build takes as they are.
APPLICATION_FIELDS = [
    "service_type",
    "title",
    "vakgebied",
    "theme",
    "start_date",
    "end_date",
    "amount_excl_vat",
    "company_size",
    "training_kind",
    "higher_rate_topic",
]

# Who takes each step: shown in a dossier's history instead of agency staff's names.
ACTION_SIDE = {
    Action.SUBMIT: "sme",
    Action.CONFIRM: "provider",
    Action.REFUSE: "provider",
    Action.RECORD_DEPOSIT: "agency",
    Action.GRANT: "agency",
    Action.RECORD_PAYMENT: "agency",
    Action.CLOSE: "agency",
    Action.LAPSE: "system",
}
SIDE_LABELS = {
    "sme": _("de klant"),
    "provider": _("de dienstverlener"),
    "agency": _("het agentschap"),
    "system": _("automatisch, termijn verstreken"),
}


def _event_side(event):
    if event.action == Action.STOP:
        # Stopped by the client or by the agency: the service says which in the remark.
        return "agency" if event.actor_id and event.actor.is_staff else "sme"
    return ACTION_SIDE.get(event.action, "agency")


def history_rows(project, *, viewer):
    """The dossier's events for its history table, as seen by `viewer` ("provider"/"sme").

    Names are shown only for the viewer's own side: a provider sees which
    colleague confirmed, not which agency employee granted the subsidy.
    """
    rows = []
    for event in project.events.all():
        side = _event_side(event)
        by = SIDE_LABELS[side]
        if side == viewer and event.actor_id:
            by = f"{by} ({event.actor.get_full_name() or event.actor.username})"
        rows.append(
            {
                "at": event.at,
                "action": event.get_action_display(),
                "to_status": event.get_to_status_display(),
                "by": by,
                "reason": event.reason,
                "remark": event.remark,
            }
        )
    return rows


def _status_and_deadline(project, on):
    # Called on the model's methods: rows from ProjectQuerySet.with_deadline() carry
    # annotations of the same names (effective_status, next_deadline) on the instance.
    return Project.effective_status(project, on), Project.next_deadline(project, on)


def next_step(project, on=None):
    """What happens next to the dossier, in a sentence for the SME."""
    on = on or timezone.localdate()
    status, deadline = _status_and_deadline(project, on)
    day = date_format(deadline, "d/m/Y") if deadline else ""
    if status == Status.SUBMITTED:
        return _(
            "Uw dienstverlener bevestigt of weigert de aanvraag (verwacht tegen %(day)s)."
        ) % {"day": day}
    if status == Status.CONFIRMED:
        return _(
            "Stort uw eigen aandeel van %(amount)s in uw portefeuille, uiterlijk op %(day)s."
        ) % {
            "amount": euro(project.own_share),
            "day": day,
        }
    if status == Status.DEPOSITED:
        return _("Het agentschap kent de subsidie toe.")
    if status in (Status.GRANTED, Status.PARTIALLY_PAID):
        return _("Geef opdracht tot betaling van %(amount)s aan uw dienstverlener.") % {
            "amount": euro(project.amount_outstanding)
        }
    if status == Status.PAID:
        return _("Het agentschap sluit het dossier af.")
    return _("Geen: het dossier is afgesloten.")


def provider_next_step(project, on=None):
    """What happens next to the dossier, in a sentence for the provider."""
    on = on or timezone.localdate()
    status, _deadline = _status_and_deadline(project, on)
    if status == Status.SUBMITTED:
        return _("Bevestig of weiger de aanvraag.")
    if status == Status.CONFIRMED:
        return _("De klant stort zijn eigen aandeel (uiterlijk %(day)s).") % {
            "day": date_format(project.deposit_due_on, "d/m/Y")
        }
    if status == Status.DEPOSITED:
        return _("Het agentschap kent de subsidie toe.")
    if status in (Status.GRANTED, Status.PARTIALLY_PAID):
        return _("De klant geeft opdracht tot betaling van %(amount)s.") % {
            "amount": euro(project.amount_outstanding)
        }
    if status == Status.PAID:
        return _("Het agentschap sluit het dossier af.")
    return _("Geen: het dossier is afgesloten.")


# --- Provider side: 2.4 "Overzicht projecten" ------------------------------------------


class ProjectFiltersMixin(ProviderAccessMixin):
    """The overview's filter form, bound to the GET parameters, shared by the list and
    the exports so that an export holds exactly the rows the list shows."""

    def get_filter_form(self):
        if not hasattr(self, "_filter_form"):
            data = self.request.GET if self.request.GET else None
            form = OverviewFilterForm(data, organisation=self.organisation)
            form.is_valid()
            self._filter_form = form
        return self._filter_form

    def get_filters(self):
        return self.get_filter_form().filters()


class ProjectListView(ProjectFiltersMixin, ListView):
    """2.4 "Overzicht projecten": the dossiers naming the organisation's service providers.

    Filters, sort order and page are GET parameters (shareable URLs, no
    JavaScript). The totals of the filtered set come from one aggregate that
    also gives the paginator its count, and a page is one query
    (selectors.OverviewRows), so a page costs the same number of queries
    whatever its size.
    """

    template_name = "projects/project_list.html"
    context_object_name = "projects"
    menu_key = "projecten"

    def get_paginate_by(self, queryset):
        return self.get_filter_form().page_size()

    def get_queryset(self):
        filters = self.get_filters()
        sort = {"sort": filters.pop("sort"), "descending": filters.pop("descending")}
        self.totals = project_overview_totals(
            project_overview_filtered(organisation=self.organisation, **filters)
        )
        return OverviewRows(
            count=self.totals["count"], organisation=self.organisation, **filters, **sort
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.get_filter_form()
        filters = form.filters()
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            {
                "filter_form": form,
                "totals": self.totals,
                "sort": filters["sort"],
                "descending": filters["descending"],
                "sort_columns": self.sort_columns(filters),
                "query_string": query.urlencode(),
            }
        )
        return context

    def sort_columns(self, filters):
        """Per sortable column: the link that sorts on it (toggling the direction when it
        is the current sort) and its aria-sort value."""
        columns = {}
        for key in ("aanvraagdatum", "startdatum", "klant", "bedrag", "status"):
            current = filters["sort"] == key
            query = self.request.GET.copy()
            query.pop("page", None)
            query["sorteer"] = key
            if current:
                query["volgorde"] = "op" if filters["descending"] else "af"
            else:
                query["volgorde"] = (
                    "af" if key in ("aanvraagdatum", "startdatum", "bedrag") else "op"
                )
            aria = ""
            if current:
                aria = "descending" if filters["descending"] else "ascending"
            columns[key] = {"url": f"?{query.urlencode()}", "aria_sort": aria, "current": current}
        return columns


class ProjectExportView(ProjectFiltersMixin, View):
    """The filtered overview as a CSV (streamed) or XLSX file; same filters and order."""

    file_format = "csv"

    def get(self, request, *args, **kwargs):
        filters = self.get_filters()
        if self.file_format == "xlsx":
            return exports.xlsx_response(organisation=self.organisation, filters=filters)
        return exports.csv_response(organisation=self.organisation, filters=filters)


class ProviderProjectMixin(ProviderAccessMixin):
    """One dossier naming the organisation's service providers; any other is a 404."""

    def get_project(self):
        if not hasattr(self, "_project"):
            self._project = get_object_or_404(
                project_with_history(queryset=Project.objects.for_organisation(self.organisation)),
                pk=self.kwargs["pk"],
            )
        return self._project


class ProjectDetailView(ProviderProjectMixin, DetailView):
    """A dossier with its history of transitions and its payments."""

    template_name = "projects/project_detail.html"
    context_object_name = "project"

    def get_object(self, queryset=None):
        return self.get_project()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = self.object
        context.update(
            {
                "history": history_rows(project, viewer="provider"),
                "payments": project.payments.all(),
                "next_step": provider_next_step(project),
                "can_decide": project.status == Status.SUBMITTED,
            }
        )
        return context


class ProjectDecisionView(ProviderProjectMixin, FormView):
    """Base of "Bevestigen" and "Weigeren": a confirmation page (GET), the step (POST).

    Only a submitted application can be decided; otherwise the person goes back to
    the dossier with the reason.
    """

    def get(self, request, *args, **kwargs):
        if (refusal := self.refuse_if_decided()) is not None:
            return refusal
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if (refusal := self.refuse_if_decided()) is not None:
            return refusal
        return super().post(request, *args, **kwargs)

    def refuse_if_decided(self):
        project = self.get_project()
        if project.status != Status.SUBMITTED:
            messages.error(
                self.request,
                _("Deze aanvraag is al beslist: het dossier heeft status '%(status)s'.")
                % {"status": project.get_effective_status_display()},
            )
            return redirect("projects:detail", pk=project.pk)
        return None

    def get_context_data(self, **kwargs):
        return super().get_context_data(project=self.get_project(), **kwargs)

    def form_valid(self, form):
        project = self.get_project()
        try:
            self.perform(project, form.cleaned_data)
        except TransitionError as error:
            messages.error(self.request, " ".join(error.messages))
            return redirect("projects:detail", pk=project.pk)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect("projects:detail", pk=project.pk)


class ProjectConfirmView(ProjectDecisionView):
    """ "Bevestigen": the client then has 30 days to pay its own share."""

    template_name = "projects/project_confirm.html"
    form_class = ConfirmForm
    success_message = _("U hebt de aanvraag bevestigd. De klant krijgt een e-mail.")

    def perform(self, project, data):
        project_confirm(project=project, user=self.request.user, remark=data["remark"])


class ProjectRefuseView(ProjectDecisionView):
    """ "Weigeren": a reason from the list and a remark for the client."""

    template_name = "projects/project_refuse.html"
    form_class = RefuseForm
    success_message = _("U hebt de aanvraag geweigerd. De klant krijgt een e-mail.")

    def perform(self, project, data):
        project_refuse(
            project=project, user=self.request.user, reason=data["reason"], remark=data["remark"]
        )


# --- SME side: "Mijn steunaanvragen" ------------------------------------------------------


class SMEProjectMixin(SMEAccessMixin):
    """The active organisation's own dossiers, as the client. Another's is a 404.

    The access mixin's default scope (`for_organisation`) is the provider side's,
    so every SME view takes its dossiers from here.
    """

    def client_projects(self):
        return Project.objects.for_client(self.organisation)

    def get_queryset(self):
        return self.client_projects()

    def get_project(self):
        if not hasattr(self, "_project"):
            self._project = get_object_or_404(
                project_with_history(queryset=self.client_projects()), pk=self.kwargs["pk"]
            )
        return self._project


def directory_search_url():
    """The public search ("Zoek een geregistreerde dienstverlener"), when it is installed."""
    try:
        return reverse("directory:search")
    except NoReverseMatch:
        return ""


class SMEProjectListView(SMEProjectMixin, ListView):
    """ "Mijn steunaanvragen": the organisation's dossiers, newest first, with status
    and next step."""

    template_name = "projects/sme_project_list.html"
    context_object_name = "projects"
    paginate_by = 25

    def get_queryset(self):
        return (
            self.client_projects()
            .select_related("service_provider", "vakgebied")
            .with_deadline()
            .order_by("-filed_on", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context["rows"] = [
            {"project": project, "next_step": next_step(project, today)}
            for project in context["projects"]
        ]
        return context


class SMEProjectDetailView(SMEProjectMixin, DetailView):
    """One of the organisation's dossiers with its history, payments and next step."""

    template_name = "projects/sme_project_detail.html"
    context_object_name = "project"

    def get_object(self, queryset=None):
        return self.get_project()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = self.object
        context.update(
            {
                "history": history_rows(project, viewer="sme"),
                "payments": project.payments.all(),
                "next_step": next_step(project),
                "can_stop": project.can_be_stopped_by_sme(),
            }
        )
        return context


class SMEProjectStopView(SMEProjectMixin, FormView):
    """ "Stopzetten": a confirmation page with the reason (GET), the stop (POST)."""

    template_name = "projects/sme_project_stop.html"
    form_class = StopForm

    def get(self, request, *args, **kwargs):
        if (refusal := self.refuse_if_not_stoppable()) is not None:
            return refusal
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if (refusal := self.refuse_if_not_stoppable()) is not None:
            return refusal
        return super().post(request, *args, **kwargs)

    def refuse_if_not_stoppable(self):
        project = self.get_project()
        if not project.can_be_stopped_by_sme():
            messages.error(
                self.request,
                _(
                    "Een dossier met status '%(status)s' kunt u niet meer zelf stopzetten: neem "
                    "contact op met de kmo-portefeuille via 1700."
                )
                % {"status": project.get_effective_status_display()},
            )
            return redirect("sme-projects:detail", pk=project.pk)
        return None

    def get_context_data(self, **kwargs):
        return super().get_context_data(project=self.get_project(), **kwargs)

    def form_valid(self, form):
        project = self.get_project()
        try:
            project_stop(
                project=project, user=self.request.user, reason=form.cleaned_data["reason"]
            )
        except TransitionError as error:
            messages.error(self.request, " ".join(error.messages))
            return redirect("sme-projects:detail", pk=project.pk)
        except ValidationError as error:
            form.add_error("reason", error.messages)
            return self.form_invalid(form)
        messages.success(
            self.request, _("Het dossier is stopgezet. Uw dienstverlener krijgt een e-mail.")
        )
        return redirect("sme-projects:detail", pk=project.pk)


# --- SME side: the application --------------------------------------------------------


class ChooseProviderView(SMEAccessMixin, TemplateView):
    """Step 1, "Kies een dienstverlener": registered providers matching a name, KBO
    number or registration number, each with a "Kies" link to step 2."""

    template_name = "projects/application_choose_provider.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = ProviderSearchForm(self.request.GET if "q" in self.request.GET else None)
        text = form.cleaned_data["q"] if form.is_valid() else ""
        context.update(
            {
                "form": form,
                "searched": bool(text),
                "providers": application_provider_candidates(text=text) if text else [],
                "directory_url": directory_search_url(),
            }
        )
        return context


class ApplicationMixin(SMEAccessMixin):
    """The chosen provider (publicly listed today, else a 404) and the application typed
    so far, kept in the session per provider until it is filed."""

    def dispatch(self, request, *args, **kwargs):
        self.provider = None
        return super().dispatch(request, *args, **kwargs)

    def load_provider(self):
        listed = listed_registrations()
        self.provider = get_object_or_404(
            listed_service_providers()
            .select_related("organisation")
            .prefetch_related(
                Prefetch(
                    "registrations",
                    queryset=listed.order_by("service_type"),
                    to_attr="listed_registrations",
                )
            ),
            pk=self.kwargs["provider_pk"],
        )
        self.service_types = [r.service_type for r in self.provider.listed_registrations]
        if not self.service_types:
            raise Http404

    def make_form(self, data=None):
        return ApplicationForm(
            data, service_provider=self.provider, service_types=self.service_types
        )

    @property
    def storage_key(self):
        return str(self.provider.pk)

    def stored(self):
        return (self.request.session.get(SESSION_APPLICATION) or {}).get(self.storage_key)

    def store(self, data):
        applications = dict(self.request.session.get(SESSION_APPLICATION) or {})
        applications[self.storage_key] = data
        self.request.session[SESSION_APPLICATION] = applications

    def forget(self):
        applications = dict(self.request.session.get(SESSION_APPLICATION) or {})
        applications.pop(self.storage_key, None)
        self.request.session[SESSION_APPLICATION] = applications

    def application(self, form):
        """The arguments of project_build / project_submit for the typed application."""
        data = form.cleaned_data
        return {
            "client": self.organisation,
            "user": self.request.user,
            "service_provider": self.provider,
            **{name: data[name] for name in APPLICATION_FIELDS},
        }

    def build(self, form):
        """The dossier the SME would file (unsaved, subsidy computed), or None with the
        domain's errors put on the form."""
        try:
            return project_build(**self.application(form))
        except ValidationError as error:
            form.add_service_errors(error)
            return None

    def form_url(self, resume=False):
        url = reverse("sme-projects:create", kwargs={"provider_pk": self.provider.pk})
        return f"{url}?hervat=1" if resume else url

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            provider=self.provider, directory_url=directory_search_url(), **kwargs
        )


class ApplicationFormView(ApplicationMixin, TemplateView):
    """Step 2, the application's details. Valid input (by the form and by the domain's
    rules) goes to the session and on to "Controleer en dien in"; errors are shown
    next to their field with everything typed kept."""

    template_name = "projects/application_form.html"

    def get(self, request, *args, **kwargs):
        self.load_provider()
        stored = self.stored()
        if request.GET.get("hervat") and stored:
            form = self.make_form(stored)
            if form.is_valid():
                self.build(form)
        else:
            form = self.make_form()
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        self.load_provider()
        form = self.make_form(request.POST)
        self.store(form.stored_data())
        if form.is_valid() and self.build(form) is not None:
            return redirect("sme-projects:confirm", provider_pk=self.provider.pk)
        return self.render_to_response(self.get_context_data(form=form))


class ApplicationConfirmView(ApplicationMixin, TemplateView):
    """Step 3, "Controleer en dien in": the application with the subsidy computed,
    before anything is filed. "Indienen" files it; "Wijzigen" goes back with the
    input kept."""

    template_name = "projects/application_confirm.html"

    def valid_project(self):
        stored = self.stored()
        if not stored:
            return None
        form = self.make_form(stored)
        if not form.is_valid():
            return None
        return self.build(form), form

    def get(self, request, *args, **kwargs):
        self.load_provider()
        result = self.valid_project()
        if result is None or result[0] is None:
            return redirect(self.form_url(resume=bool(self.stored())))
        project, form = result
        return self.render_to_response(self.get_context_data(project=project, form=form))

    def post(self, request, *args, **kwargs):
        self.load_provider()
        if "wijzig" in request.POST:
            return redirect(self.form_url(resume=True))
        result = self.valid_project()
        if result is None or result[0] is None:
            return redirect(self.form_url(resume=bool(self.stored())))
        _project, form = result
        try:
            project = project_submit(**self.application(form))
        except ValidationError:
            # Something changed since the check (another dossier used the ceiling):
            # the form shows why, with the input kept.
            return redirect(self.form_url(resume=True))
        self.forget()
        messages.success(
            request,
            _(
                "Uw steunaanvraag %(number)s is ingediend. %(provider)s krijgt een e-mail en "
                "bevestigt of weigert de aanvraag."
            )
            % {"number": project.number, "provider": self.provider.name},
        )
        return redirect("sme-projects:detail", pk=project.pk)
