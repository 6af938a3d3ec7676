"""The client's side (profile "Gebruiker", SMEAccessMixin, mounted at /kmo/dossiers/):
the application in three steps (choose a provider, the details, "Controleer en dien
in"), "Mijn steunaanvragen", a dossier's page and its stop."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView, TemplateView

from core.drafts import SessionDraft
from core.idempotency import SubmitOnceMixin, submit_once
from portal.access import SMEAccessMixin
from projects import presenters
from projects.forms import ApplicationForm, ProviderSearchForm, StopForm
from projects.models import Project
from projects.selectors import application_provider_candidates
from projects.services import project_build, project_stop, project_submit
from projects.views.dossier import DossierDetailView, DossierStepView
from registrations.selectors import listed_registrations, listed_service_providers

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


def directory_search_url():
    """The public search ("Zoek een geregistreerde dienstverlener"), when it is installed."""
    try:
        return reverse("directory:search")
    except NoReverseMatch:
        return ""


# --- "Mijn steunaanvragen" ------------------------------------------------------------


class SMEDossierMixin(SMEAccessMixin):
    """The active organisation's own dossiers, as the client. Another's is a 404.

    The access mixin's default scope (`for_organisation`) is the provider side's,
    so every SME view takes its dossiers from here.
    """

    viewer = presenters.SME
    detail_url_name = "sme-projects:detail"

    def dossiers(self):
        return Project.objects.for_client(self.organisation)

    def get_queryset(self):
        return self.dossiers()


class SMEProjectListView(SMEDossierMixin, ListView):
    """ "Mijn steunaanvragen": the organisation's dossiers, newest first, with status
    and next step."""

    template_name = "projects/sme_project_list.html"
    context_object_name = "projects"
    paginate_by = 25

    def get_queryset(self):
        return (
            self.dossiers()
            .select_related("service_provider", "vakgebied")
            .with_deadline()
            .order_by("-filed_on", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = presenters.project_rows(context["projects"], viewer=self.viewer)
        return context


class SMEProjectDetailView(SMEDossierMixin, DossierDetailView):
    """One of the organisation's dossiers with its history, payments and next step."""

    template_name = "projects/sme_project_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_stop=self.object.can_be_stopped_by_sme(), **kwargs)


class SMEProjectStopView(SMEDossierMixin, DossierStepView):
    """ "Stopzetten": a confirmation page with the reason (GET), the stop (POST)."""

    template_name = "projects/sme_project_stop.html"
    form_class = StopForm
    error_field = "reason"
    success_message = _("Het dossier is stopgezet. Uw dienstverlener krijgt een e-mail.")

    def is_allowed(self, project):
        return project.can_be_stopped_by_sme()

    def not_allowed_message(self, project):
        return _(
            "Een dossier met status '%(status)s' kunt u niet meer zelf stopzetten: neem "
            "contact op met de kmo-portefeuille via 1700."
        ) % {"status": project.get_effective_status_display()}

    def perform(self, project, data):
        project_stop(project=project, user=self.request.user, reason=data["reason"])


# --- The application ------------------------------------------------------------------


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
    def draft(self):
        """The application form's input so far (ApplicationForm.stored_data())."""
        return SessionDraft(self.request.session, SESSION_APPLICATION, self.provider.pk)

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
        stored = self.draft.get()
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
        self.draft.save(form.stored_data())
        if form.is_valid() and self.build(form) is not None:
            return redirect("sme-projects:confirm", provider_pk=self.provider.pk)
        return self.render_to_response(self.get_context_data(form=form))


class ApplicationConfirmView(SubmitOnceMixin, ApplicationMixin, TemplateView):
    """Step 3, "Controleer en dien in": the application with the subsidy computed,
    before anything is filed. "Indienen" files it; "Wijzigen" goes back with the
    input kept. Filing twice (a double click, two tabs) files one dossier: the
    second submit shows the dossier the first one filed."""

    template_name = "projects/application_confirm.html"

    def valid_project(self):
        stored = self.draft.get()
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
            return redirect(self.form_url(resume=bool(self.draft.get())))
        project, form = result
        return self.render_to_response(self.get_context_data(project=project, form=form))

    def post(self, request, *args, **kwargs):
        self.load_provider()
        if "wijzig" in request.POST:
            return redirect(self.form_url(resume=True))
        try:
            with submit_once(request) as submission:
                if submission.earlier_url:
                    self.draft.clear()
                    return submission.redirect_to_earlier(
                        _("Deze steunaanvraag was al ingediend: u ziet het dossier.")
                    )
                result = self.valid_project()
                if result is None or result[0] is None:
                    return redirect(self.form_url(resume=bool(self.draft.get())))
                _project, form = result
                project = project_submit(**self.application(form))
                submission.done(reverse("sme-projects:detail", kwargs={"pk": project.pk}))
        except ValidationError:
            # Something changed since the check (another dossier used the ceiling):
            # the form shows why, with the input kept.
            return redirect(self.form_url(resume=True))
        self.draft.clear()
        messages.success(
            request,
            _(
                "Uw steunaanvraag %(number)s is ingediend. %(provider)s krijgt een e-mail en "
                "bevestigt of weigert de aanvraag."
            )
            % {"number": project.number, "provider": self.provider.name},
        )
        return redirect("sme-projects:detail", pk=project.pk)
