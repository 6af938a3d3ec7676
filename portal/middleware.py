"""The portal's middleware: the session lifetime (an idle timeout and an absolute lifetime
for signed-in users) and the security headers (CSP, Permissions-Policy, no-store)."""

import logging
import time
from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

LOGGER = logging.getLogger(__name__)

SESSION_STARTED_AT = "portal_session_started_at"
SESSION_LAST_ACTIVITY = "portal_session_last_activity"
# Writing the session on every request is wasteful; the idle clock may lag this much.
ACTIVITY_GRANULARITY_SECONDS = 15


def mark_session_start(session, now=None):
    now = time.time() if now is None else now
    session[SESSION_STARTED_AT] = now
    session[SESSION_LAST_ACTIVITY] = now


class SessionLifetimeMiddleware:
    """Ends a signed-in session after SESSION_IDLE_TIMEOUT seconds without a
    request, or SESSION_ABSOLUTE_LIFETIME seconds after sign-in.

    The user is logged out and sent to the home page with a message that says
    no more than that the session has expired. Must come after the
    authentication and message middleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            response = self._check(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _check(self, request):
        session = request.session
        now = time.time()
        started = session.get(SESSION_STARTED_AT)
        last = session.get(SESSION_LAST_ACTIVITY)
        if not isinstance(started, int | float) or not isinstance(last, int | float):
            # Signed in some other way (the admin): the clock starts now.
            mark_session_start(session, now)
            return None
        idle = now - last > settings.SESSION_IDLE_TIMEOUT
        if idle or now - started > settings.SESSION_ABSOLUTE_LIFETIME:
            LOGGER.info(
                "Session of user %s expired (%s)", request.user.pk, "idle" if idle else "absolute"
            )
            logout(request)
            if request.method == "GET" and request.path == reverse("oidc_authentication_init"):
                # The person is signing in again anyway: let them.
                return None
            messages.info(request, _("Uw sessie is verlopen. Meld u opnieuw aan."))
            return redirect("portal:home")
        if now - last >= ACTIVITY_GRANULARITY_SECONDS:
            session[SESSION_LAST_ACTIVITY] = now
        return None


def _origin(url):
    """scheme://host[:port] of an absolute URL, or None."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the OP's origin in form-action.

    Signing out is a form posted to the portal that redirects to the OP's logout
    endpoint, and browsers apply form-action to that redirect too. The OP's address
    is read from the settings at every response, as portal.oidc reads it.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only:
            return parts
        origins = {
            _origin(settings.OIDC_OP_AUTHORIZATION_ENDPOINT),
            _origin(settings.OIDC_OP_LOGOUT_ENDPOINT),
        } - {None}
        if origins:
            update = dict(parts.update or {})
            update["form-action"] = [*update.get("form-action", []), *sorted(origins)]
            parts.update = update
        return parts


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response, and no caching of what is personal.

    A response to someone who is signed in (before or after the view: signing in and
    out count) or under NO_STORE_PATH_PREFIXES gets Cache-Control: no-store (with
    Django's never-cache headers and Pragma for HTTP/1.0 caches), so that neither the
    browser's history nor a shared proxy keeps a copy. Must come after the
    authentication middleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = ", ".join(
            f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DISABLED
        )

    def __call__(self, request):
        signed_in = request.user.is_authenticated
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.permissions_policy)
        if (
            signed_in
            or request.user.is_authenticated
            or request.path_info.startswith(tuple(settings.NO_STORE_PATH_PREFIXES))
        ):
            add_never_cache_headers(response)
            response["Pragma"] = "no-cache"
        return response
