"""The URLconf of the stand-in as a service of its own (STANDIN_SERVICE, `make up`).

Its own process, database and host name serve only the stand-in: the portal reaches it
over HTTP, as it reaches ACM. The shared templates (base.html, the error pages) link to
a few of the portal's URL names; here those names lead to the stand-in's own pages, or
to the portal's search at PORTAL_BASE_URL.
"""

from django.conf import settings
from django.urls import include, path
from django.views.generic import RedirectView

from standin import views

portal_names = [path("", RedirectView.as_view(pattern_name="standin:home"), name="home")]
directory_names = [
    path(
        "zoeken/",
        RedirectView.as_view(url=f"{settings.PORTAL_BASE_URL}/zoeken/"),
        name="search",
    )
]

urlpatterns = [
    path("", include((portal_names, "portal"))),
    path("", include((directory_names, "directory"))),
    # The header's sign-out button: here it signs out of the stand-in.
    path("afmelden/", views.SignOutView.as_view(), name="oidc_logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("standin/", include("standin.urls")),
]
