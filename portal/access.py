"""Who may open which page, and for which organisation.

Every provider-side view inherits ProviderAccessMixin (SME-side views
SMEAccessMixin). The mixin resolves the active organisation once per request,
from the session, checked against the user's memberships, and scopes querysets
to it. No view takes the organisation from a form field or a URL.
"""

import logging

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import urlencode

from organisations.models import Organisation
from portal.menu import provider_navigation
from portal.models import LapsedMembership, Membership

LOGGER = logging.getLogger(__name__)

# {profile: organisation pk}: one active organisation per profile.
SESSION_ACTIVE_ORGANISATIONS = "portal_active_organisations"

CHOOSE_URL_NAMES = {
    Membership.Profile.PROVIDER: "portal:choose-organisation",
    Membership.Profile.SME: "portal:sme-choose-organisation",
}


def organisations_for(user, profile):
    """The organisations `user` may act for in `profile`, by name."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.for_user(user, profile).order_by("name", "kbo_number")


def set_active_organisation(request, *, profile, organisation):
    active = dict(request.session.get(SESSION_ACTIVE_ORGANISATIONS) or {})
    active[str(profile)] = organisation.pk
    request.session[SESSION_ACTIVE_ORGANISATIONS] = active


def clear_active_organisations(request):
    request.session.pop(SESSION_ACTIVE_ORGANISATIONS, None)


def resolve_active_organisation(request, profile):
    """(active organisation or None, the user's organisations for `profile`).

    The session only remembers a choice; the membership is checked at every
    request, so a right revoked at the last login is not honoured from an
    older choice. With exactly one organisation that one is active.
    Memoised on the request: resolved once, however many callers ask.
    """
    cache = request.__dict__.setdefault("_portal_organisations", {})
    if profile in cache:
        return cache[profile]
    organisations = list(organisations_for(request.user, profile))
    active = None
    if organisations:
        chosen_pk = (request.session.get(SESSION_ACTIVE_ORGANISATIONS) or {}).get(str(profile))
        active = next((org for org in organisations if org.pk == chosen_pk), None)
        if active is None and len(organisations) == 1:
            active = organisations[0]
            set_active_organisation(request, profile=profile, organisation=active)
    cache[profile] = (active, organisations)
    return cache[profile]


def no_access_response(request, *, profile=Membership.Profile.PROVIDER):
    """The full "Geen toegang" page (HTTP 403) explaining how to get the right.

    Says which profile is missing and which other profiles the user does hold,
    following the three steps of seed 003.
    """
    user = request.user
    held, lapsed = [], []
    if user.is_authenticated:
        held = list(
            Membership.objects.filter(user=user)
            .select_related("organisation")
            .order_by("organisation__name", "profile")
        )
        # What the portal saw at earlier sign-ins (ACM only sends today's rights).
        lapsed = list(
            LapsedMembership.objects.filter(user=user, profile=profile)
            .select_related("organisation")
            .order_by("-missing_since", "organisation__name")
        )
    LOGGER.info("Access refused: no %s right", profile)
    context = {
        "required_profile": Membership.Profile(profile),
        "required_profile_label": Membership.Profile(profile).label,
        "memberships": held,
        "lapsed_memberships": lapsed,
        "ACCESS_MANAGEMENT_URL": settings.ACCESS_MANAGEMENT_URL,
        "login_url": resolve_url(settings.LOGIN_URL),
        # Signing in again re-reads the rights from ACM (after the administrator acted).
        "sign_in_again_url": "{}?{}".format(
            resolve_url(settings.LOGIN_URL), urlencode({"next": reverse("portal:after-login")})
        ),
    }
    return render(request, "portal/no_access.html", context, status=403)


class OrganisationAccessMixin:
    """Access check and organisation scoping shared by the provider and SME sides.

    - anonymous: redirect to the OIDC sign-in, coming back to this page;
    - signed in without a membership in `profile`: the "Geen toegang" page (403);
    - several organisations and none chosen in this session: redirect to the
      choice page (unless `requires_active_organisation` is False);
    - otherwise sets `self.organisation` and `request.organisation`, and
      `self.organisations` (all the user's organisations for the profile).

    `get_queryset()` filters through the queryset's `.for_organisation()`; a
    view over a model without it must say so with `organisation_scoped = False`,
    so that forgetting the scope fails loudly instead of leaking data.
    """

    profile = None
    requires_active_organisation = True
    organisation_scoped = True

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), resolve_url(settings.LOGIN_URL))
        self.organisation, self.organisations = resolve_active_organisation(request, self.profile)
        if not self.organisations:
            return no_access_response(request, profile=self.profile)
        if self.organisation is None and self.requires_active_organisation:
            choose_url = reverse(CHOOSE_URL_NAMES[self.profile])
            return redirect(f"{choose_url}?{urlencode({'next': request.get_full_path()})}")
        request.organisation = self.organisation
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        if not self.organisation_scoped:
            return queryset
        if not hasattr(queryset, "for_organisation"):
            raise ImproperlyConfigured(
                f"{type(self).__name__}: {queryset.model.__name__} has no for_organisation(); "
                "add it to the model's QuerySet or set organisation_scoped = False."
            )
        return queryset.for_organisation(self.organisation)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "organisation": self.organisation,
                "organisations": self.organisations,
                "other_organisations": [
                    org for org in self.organisations if org != self.organisation
                ],
                "active_profile": Membership.Profile(self.profile),
            }
        )
        return context


class ProviderAccessMixin(OrganisationAccessMixin):
    """For every provider-side view: profile "Dienstverlener kmo-portefeuille".

    Adds the provider navigation (templates/includes/provider_menu.html) to the
    context. See OrganisationAccessMixin for the checks.
    """

    profile = Membership.Profile.PROVIDER

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["provider_navigation"] = provider_navigation(self.request)
        return context


class SMEAccessMixin(OrganisationAccessMixin):
    """For SME-side views: profile "Gebruiker". See OrganisationAccessMixin."""

    profile = Membership.Profile.SME
