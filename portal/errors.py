"""The error pages: 400, 403, 404, 500, and 503 when the database is unreachable.

Named in portal/urls.py (handler400, ...). They say what happened and what the
visitor can do, in the portal's look and language, and nothing else: no exception,
no path, no setting. The 404 and 403 pages are rendered like any page (with the
signed-in user in the header). The 400, 500 and 503 pages are rendered without the
request, as Django's own are: whatever broke (a malformed request, the database,
the session store) must not break the error page too. The 429 page is
portal.ratelimit's, the CSRF failure page templates/403_csrf.html.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from core.storage import StorageUnavailable

# Seconds after which a visitor may try again when the database is unreachable.
RETRY_AFTER_SECONDS = 60
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
# The same for the object storage of the private files (core.storage).
UNAVAILABLE = (*DATABASE_UNAVAILABLE, StorageUnavailable)


def _without_request(template_name, status):
    response = HttpResponse(render_to_string(template_name), status=status)
    response["Cache-Control"] = "no-store"
    return response


def bad_request(request, exception):
    """handler400: a malformed request (bad host header, too many fields, ...)."""
    return _without_request("400.html", 400)


def permission_denied(request, exception):
    """handler403."""
    return render(request, "403.html", status=403)


def page_not_found(request, exception):
    """handler404."""
    return render(request, "404.html", status=404)


def server_error(request):
    """handler500, for every exception no view handled (also those raised in middleware).

    When the database or the object storage cannot be reached (a connection refused or
    lost) the visitor
    gets the 503 page with Retry-After: the portal is not broken, only unavailable
    for a while. Django logs the exception either way.
    """
    if isinstance(sys.exc_info()[1], UNAVAILABLE):
        response = _without_request("503.html", 503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return _without_request("500.html", 500)
