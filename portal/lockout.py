"""Brute force on the admin's password login: django-axes, counted in the database.

The admin (/admin/login/) is the portal's only password login: providers and SMEs sign
in at ACM/IDM, whose start and callback are rate-limited per address instead
(portal.oidc.views). Axes counts failed admin logins in the database, shared by every
app server and independent of Redis, and after AXES_FAILURE_LIMIT failures within
AXES_COOLOFF_TIME refuses further logins

- for that username, from any address (guessing one staff member's password), and
- from that address, for any username (trying one password on many accounts),

with the Dutch page below (HTTP 429), the right password included, until the cool-off
has passed. A successful login clears the failures of its username and address.
Unknown usernames count like known ones, so the lockout tells nothing about who exists.

Staff are unlocked by waiting, or at once by a superuser: in the admin ("Axes" →
"Access attempts": delete the attempts of the username) or with `manage.py
axes_reset_username <username>` (`axes_reset_ip <address>` for an address).
"""

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.shortcuts import render

from portal import ratelimit


def client_ip(request):
    """AXES_CLIENT_IP_CALLABLE: the address rate limits count against, or None for a
    request that came from no client (`force_login` builds one without an address)."""
    if "REMOTE_ADDR" not in request.META:
        return None
    return ratelimit.client_ip(request)


class AdminLockoutBackend(AxesStandaloneBackend):
    """Axes' check before every authentication backend.

    Without a request there is no visitor to lock out (the test client's `login()`, a
    shell): axes itself would raise; this backend leaves the decision to the others.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class AdminLoginHandler(AxesDatabaseHandler):
    """Records only the admin's logins.

    AXES_ONLY_ADMIN_SITE limits where axes refuses, not what it counts: without this,
    a sign-in at the OP that the portal refuses (no rights) would count towards locking
    that address out of the admin, and every OIDC sign-in would clear its failures.
    """

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        if request is not None and self.is_admin_request(request):
            super().user_login_failed(sender, credentials, request, **kwargs)

    def user_logged_in(self, sender, request, user, **kwargs):
        if request is not None and self.is_admin_request(request):
            super().user_logged_in(sender, request, user, **kwargs)

    def user_logged_out(self, sender, request, user, **kwargs):
        if request is not None and self.is_admin_request(request):
            super().user_logged_out(sender, request, user, **kwargs)


def locked_out(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: 429 with a Dutch page and when to try again."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    context = {"minutes": seconds // 60, "failure_limit": settings.AXES_FAILURE_LIMIT}
    response = render(request, "portal/locked_out.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response
