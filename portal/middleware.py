"""Session lifetime: an idle timeout and an absolute lifetime for signed-in users."""

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
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
