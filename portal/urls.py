from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from portal import errors, health, metrics, views
from portal.oidc.views import PortalLogoutView

portal_patterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("gezondheid/", views.HealthView.as_view(), name="health"),
    path("gereed/", health.ReadinessView.as_view(), name="readiness"),
    path("aangemeld/", views.AfterLoginView.as_view(), name="after-login"),
    path("dienstverlener/", views.ProviderMenuView.as_view(), name="provider-menu"),
    path(
        "dienstverlener/organisatie/",
        views.ChooseOrganisationView.as_view(),
        name="choose-organisation",
    ),
    path("dienstverlener/account/", views.AccountView.as_view(), name="account"),
    path("kmo/", views.SMEHomeView.as_view(), name="sme-home"),
    path(
        "kmo/organisatie/",
        views.SMEChooseOrganisationView.as_view(),
        name="sme-choose-organisation",
    ),
]

urlpatterns = [
    path("", include((portal_patterns, "portal"))),
    path("favicon.ico", views.favicon, name="favicon"),
    # Before mozilla's own logout under the same path and name: it says "U bent afgemeld".
    path("oidc/logout/", PortalLogoutView.as_view(), name="oidc_logout"),
    path("oidc/", include("mozilla_django_oidc.urls")),
    path("dienstverlener/registraties/", include("registrations.urls")),
    path("dienstverlener/dienstverleners/", include("providers.urls")),
    path("dienstverlener/vestigingen/", include("establishments.urls")),
    path("dienstverlener/projecten/", include("projects.urls")),
    path("kmo/dossiers/", include("projects.sme_urls")),
    path("zoeken/", include("directory.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Prometheus' conventional path; answers only on an internal address (portal/metrics.py).
    path("metrics", metrics.metrics, name="metrics"),
]

if settings.STANDIN_ENABLED:
    urlpatterns += [path("standin/", include("standin.urls"))]

# Dutch (and English) error pages in the portal's look; see portal.errors.
handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
