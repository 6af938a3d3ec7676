from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView, View

from portal.access import (
    ProviderAccessMixin,
    SMEAccessMixin,
    no_access_response,
    organisations_for,
    set_active_organisation,
)
from portal.menu import PROVIDER_MENU, menu_item
from portal.models import Membership
from portal.oidc.views import SESSION_ACR, sme_login_url, targeted_login_url

# The sign-in methods ACM reports in `acr` (the stand-in uses these codes).
SIGN_IN_METHODS = {
    "eid": _("eID en kaartlezer"),
    "itsme": _("itsme"),
    "federal_token": _("Federaal token"),
    "app_code": _("Beveiligingscode via mobiele app"),
    "sms_code": _("Beveiligingscode via sms"),
}


class HealthView(View):
    """A liveness check for load balancers and monitoring: answers "ok" as long as
    the process serves requests.

    It touches neither the database nor the session, so it stays cheap and says
    nothing about the data; the benchmark also uses it as the trivial view against
    which the search page's throughput is compared.
    """

    def get(self, request):
        response = HttpResponse("ok", content_type="text/plain; charset=utf-8")
        response["Cache-Control"] = "no-store"
        return response


class HomeView(TemplateView):
    """The public home page with the portal's entry points.

    Both sign-in buttons start the same ACM sign-in; the enterprises' one asks
    to land on their applications ("Mijn steunaanvragen") instead of the menu.
    """

    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(sme_login_url=sme_login_url(), **kwargs)


class AfterLoginView(View):
    """Where the OIDC callback lands (settings.LOGIN_REDIRECT_URL).

    Provider right: the provider menu (which asks for the organisation first
    when there are several); only the SME profile: the SME page; no right: the
    "Geen toegang" page.
    """

    def get(self, request):
        user = request.user
        if not user.is_authenticated:
            return redirect(settings.LOGIN_URL)
        if organisations_for(user, Membership.Profile.PROVIDER).exists():
            return redirect("portal:provider-menu")
        if organisations_for(user, Membership.Profile.SME).exists():
            return redirect("portal:sme-home")
        return no_access_response(request, profile=Membership.Profile.PROVIDER)


class OrganisationChoiceForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=None,
        widget=forms.RadioSelect,
        label=_("Organisatie"),
        empty_label=None,
        error_messages={"required": _("Kies de organisatie waarvoor u wilt werken.")},
    )
    next = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = organisations
        field.label_from_instance = lambda org: f"{org.name} – {org.kbo_display}"


class ChooseOrganisationView(ProviderAccessMixin, FormView):
    """The "Kies de organisatie" page: the user holds the right for several organisations.

    The choice is kept in the session for the rest of the visit; switching
    later goes through a targeted sign-in at the OP (see AccountView).
    """

    template_name = "portal/choose_organisation.html"
    form_class = OrganisationChoiceForm
    requires_active_organisation = False

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["organisations"] = organisations_for(self.request.user, self.profile)
        kwargs["initial"] = {"organisation": self.organisation, "next": self._next_url()}
        return kwargs

    def _next_url(self):
        candidate = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if candidate and url_has_allowed_host_and_scheme(
            candidate,
            allowed_hosts={self.request.get_host()},
            require_https=self.request.is_secure(),
        ):
            return candidate
        return ""

    def form_valid(self, form):
        organisation = form.cleaned_data["organisation"]
        set_active_organisation(self.request, profile=self.profile, organisation=organisation)
        messages.success(
            self.request, _("U werkt nu voor %(name)s.") % {"name": organisation.name}
        )
        # Not redirect(): it would read a `next` without a slash as the name of a view.
        return HttpResponseRedirect(self._next_url() or reverse(self.success_url_name))

    success_url_name = "portal:provider-menu"


class SMEChooseOrganisationView(SMEAccessMixin, ChooseOrganisationView):
    """The same choice for the SME profile "Gebruiker"."""

    success_url_name = "portal:sme-home"


class MenuChoiceForm(forms.Form):
    bewerking = forms.ChoiceField(
        choices=[
            (
                item.key,
                format_lazy("{} {}", item.number, item.label) if item.number else item.label,
            )
            for item in PROVIDER_MENU
        ],
        widget=forms.RadioSelect,
        label=_("Duid een bewerking aan"),
        error_messages={"required": _("Duid een bewerking aan.")},
    )


class ProviderMenuView(ProviderAccessMixin, TemplateView):
    """The "Dienstverlener: menu" page (seed 000): a radio group and VERDER.

    The form is a GET to this same page, which redirects to the chosen page,
    so it works without JavaScript. "Verder" without a choice sends only the
    button's name: the form is then bound, so the page says what to do.
    """

    template_name = "portal/provider_menu.html"
    submit_name = "verder"

    def get(self, request, *args, **kwargs):
        submitted = "bewerking" in request.GET or self.submit_name in request.GET
        form = MenuChoiceForm(request.GET if submitted else None)
        if form.is_valid():
            return redirect(menu_item(form.cleaned_data["bewerking"]).url_name)
        return self.render_to_response(
            self.get_context_data(form=form, menu=PROVIDER_MENU, submit_name=self.submit_name)
        )


class AccountView(ProviderAccessMixin, TemplateView):
    """The "Login en paswoord wijzigen" page: with ACM there is no portal password.

    Shows who is signed in, how, for which organisation and profile, the
    switch to another organisation (a targeted sign-in at the OP) and the way
    to access management.
    """

    template_name = "portal/account.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        acr = self.request.session.get(SESSION_ACR) or ""
        here = self.request.path
        context.update(
            {
                "sign_in_method": SIGN_IN_METHODS.get(acr, acr),
                "profile_label": Membership.Profile.PROVIDER.label,
                "switch_options": [
                    {"organisation": org, "url": targeted_login_url(org, next_url=here)}
                    for org in context["other_organisations"]
                ],
                "switch_next": here,
                "ACCESS_MANAGEMENT_URL": settings.ACCESS_MANAGEMENT_URL,
            }
        )
        return context


class SMEHomeView(SMEAccessMixin, TemplateView):
    """The SME side's start page: links to "Nieuwe steunaanvraag", "Mijn steunaanvragen"
    (projects.sme_urls) and the public search."""

    template_name = "portal/sme_home.html"


def favicon(request):
    """/favicon.ico, which browsers (and the admin's pages) ask for unprompted: the SVG
    icon that base.html links, at its current (hashed) static URL."""
    return HttpResponseRedirect(static("img/favicon.svg"))
