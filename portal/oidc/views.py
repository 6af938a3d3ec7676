"""Signing in and out at the OP: the request and callback views, and their URLs.

The request view can target an organisation (ACM's login_hint, the "Wissel van
organisatie") and force a new sign-in (prompt=login, max_age); the callback
view ends every failure on a friendly page and keeps what a sign-in tells in
the session: the ID token (for the logout), how and when the person signed in,
and the organisation a targeted sign-in was for.
"""

import base64
import json
import logging
import re

import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
    OIDCLogoutView,
)

from portal.access import clear_active_organisations, set_active_organisation
from portal.middleware import mark_session_start
from portal.models import Membership
from portal.oidc import setting_property
from portal.ratelimit import sign_in_rate

LOGGER = logging.getLogger(__name__)

# mozilla-django-oidc's own key for the ID token (read by the logout URL).
SESSION_ID_TOKEN = "oidc_id_token"  # noqa: S105 - a session key, not a secret
SESSION_ACR = "portal_acr"
# When the person signed in at the OP (the ID token's auth_time, epoch seconds):
# sensitive changes such as a new bank account ask for a recent sign-in.
SESSION_AUTH_TIME = "portal_auth_time"
SESSION_LOGIN_TARGET = "portal_login_target"
# The `organisation` of a targeted sign-in: a KBO number as the portal stores it.
KBO_NUMBER = re.compile(r"[0-9]{10}")


def build_login_hint(kbo_number):
    """ACM's targeted login: base64 of {"cap_hint":"EA","code_hint":"<KBO>"}."""
    payload = json.dumps({"cap_hint": "EA", "code_hint": kbo_number}, separators=(",", ":"))
    return base64.b64encode(payload.encode()).decode()


def _sign_in_url(params):
    return f"{reverse('oidc_authentication_init')}?{urlencode(params)}"


def targeted_login_url(organisation, next_url=None):
    """Sign in again at the OP for `organisation` (the "Wissel van organisatie")."""
    params = {"organisation": organisation.kbo_number}
    if next_url:
        params["next"] = next_url
    return _sign_in_url(params)


def sme_login_url():
    """The enterprises' sign-in: the same ACM sign-in, landing on "Mijn steunaanvragen".

    mozilla-django-oidc keeps `next` in the session and redirects there after
    the callback; without it a sign-in lands on portal:after-login (the
    provider menu for a provider).
    """
    return _sign_in_url({"next": reverse("sme-projects:list")})


def reauthentication_url(next_url, max_age=None):
    """Make the person sign in again at the OP (prompt=login) before `next_url`.

    With `max_age` the OP only asks again when the last sign-in is older.
    """
    params = {"next": next_url}
    if max_age is None:
        params["prompt"] = "login"
    else:
        params["max_age"] = int(max_age)
    return _sign_in_url(params)


def _rate_limit(group):
    """SIGN_IN_RATE_LIMIT per IP address on a view's GET: the Dutch 429 page beyond it."""
    return method_decorator(
        ratelimit(group=group, key="ip", rate=sign_in_rate, block=True), name="get"
    )


