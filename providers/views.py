"""2.2 "Dienstverleners aanmelden en beheren": the overview, the detail page, the
two-step "Mijn gegevens" wizard and the "Wijzigingshistoriek".

The wizard keeps what was typed in step 1 (and step 2, when going back) in
the session, keyed by the provider's id, and writes nothing until WIJZIG on
step 2: then both steps are saved by one service call in one transaction.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView, TemplateView

from core import validators
from core.drafts import SessionDraft
from core.idempotency import submission_token, submit_once
from core.locking import ConflictError
from portal.access import ProviderAccessMixin
from portal.oidc.views import SESSION_AUTH_TIME, reauthentication_url
from providers.forms import BANK_ACCOUNT_HELP, ServiceProviderStep1Form, ServiceProviderStep2Form
from providers.models import ServiceProvider
from providers.selectors import (
    bank_account_change_pending,
    organisation_history,
    service_provider_list,
)
from providers.services import service_provider_save

SESSION_WIZARD = "provider_wizard"

EXPLANATION = _(
    "De maatschappelijke zetel moet de dienstverlener(s) aanmelden. Na aanmelding kan door de "
    "maatschappelijke zetel een registratie aangevraagd worden voor de dienstverlener via "
    "'registraties beheren'."
)


def signed_in_at(request):
    """When the person last signed in at the OP (the verified ID token's auth_time), or None."""
    auth_time = request.session.get(SESSION_AUTH_TIME)
    return auth_time if isinstance(auth_time, int | float) else None


def recently_signed_in(request):
    auth_time = signed_in_at(request)
    if auth_time is None:
        return False
    return time.time() - auth_time <= settings.BANK_ACCOUNT_REAUTH_SECONDS


class ServiceProviderListView(ProviderAccessMixin, ListView):
    """ "Dienstverleners: overzicht": the organisation's service providers, MZ first."""

    model = ServiceProvider
    template_name = "providers/serviceprovider_list.html"
    paginate_by = 50
    menu_key = "dienstverleners"

    def get_queryset(self):
        return service_provider_list(organisation=self.organisation)

    def get_context_data(self, **kwargs):
        return super().get_context_data(explanation=EXPLANATION, **kwargs)


class ServiceProviderDetailView(ProviderAccessMixin, DetailView):
    """All company data of one service provider, with the pending bank account."""

    model = ServiceProvider
    template_name = "providers/serviceprovider_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("legal_form")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            pending_change=bank_account_change_pending(service_provider=self.object),
            vakgebieden=self.object.vakgebieden.all(),
            **kwargs,
        )


class HistoryView(ProviderAccessMixin, TemplateView):
    """ "Wijzigingshistoriek": who changed which company data and establishments, when."""

    template_name = "providers/history.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(entries=organisation_history(self.organisation), **kwargs)


