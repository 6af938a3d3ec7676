"""Views of the ACM/IDM stand-in: start page, sign-in, the OIDC authorize step, IDM."""

import base64
import binascii
import json
import re
import time
from urllib.parse import parse_qsl, urlencode, urlparse, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, ListView, TemplateView, View
from django_ratelimit.decorators import ratelimit
from oauth2_provider.models import get_application_model
from oauth2_provider.views import AuthorizationView

from core import validators
from core.dates import add_years
from core.drafts import SessionDraft
from standin import demo, forms, services
from standin import validators as national_numbers
from standin.models import (
    USER_RIGHT_MAX_YEARS,
    WORK_RELATIONSHIP_MAX_YEARS,
    HistoryEntry,
    Person,
    SignInMethod,
    UserRight,
    WorkRelationship,
    today,
)
from standin.oidc import person_for_user
from standin.selectors import administered_organisations

SESSION_METHOD = "standin_sign_in_method"
SESSION_AUTH_TIME = "standin_auth_time"
SESSION_ADD_USER = "standin_add_user"
SIGN_IN_URL = reverse_lazy("standin:sign-in")


def _safe_next(request, default):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _without_parameter(url, name):
    parsed = urlparse(url)
    query = [(key, value) for key, value in parse_qsl(parsed.query) if key != name]
    return parsed._replace(query=urlencode(query)).geturl()


def parse_login_hint(value):
    """The KBO number of ACM's targeted login hint, base64 of
    {"cap_hint": "EA", "code_hint": "<KBO>"}, or None when absent or unreadable."""
    if not value:
        return None
    # A '+' of standard base64 arrives as a space when the client did not escape it.
    text = value.strip().replace(" ", "+")
    try:
        data = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (ValueError, binascii.Error):
        return None
    if not isinstance(data, dict):
        return None
    try:
        return validators.normalise_kbo_number(data.get("code_hint", ""))
    except ValidationError:
        return None


def client_origins():
    """The origins of the registered clients' redirect and post-logout URIs."""
    origins = set()
    for uris in get_application_model().objects.values_list(
        "redirect_uris", "post_logout_redirect_uris"
    ):
        for uri in " ".join(uris).split():
            parts = urlsplit(uri)
            if parts.scheme in ("http", "https") and parts.netloc:
                origins.add(f"{parts.scheme}://{parts.netloc}")
    return sorted(origins)


class ClientFormActionMixin:
    """A form of the stand-in that ends at a client on another host name (signing in
    ends at the portal's callback): browsers hold the redirects after a form to the
    page's CSP form-action, so these pages also allow the registered clients' origins.
    (django-csp reads response._csp_update, which its csp_update decorator sets.)"""

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        response._csp_update = {"form-action": client_origins()}
        return response


# --- Start page and sign-in ------------------------------------------------------


class StartView(TemplateView):
    template_name = "standin/start.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            demo_people=[
                {
                    **entry,
                    "masked": national_numbers.mask_national_number(entry["national_number"]),
                }
                for entry in demo.DEMO_PEOPLE
            ],
            **kwargs,
        )


class SignInChoiceView(TemplateView):
    """Kies manier van aanmelden: the five methods of ACM, each a link to the check."""

    template_name = "standin/sign_in_choice.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            methods=SignInMethod.choices,
            next=_safe_next(self.request, ""),
            last_method=self.request.session.get(SESSION_METHOD),
            **kwargs,
        )


def sign_in_rate(group, request):
    """STANDIN_SIGN_IN_RATE_LIMIT, read at every request so that tests can change it."""
    return settings.STANDIN_SIGN_IN_RATE_LIMIT