@_rate_limit("oidc-sign-in")
class PortalAuthenticationRequestView(OIDCAuthenticationRequestView):
    """Starts the sign-in at the OP, optionally targeted or forcing re-authentication.

    Query parameters: `organisation` (a KBO number of one of the signed-in
    user's memberships; others are ignored) becomes ACM's login_hint;
    `prompt=login` and `max_age=<seconds>` are passed on.
    """

    OIDC_OP_AUTH_ENDPOINT = setting_property("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_RP_CLIENT_ID = setting_property("OIDC_RP_CLIENT_ID")

    def __init__(self, *args, **kwargs):
        # Not the parent's: it copies the settings, which the properties above read per use.
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    def get_extra_params(self, request):
        params = dict(super().get_extra_params(request))
        request.session.pop(SESSION_LOGIN_TARGET, None)
        kbo_number = request.GET.get("organisation", "")
        if kbo_number:
            if (
                KBO_NUMBER.fullmatch(kbo_number)
                and request.user.is_authenticated
                and Membership.objects.filter(
                    user=request.user, organisation__kbo_number=kbo_number
                ).exists()
            ):
                params["login_hint"] = build_login_hint(kbo_number)
                request.session[SESSION_LOGIN_TARGET] = kbo_number
            else:
                LOGGER.warning("Targeted sign-in ignored: not one of the user's organisations")
        if request.GET.get("prompt") == "login":
            params["prompt"] = "login"
        max_age = request.GET.get("max_age", "")
        # [0-9], not isdigit(): "²" is a digit that int() refuses.
        if re.fullmatch(r"[0-9]{1,7}", max_age):
            params["max_age"] = str(int(max_age))
        return params


@_rate_limit("oidc-callback")
class PortalAuthenticationCallbackView(OIDCAuthenticationCallbackView):
    """Completes the sign-in; every failure ends on a friendly page.

    A lost or replayed state (back button, two tabs, an expired session), an
    error from the OP, a refused token or an unreachable OP all show "Aanmelden
    is niet gelukt" (HTTP 400) with a button to sign in again. The log says
    why, without personal data.
    """

    def get(self, request):
        if request.GET.get("error"):
            error = request.GET["error"]
            LOGGER.warning(
                "Sign-in failed at the OP: %s",
                error if re.fullmatch(r"[a-z_]{1,40}", error) else "(unrecognised error)",
            )
        elif "state" in request.GET and request.GET["state"] not in (
            request.session.get("oidc_states") or {}
        ):
            LOGGER.warning("Sign-in callback with an unknown or already used state")
            return self.login_failure()
        try:
            return super().get(request)
        except SuspiciousOperation as error:
            LOGGER.warning("Sign-in refused: %s", error)
        except requests.RequestException as error:
            status = getattr(getattr(error, "response", None), "status_code", None)
            LOGGER.warning("Sign-in failed talking to the OP: %s %s", type(error).__name__, status)
        except ValueError as error:
            LOGGER.warning(
                "Sign-in failed: unreadable answer from the OP (%s)", type(error).__name__
            )
        return self.login_failure()

    def login_failure(self):
        context = {
            "cancelled": self.request.GET.get("error") == "access_denied",
            "login_url": reverse("oidc_authentication_init"),
        }
        return render(self.request, "portal/login_failed.html", context, status=400)

    def login_success(self):
        # Left on the request by the backend (portal.oidc.claims.PortalOIDCBackend).
        claims = getattr(self.request, "oidc_claims", {})
        id_token = getattr(self.request, "oidc_id_token", None)
        target = self.request.session.get(SESSION_LOGIN_TARGET)
        response = super().login_success()

        session = self.request.session
        session.pop(SESSION_LOGIN_TARGET, None)
        if getattr(settings, "OIDC_STORE_ID_TOKEN", False) and id_token:
            session[SESSION_ID_TOKEN] = id_token
        acr = claims.get("acr")
        session[SESSION_ACR] = acr[:100] if isinstance(acr, str) else ""
        auth_time = claims.get("auth_time")
        session[SESSION_AUTH_TIME] = auth_time if isinstance(auth_time, int | float) else None
        mark_session_start(session)

        clear_active_organisations(self.request)
        orgcode = claims.get("vo_orgcode")
        if target and orgcode:
            memberships = Membership.objects.filter(
                user=self.user, organisation__kbo_number=orgcode
            ).select_related("organisation")
            for membership in memberships:
                set_active_organisation(
                    self.request,
                    profile=membership.profile,
                    organisation=membership.organisation,
                )
            if memberships:
                # The "Wissel van organisatie" ends here: say where the person now works.
                messages.success(
                    self.request,
                    _("U werkt nu voor %(name)s.") % {"name": memberships[0].organisation.name},
                )
        LOGGER.info("User %s signed in", self.user.pk)
        return response


class PortalLogoutView(OIDCLogoutView):
    """Signs out here and at the OP, then says so on the home page.

    The message survives the flushed session: Django's message storage keeps
    it in a cookie first, which the browser brings back from the OP's logout.
    """

    def post(self, request):
        signed_in = request.user.is_authenticated
        response = super().post(request)
        if signed_in:
            messages.success(request, _("U bent afgemeld."))
        return response


def provider_logout_url(request):
    """RP-initiated logout at the OP (settings.OIDC_OP_LOGOUT_URL_METHOD).

    Called by mozilla's logout view before it ends the portal session; the OP
    ends its own session and sends the browser back to the portal's home.
    """
    home = request.build_absolute_uri(reverse("portal:home"))
    endpoint = settings.OIDC_OP_LOGOUT_ENDPOINT
    if not endpoint:
        return home
    params = {"post_logout_redirect_uri": home}
    id_token = request.session.get(SESSION_ID_TOKEN)
    if id_token:
        params["id_token_hint"] = id_token
    else:
        params["client_id"] = settings.OIDC_RP_CLIENT_ID
    separator = "&" if "?" in endpoint else "?"
    return f"{endpoint}{separator}{urlencode(params)}"
