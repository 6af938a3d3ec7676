"""The public search ("directory"), mounted at /zoeken/ in portal.urls."""

from django.urls import path

from directory.views import DirectorySearchView, PublicProviderView

app_name = "directory"

urlpatterns = [
    path("", DirectorySearchView.as_view(), name="search"),
    path(
        "dienstverlener/<int:pk>/",
        PublicProviderView.as_view(),
        name="detail",
    ),
]