class WizardMixin(ProviderAccessMixin):
    """The service provider being edited (None for a new one) and its draft in the session."""

    def dispatch(self, request, *args, **kwargs):
        self.provider = None
        return super().dispatch(request, *args, **kwargs)

    def get_provider(self):
        if "pk" not in self.kwargs:
            return None
        provider = (
            ServiceProvider.objects.for_organisation(self.organisation)
            .select_related("legal_form")
            .filter(pk=self.kwargs["pk"])
            .first()
        )
        if provider is None:
            raise Http404
        return provider

    @property
    def draft(self):
        """What was typed in step 1 ("step1") and step 2 ("step2") so far."""
        key = self.provider.pk if self.provider else "new"
        return SessionDraft(self.request.session, SESSION_WIZARD, key)

    def step_url(self, step, resume=False):
        if self.provider:
            url = reverse(f"providers:company-step-{step}", kwargs={"pk": self.provider.pk})
        else:
            url = reverse(f"providers:create-step-{step}")
        return f"{url}?hervat=1" if resume else url

    def iban_changes(self, step1_data):
        """True when the typed account differs from the active one (a bank account change)."""
        iban = validators.normalise_iban(step1_data.get("iban"))
        if not iban:
            return False
        active = self.provider.iban if self.provider else ""
        return iban != active

    def reauthentication_redirect(self, next_url):
        messages.info(
            self.request,
            _(
                "Voor een wijziging van het rekeningnummer moet u zich opnieuw aanmelden. "
                "Wat u hebt ingevuld, blijft bewaard."
            ),
        )
        return redirect(
            reauthentication_url(next_url, max_age=settings.BANK_ACCOUNT_REAUTH_SECONDS)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["provider"] = self.provider
        if self.provider is None:
            # Creating a provider: saving twice (a double click) creates one.
            context["submission_token"] = submission_token(self.request)
        context["pending_change"] = (
            bank_account_change_pending(service_provider=self.provider) if self.provider else None
        )
        return context


class CompanyStep1View(WizardMixin, TemplateView):
    """ "Mijn gegevens: stap 1". Valid input goes to the session, then to step 2.

    Changing the IBAN needs a recent sign-in; otherwise the person signs in again
    first and comes back to step 2 with the input kept.
    """

    template_name = "providers/serviceprovider_step1.html"

    def initial(self):
        provider = self.provider
        if provider is None:
            organisation = self.organisation
            return {
                "country": "BE",
                "kbo_number": organisation.kbo_number,
                "legal_form": organisation.legal_form_id,
            }
        initial = {name: getattr(provider, name) for name in ServiceProviderStep1Form.base_fields}
        initial["legal_form"] = provider.legal_form_id
        return initial

    def get(self, request, *args, **kwargs):
        self.provider = self.get_provider()
        stored = self.draft.get()
        if request.GET.get("hervat") and stored and "step1" in stored:
            form = ServiceProviderStep1Form(data=stored["step1"], initial=self.initial())
        else:
            self.draft.clear()
            form = ServiceProviderStep1Form(initial=self.initial())
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        self.provider = self.get_provider()
        form = ServiceProviderStep1Form(data=request.POST, initial=self.initial())
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        data = {name: form.data.get(name, "") for name in form.fields}
        data["bic"] = form.cleaned_data["bic"] or ""
        if self.provider and form.cleaned_data["version"] is None:
            data["version"] = self.provider.version
        self.draft.update(step1=data)
        if self.iban_changes(form.cleaned_data) and not recently_signed_in(request):
            return self.reauthentication_redirect(self.step_url(2, resume=True))
        return redirect(self.step_url(2, resume=True))

    def get_context_data(self, **kwargs):
        return super().get_context_data(bank_account_help=BANK_ACCOUNT_HELP, **kwargs)


class CompanyStep2View(WizardMixin, TemplateView):
    """ "Mijn gegevens: stap 2". TERUG keeps both steps' input; WIJZIG saves both at once.

    On a conflict (someone else saved since step 1 was loaded) the page lists
    what they changed and keeps the input; a second WIJZIG then saves it over
    the new version, knowingly.
    """

    template_name = "providers/serviceprovider_step2.html"

    def initial(self):
        if self.provider is None:
            return {}
        return {
            "vakgebieden": list(self.provider.vakgebieden.values_list("pk", flat=True)),
            "description": self.provider.description,
        }

    def step1_form(self):
        stored = self.draft.get() or {}
        if "step1" not in stored:
            return None
        return ServiceProviderStep1Form(data=stored["step1"])

    def get(self, request, *args, **kwargs):
        self.provider = self.get_provider()
        if self.step1_form() is None:
            return redirect(self.step_url(1))
        stored = self.draft.get()
        if request.GET.get("hervat") and "step2" in stored:
            form = ServiceProviderStep2Form(data=self._step2_data(stored["step2"]))
        else:
            form = ServiceProviderStep2Form(initial=self.initial())
        return self.render_to_response(self.get_context_data(form=form))

    @staticmethod
    def _step2_data(values):
        data = QueryDict(mutable=True)
        data.setlist("vakgebieden", values.get("vakgebieden", []))
        data["description"] = values.get("description", "")
        return data

    def post(self, request, *args, **kwargs):
        self.provider = self.get_provider()
        step1 = self.step1_form()
        if step1 is None:
            return redirect(self.step_url(1))
        self.draft.update(
            step2={
                "vakgebieden": request.POST.getlist("vakgebieden"),
                "description": request.POST.get("description", ""),
            }
        )
        if "terug" in request.POST:
            return redirect(self.step_url(1, resume=True))
        if not step1.is_valid():
            return redirect(self.step_url(1, resume=True))
        form = ServiceProviderStep2Form(data=request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        if self.iban_changes(step1.cleaned_data) and not recently_signed_in(request):
            return self.reauthentication_redirect(self.step_url(2, resume=True))
        return self.save(step1, form)

    def save(self, step1, form):
        previous_pending = self.provider and bank_account_change_pending(
            service_provider=self.provider
        )
        try:
            with submit_once(self.request) as submission:
                if submission.earlier_url:
                    self.draft.clear()
                    return submission.redirect_to_earlier(
                        _("Deze dienstverlener was al aangemaakt.")
                    )
                provider = service_provider_save(
                    service_provider=self.provider,
                    organisation=self.organisation,
                    step1_data=step1.cleaned_data,
                    step2_data=form.cleaned_data,
                    expected_version=step1.cleaned_data.get("version"),
                    user=self.request.user,
                )
                submission.done(reverse("providers:detail", kwargs={"pk": provider.pk}))
        except ConflictError as conflict:
            step1_data = {**self.draft.get()["step1"], "version": conflict.current.version}
            self.draft.update(step1=step1_data)
            return self.render_to_response(self.get_context_data(form=form, conflict=conflict))
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.render_to_response(self.get_context_data(form=form))
        self.draft.clear()
        messages.success(self.request, _("De gegevens zijn opgeslagen."))
        pending = bank_account_change_pending(service_provider=provider)
        if pending and (previous_pending is None or pending.pk != previous_pending.pk):
            messages.info(
                self.request,
                _(
                    "Het nieuwe rekeningnummer %(account)s is in behandeling: het agentschap "
                    "controleert het eerst. Tot dan betalen we op het huidige rekeningnummer. "
                    "U krijgt een e-mail."
                )
                % {"account": pending.new_iban_masked},
            )
        return redirect("providers:detail", pk=provider.pk)