# Signing in, per IP address, like ACM would: beyond the limit the portal's 429 page
# (RATELIMIT_VIEW). Only the POST signs anyone in.
@method_decorator(
    ratelimit(group="standin-sign-in", key="ip", rate=sign_in_rate, method="POST", block=True),
    name="post",
)
class SignInCheckView(ClientFormActionMixin, FormView):
    """The simulated identity check: the person is chosen instead of proven.

    Signing in always starts a fresh stand-in session, which is how prompt=login
    and max_age get a new auth_time.
    """

    template_name = "standin/sign_in_check.html"
    form_class = forms.SignInForm

    def dispatch(self, request, *args, **kwargs):
        if kwargs["method"] not in SignInMethod.values:
            raise Http404
        self.method = SignInMethod(kwargs["method"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        people = Person.objects.prefetch_related(
            Prefetch(
                "work_relationships",
                queryset=WorkRelationship.objects.select_related("organisation"),
            )
        )
        return super().get_context_data(
            method=self.method, people=people, next=_safe_next(self.request, ""), **kwargs
        )

    def form_valid(self, form):
        person = form.cleaned_data["person"]
        user = services.person_sign_in(person=person, method=self.method.value)
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        self.request.session[SESSION_METHOD] = self.method.value
        self.request.session[SESSION_AUTH_TIME] = int(time.time())
        return HttpResponseRedirect(_safe_next(self.request, reverse("standin:home")))


class SignOutView(View):
    def post(self, request):
        logout(request)
        return redirect("standin:home")


class StandinAuthorizationView(ClientFormActionMixin, AuthorizationView):
    """DOT's authorize endpoint, signing in at the stand-in rather than at LOGIN_URL
    (which is the portal's own OIDC login: that would loop).

    Adds what ACM does on top of OIDC: max_age forces a new sign-in, and a
    login_hint chooses the organisation of the token. With prompt=none, where a
    sign-in would be asked, the client gets login_required instead.
    """

    login_url = SIGN_IN_URL

    def get(self, request, *args, **kwargs):
        person = person_for_user(request.user)
        too_old = person is not None and self._sign_in_too_old(request)
        if (person is None or too_old) and "none" in request.GET.get("prompt", "").split():
            # OIDC Core §3.1.2.6: prompt=none shows no page. DOT's answer to a visitor
            # nobody signed in (also someone signed in at the portal but not here):
            # login_required, with the state, to the client's registered redirect URI.
            return self.handle_no_permission()
        if person is None:
            return redirect_to_login(request.get_full_path(), self.get_login_url())
        if too_old:
            return redirect_to_login(
                _without_parameter(request.get_full_path(), "max_age"), self.get_login_url()
            )
        services.person_request_organisation(
            person=person, kbo_number=parse_login_hint(request.GET.get("login_hint"))
        )
        return super().get(request, *args, **kwargs)

    @staticmethod
    def _sign_in_too_old(request):
        max_age = request.GET.get("max_age", "")
        # [0-9], not isdigit(): "²" is a digit that int() refuses.
        if not re.fullmatch(r"[0-9]{1,9}", max_age):
            return False
        signed_in_at = request.session.get(SESSION_AUTH_TIME)
        if signed_in_at is None:
            return True
        return time.time() - signed_in_at > int(max_age)


# --- IDM (Gebruikersbeheer) --------------------------------------------------------


class StandinLoginRequiredMixin:
    """Requires a stand-in sign-in (a Person behind the user); sets `self.actor`."""

    def dispatch(self, request, *args, **kwargs):
        self.actor = person_for_user(request.user)
        if self.actor is None:
            return redirect_to_login(request.get_full_path(), SIGN_IN_URL)
        self.setup_access(**kwargs)
        return super().dispatch(request, *args, **kwargs)

    def setup_access(self, **kwargs):
        pass

    def get_context_data(self, **kwargs):
        return super().get_context_data(actor=self.actor, **kwargs)


class OrganisationAdminMixin(StandinLoginRequiredMixin):
    """Resolves the organisation from the URL once, among those the signed-in person
    administers: any other organisation is a 404, whether it exists or not."""

    def setup_access(self, **kwargs):
        self.organisation = get_object_or_404(
            administered_organisations(self.actor), kbo_number=kwargs["kbo"]
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(organisation=self.organisation, **kwargs)


class PersonMixin(OrganisationAdminMixin):
    """Adds the managed person and their work relationship with the organisation."""

    def setup_access(self, **kwargs):
        super().setup_access(**kwargs)
        self.work_relationship = get_object_or_404(
            WorkRelationship.objects.select_related("person", "organisation"),
            organisation=self.organisation,
            person__uuid=kwargs["person"],
        )
        self.subject = self.work_relationship.person

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            subject=self.subject, work_relationship=self.work_relationship, **kwargs
        )

    def person_url(self):
        return reverse(
            "standin:idm-person", args=[self.organisation.kbo_number, self.subject.uuid]
        )


class UserRightMixin(PersonMixin):
    def setup_access(self, **kwargs):
        super().setup_access(**kwargs)
        self.user_right = get_object_or_404(self.work_relationship.rights, pk=kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(user_right=self.user_right, **kwargs)


class IdmHomeView(StandinLoginRequiredMixin, TemplateView):
    """Hieronder moet u kiezen voor welke organisatie u precies wilt werken."""

    template_name = "standin/idm/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            administered=administered_organisations(self.actor),
            represented=self.actor.represented_organisations.order_by("name"),
            **kwargs,
        )


class AppointAdministratorView(StandinLoginRequiredMixin, FormView):
    """A legal representative appoints a local administrator for their organisation."""

    template_name = "standin/idm/appoint_administrator.html"
    form_class = forms.AppointAdministratorForm

    def setup_access(self, **kwargs):
        self.organisation = get_object_or_404(
            self.actor.represented_organisations, kbo_number=kwargs["kbo"]
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            organisation=self.organisation,
            administrators=self.organisation.local_administrators.select_related("person"),
            **kwargs,
        )

    def form_valid(self, form):
        person = form.cleaned_data["person"]
        if person is None:
            number = form.cleaned_data["national_number"]
            person = services.person_create(
                actor=self.actor,
                organisation=self.organisation,
                national_number=number,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                birth_date=national_numbers.birth_date_from_national_number(number),
                sex=_sex_from_national_number(number),
            )
        services.local_administrator_appoint(
            organisation=self.organisation, person=person, appointed_by=self.actor
        )
        messages.success(
            self.request, _("%(name)s is nu lokale beheerder.") % {"name": person.full_name}
        )
        return redirect("standin:idm-appoint", self.organisation.kbo_number)


def _sex_from_national_number(number):
    # The sequence number (digits 7-9) is odd for men and even for women.
    return Person.Sex.MALE if int(number[6:9]) % 2 else Person.Sex.FEMALE


class OrganisationView(OrganisationAdminMixin, ListView):
    """The persons of the organisation, rijksregisternummer masked."""

    template_name = "standin/idm/organisation.html"
    context_object_name = "people"
    paginate_by = 50

    def get_queryset(self):
        return Person.objects.for_organisation(self.organisation).prefetch_related(
            Prefetch(
                "work_relationships",
                queryset=WorkRelationship.objects.filter(
                    organisation=self.organisation
                ).prefetch_related("rights"),
                to_attr="relationships_here",
            )
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(today=today(), **kwargs)


class OrganisationHistoryView(OrganisationAdminMixin, ListView):
    template_name = "standin/idm/history.html"
    context_object_name = "entries"
    paginate_by = 50

    def get_queryset(self):
        return self.organisation.history.select_related("person", "actor")


class AddUserDraftMixin(OrganisationAdminMixin):
    """The add-user wizard's input so far, kept in the session per organisation."""

    @property
    def draft(self):
        return SessionDraft(self.request.session, SESSION_ADD_USER, self.kwargs["kbo"])


class AddUserStep1View(AddUserDraftMixin, FormView):
    """Voeg gebruiker toe – Stap 1 van 3: Geef Identificatienummer op."""

    template_name = "standin/idm/add_user.html"
    form_class = forms.AddUserStep1Form

    def get_context_data(self, **kwargs):
        return super().get_context_data(step=1, **kwargs)

    def form_valid(self, form):
        number = form.cleaned_data["national_number"]
        person = Person.objects.filter(national_number=number).first()
        if person and person.work_relationships.filter(organisation=self.organisation).exists():
            form.add_error(
                "national_number", _("Deze persoon heeft al een werkrelatie met deze organisatie.")
            )
            return self.form_invalid(form)
        self.draft.save(
            {"national_number": number, "person": str(person.uuid) if person else None}
        )
        # A known person's details come from the register: no step 2.
        step = "standin:idm-add-user-3" if person else "standin:idm-add-user-2"
        return redirect(step, self.organisation.kbo_number)


class AddUserStateMixin(AddUserDraftMixin):
    """Reads the wizard's state from the session; without it, back to step 1."""

    def dispatch(self, request, *args, **kwargs):
        self.state = self.draft.get() or {}
        if not self.state:
            return redirect("standin:idm-add-user", kwargs["kbo"])
        return super().dispatch(request, *args, **kwargs)


class AddUserStep2View(AddUserStateMixin, FormView):
    """Voeg gebruiker toe – Stap 2 van 3: Geef details (pre-filled from the number)."""

    template_name = "standin/idm/add_user.html"
    form_class = forms.AddUserStep2Form

    def get_initial(self):
        number = self.state["national_number"]
        saved = self.state.get("person_data") or {}
        return {
            "birth_date": national_numbers.birth_date_from_national_number(number),
            "sex": _sex_from_national_number(number),
            **saved,
        }

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = Person(national_number=self.state["national_number"])
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(step=2, **kwargs)

    def form_valid(self, form):
        data = {
            key: value.isoformat() if hasattr(value, "isoformat") else value
            for key, value in form.cleaned_data.items()
        }
        self.draft.update(person_data=data)
        return redirect("standin:idm-add-user-3", self.organisation.kbo_number)


class AddUserStep3View(AddUserStateMixin, FormView):
    """Koppel gebruiker aan organisatie – Stap 3 van 3: Werkrelatie details.

    Person and work relationship are saved together, only now.
    """

    template_name = "standin/idm/add_user.html"
    form_class = forms.WorkRelationshipForm

    def setup_access(self, **kwargs):
        super().setup_access(**kwargs)
        self.person = None
        if self.state.get("person"):
            self.person = get_object_or_404(Person, uuid=self.state["person"])
        elif not self.state.get("person_data"):
            raise Http404

    def get_initial(self):
        begin = today()
        details = self.state.get("person_data") or {}
        return {
            "category": WorkRelationship.Category.PERMANENT,
            "begin_date": begin,
            "end_date": add_years(begin, WORK_RELATIONSHIP_MAX_YEARS),
            "phone": self.person.phone if self.person else details.get("phone", ""),
            "email": self.person.email if self.person else details.get("email", ""),
        }

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = WorkRelationship(organisation=self.organisation)
        return kwargs

    def get_context_data(self, **kwargs):
        details = self.state.get("person_data") or {}
        name = (
            self.person.full_name
            if self.person
            else (f"{details.get('first_name', '')} {details.get('last_name', '')}")
        )
        return super().get_context_data(step=3, new_person_name=name, **kwargs)

    def form_valid(self, form):
        person_data = None
        if self.person is None:
            person_data = {
                **self.state["person_data"],
                "national_number": self.state["national_number"],
            }
        try:
            relationship = services.person_add_to_organisation(
                actor=self.actor,
                organisation=self.organisation,
                person=self.person,
                person_data=person_data,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
            return self.form_invalid(form)
        self.draft.clear()
        messages.success(
            self.request,
            _("%(name)s is gekoppeld aan de organisatie. Ken nu het gebruikersrecht toe.")
            % {"name": relationship.person.full_name},
        )
        return redirect(
            "standin:idm-person", self.organisation.kbo_number, relationship.person.uuid
        )


class PersonView(PersonMixin, TemplateView):
    """Gegevens van gebruiker: the Werkrelatie tab."""

    template_name = "standin/idm/person.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            rights=self.work_relationship.rights.all(), today=today(), tab="relationship", **kwargs
        )


class PersonHistoryView(PersonMixin, ListView):
    """Gegevens van gebruiker: the Historiek tab."""

    template_name = "standin/idm/person_history.html"
    context_object_name = "entries"
    paginate_by = 50

    def get_queryset(self):
        return HistoryEntry.objects.filter(
            organisation=self.organisation, person=self.subject
        ).select_related("actor")

    def get_context_data(self, **kwargs):
        return super().get_context_data(tab="history", **kwargs)


class FormPageMixin:
    """Shared bits of the IDM form pages: title, submit label, cancel link."""

    template_name = "standin/idm/form.html"
    title = ""
    submit_label = _("Bewaar")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=self.title,
            submit_label=self.submit_label,
            cancel_url=self.person_url(),
            **kwargs,
        )


class WorkRelationshipUpdateView(FormPageMixin, PersonMixin, FormView):
    form_class = forms.WorkRelationshipForm
    title = _("Bewerk werkrelatie")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.work_relationship
        return kwargs

    def form_valid(self, form):
        services.work_relationship_update(
            actor=self.actor, work_relationship=self.work_relationship, **form.cleaned_data
        )
        messages.success(self.request, _("De werkrelatie is gewijzigd."))
        return redirect(self.person_url())


class ConfirmView(PersonMixin, TemplateView):
    """A confirmation page (GET) for an action done by POST."""

    template_name = "standin/idm/confirm.html"
    title = ""
    question = ""
    submit_label = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=self.title,
            question=self.question,
            submit_label=self.submit_label,
            cancel_url=self.person_url(),
            **kwargs,
        )


class WorkRelationshipExtendView(ConfirmView):
    title = _("Verleng werkrelatie en gebruikersrechten")
    question = _(
        "De werkrelatie loopt dan 10 jaar vanaf vandaag en elk gebruikersrecht 5 jaar "
        "(nooit langer dan de werkrelatie)."
    )
    submit_label = _("Verleng")

    def post(self, request, *args, **kwargs):
        services.work_relationship_extend(
            actor=self.actor, work_relationship=self.work_relationship
        )
        messages.success(request, _("De werkrelatie en de gebruikersrechten zijn verlengd."))
        return redirect(self.person_url())


class WorkRelationshipPauseView(PersonMixin, View):
    """Pauzeer or resume (POST only)."""

    def post(self, request, *args, **kwargs):
        paused = not self.work_relationship.paused
        services.work_relationship_set_paused(
            actor=self.actor, work_relationship=self.work_relationship, paused=paused
        )
        messages.success(
            request,
            _("De werkrelatie is gepauzeerd.") if paused else _("De werkrelatie is hervat."),
        )
        return redirect(self.person_url())


class WorkRelationshipRemoveView(ConfirmView):
    title = _("Verwijder werkrelatie")
    question = _("De werkrelatie en alle gebruikersrechten die erop steunen worden verwijderd.")
    submit_label = _("Verwijder")

    def post(self, request, *args, **kwargs):
        services.work_relationship_remove(
            actor=self.actor, work_relationship=self.work_relationship
        )
        messages.success(request, _("De werkrelatie is verwijderd."))
        return redirect("standin:idm-organisation", self.organisation.kbo_number)


class UserRightCreateView(FormPageMixin, PersonMixin, FormView):
    """Ken gebruikersrecht toe."""

    form_class = forms.UserRightForm
    title = _("Ken gebruikersrecht toe")
    submit_label = _("Bevestig")

    def get_initial(self):
        begin = max(today(), self.work_relationship.begin_date)
        return {
            "right": UserRight.Right.VLAIO_INKOM,
            "begin_date": begin,
            "end_date": min(
                add_years(begin, USER_RIGHT_MAX_YEARS), self.work_relationship.end_date
            ),
            "profile_provider": True,
        }

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = UserRight(work_relationship=self.work_relationship)
        return kwargs

    def form_valid(self, form):
        services.user_right_grant(
            actor=self.actor, work_relationship=self.work_relationship, **form.cleaned_data
        )
        messages.success(self.request, _("Het gebruikersrecht is toegekend."))
        return redirect(self.person_url())


class UserRightUpdateView(FormPageMixin, UserRightMixin, FormView):
    form_class = forms.UserRightForm
    title = _("Bewerk gebruikersrecht")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.user_right
        return kwargs

    def form_valid(self, form):
        services.user_right_update(
            actor=self.actor, user_right=self.user_right, **form.cleaned_data
        )
        messages.success(self.request, _("Het gebruikersrecht is gewijzigd."))
        return redirect(self.person_url())


class UserRightPauseView(UserRightMixin, View):
    def post(self, request, *args, **kwargs):
        paused = not self.user_right.paused
        services.user_right_set_paused(actor=self.actor, user_right=self.user_right, paused=paused)
        messages.success(
            request,
            _("Het gebruikersrecht is gepauzeerd.")
            if paused
            else _("Het gebruikersrecht is hervat."),
        )
        return redirect(self.person_url())


class UserRightRemoveView(UserRightMixin, ConfirmView):
    title = _("Verwijder gebruikersrecht")
    question = _("Het gebruikersrecht wordt verwijderd.")
    submit_label = _("Verwijder")

    def post(self, request, *args, **kwargs):
        services.user_right_remove(actor=self.actor, user_right=self.user_right)
        messages.success(request, _("Het gebruikersrecht is verwijderd."))
        return redirect(self.person_url())
