"""What the provider's and the SME's pages of one dossier share.

Each side says which dossiers it may see (`dossiers()`: the provider's by its
service providers, the client's by itself) and how it is called (`viewer`, for
the presenters); a dossier outside that scope is a 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import DetailView, FormView

from core.forms import add_service_errors
from core.transitions import TransitionError
from projects import presenters
from projects.selectors import project_with_history


class DossierMixin:
    """One dossier of the side's scope, read once per request with its history."""

    viewer = None
    detail_url_name = None

    def dossiers(self):
        """The dossiers this side may see (a queryset scoped to the organisation)."""
        raise NotImplementedError

    def get_project(self):
        if not hasattr(self, "_project"):
            self._project = get_object_or_404(
                project_with_history(queryset=self.dossiers()), pk=self.kwargs["pk"]
            )
        return self._project

    def back_to_dossier(self, project):
        return redirect(self.detail_url_name, pk=project.pk)


class DossierDetailView(DossierMixin, DetailView):
    """A dossier with its history, payments, next step and next deadline."""

    context_object_name = "project"

    def get_object(self, queryset=None):
        return self.get_project()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **presenters.dossier_page(self.object, viewer=self.viewer), **kwargs
        )


class DossierStepView(DossierMixin, FormView):
    """The confirmation page of one step on a dossier (confirm, refuse, stop): the
    dossier and the form (GET), the step through its service (POST).

    A step the dossier's status does not allow (any more) sends the person back to
    the dossier with the reason, on GET and POST alike; so does a TransitionError
    from the service (someone else was quicker). Input the service refuses is shown
    on the form, on `error_field` when the error names no field of it.
    """

    success_message = None
    error_field = None

    def is_allowed(self, project):
        raise NotImplementedError

    def not_allowed_message(self, project):
        raise NotImplementedError

    def perform(self, project, data):
        """Take the step through its service."""
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        if (refusal := self.refuse_if_not_allowed()) is not None:
            return refusal
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if (refusal := self.refuse_if_not_allowed()) is not None:
            return refusal
        return super().post(request, *args, **kwargs)

    def refuse_if_not_allowed(self):
        project = self.get_project()
        if self.is_allowed(project):
            return None
        messages.error(self.request, self.not_allowed_message(project))
        return self.back_to_dossier(project)

    def get_context_data(self, **kwargs):
        return super().get_context_data(project=self.get_project(), **kwargs)

    def form_valid(self, form):
        project = self.get_project()
        try:
            self.perform(project, form.cleaned_data)
        except TransitionError as error:
            messages.error(self.request, " ".join(error.messages))
            return self.back_to_dossier(project)
        except ValidationError as error:
            add_service_errors(form, error, default_field=self.error_field)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return self.back_to_dossier(project)
