from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from portal import views


portal_patterns = [
    path("", views.HomeView.as_view(), name="home"),
]

urlpatterns = [
    path("", include((portal_patterns, "portal"))),
    path("oidc/", include("mozilla_django_oidc.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if settings.STANDIN_ENABLED:
    urlpatterns += [path("standin/", include("portal.standin.urls"))]
