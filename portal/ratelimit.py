"""Per-IP rate limits (django-ratelimit): whose address counts, the limits, the 429 page.

Limited: the public search (directory.views), the sign-in's start and callback
(portal.oidc.views) and the stand-in's sign-in (standin.views).

The counters live in the cache named by RATELIMIT_USE_CACHE (settings): it must
be shared by every worker process, or each process would count on its own.
"""

import ipaddress

from django.conf import settings
from django.shortcuts import render

RETRY_AFTER_SECONDS = 60


def client_ip(request):
    """The visitor's address, the one rate limits count against.

    Behind the reverse proxy (DJANGO_BEHIND_PROXY) REMOTE_ADDR is the proxy
    itself; the visitor is the last address that proxy appended to
    X-Forwarded-For. Addresses further left were sent by the visitor and can be
    forged, so they are never used.
    """
    if settings.BEHIND_PROXY:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        if forwarded and forwarded[-1]:
            try:
                return str(ipaddress.ip_address(forwarded[-1]))
            except ValueError:
                pass
    return request.META["REMOTE_ADDR"]


def directory_rate(group, request):
    """The public search's limit, read at every request so that tests can change it."""
    return settings.DIRECTORY_RATE_LIMIT


def sign_in_rate(group, request):
    """The limit of the sign-in's start and callback (portal.oidc.views), each."""
    return settings.SIGN_IN_RATE_LIMIT


def rate_limited(request, exception):
    """RATELIMIT_VIEW: 429 with a Dutch page and when to try again; a search is sent
    back to the search page, anything else to the home page."""
    match = request.resolver_match
    context = {"search": match is not None and match.namespace == "directory"}
    response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
