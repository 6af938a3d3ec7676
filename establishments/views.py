"""2.3 "Vestigingen beheren": the overview, add, detail, change, (de)activate."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from core.forms import add_service_errors
from core.idempotency import SubmitOnceMixin, submit_once
from core.locking import ConflictError
from establishments.forms import EstablishmentForm
from establishments.models import Establishment
from establishments.services import (
    establishment_create,
    establishment_deactivate,
    establishment_reactivate,
    establishment_update,
)
from portal.access import ProviderAccessMixin

FORM_FIELDS = [
    "name",
    "postcode",
    "municipality",
    "street",
    "house_number",
    "box",
    "phone",
    "email",
]


class EstablishmentListView(ProviderAccessMixin, ListView):
    """ "Vestigingen: overzicht": the registered office first, then by place."""

    model = Establishment
    template_name = "establishments/establishment_list.html"
    paginate_by = 50


class EstablishmentDetailView(ProviderAccessMixin, DetailView):
    model = Establishment
    template_name = "establishments/establishment_detail.html"


class EstablishmentCreateView(SubmitOnceMixin, ProviderAccessMixin, FormView):
    """Add an establishment; it gets coordinates from its postcode. A second submit of
    the same form (a double click) adds nothing and shows the establishment added."""

    form_class = EstablishmentForm
    template_name = "establishments/establishment_form.html"

    def form_valid(self, form):
        try:
            with submit_once(self.request) as submission:
                if submission.earlier_url:
                    return submission.redirect_to_earlier(_("Deze vestiging was al toegevoegd."))
                establishment = establishment_create(
                    organisation=self.organisation,
                    data=form.cleaned_data,
                    user=self.request.user,
                )
                submission.done(reverse("establishments:detail", kwargs={"pk": establishment.pk}))
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("De vestiging is toegevoegd."))
        return redirect("establishments:detail", pk=establishment.pk)


class EstablishmentUpdateView(ProviderAccessMixin, FormView):
    """Change an establishment, with optimistic locking on its version.

    On a conflict the form keeps what was typed, says what the other person
    changed and takes the current version, so that saving again is a choice.
    """

    form_class = EstablishmentForm
    template_name = "establishments/establishment_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.object = None
        return super().dispatch(request, *args, **kwargs)

    def get_object(self):
        if self.object is None:
            self.object = get_object_or_404(
                Establishment.objects.for_organisation(self.organisation), pk=self.kwargs["pk"]
            )
        return self.object

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        establishment = self.get_object()
        kwargs["registered_office"] = establishment.is_registered_office
        kwargs["initial"] = {
            **{name: getattr(establishment, name) for name in FORM_FIELDS},
            "version": establishment.version,
        }
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(object=self.get_object(), **kwargs)

    def form_valid(self, form):
        establishment = self.get_object()
        version = form.cleaned_data.get("version") or establishment.version
        try:
            establishment_update(
                establishment=establishment,
                data=form.cleaned_data,
                expected_version=version,
                user=self.request.user,
            )
        except ConflictError as conflict:
            form.data = form.data.copy()
            form.data["version"] = conflict.current.version
            return self.render_to_response(self.get_context_data(form=form, conflict=conflict))
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("De vestiging is gewijzigd."))
        return redirect("establishments:detail", pk=establishment.pk)


class EstablishmentActivationView(ProviderAccessMixin, View):
    """POST only: deactivate (or reactivate) an establishment; never the registered office."""

    http_method_names = ["post"]
    activate = False

    def post(self, request, pk):
        establishment = get_object_or_404(
            Establishment.objects.for_organisation(self.organisation), pk=pk
        )
        try:
            if self.activate:
                establishment_reactivate(establishment=establishment, user=request.user)
                messages.success(request, _("De vestiging is opnieuw actief."))
            else:
                establishment_deactivate(establishment=establishment, user=request.user)
                messages.success(request, _("De vestiging is gedeactiveerd."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("establishments:detail", pk=establishment.pk)
