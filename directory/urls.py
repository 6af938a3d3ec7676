"""The public search ("directory"), mounted at /zoeken/ in portal.urls."""

from django.urls import path

from directory import views as public_views

app_name = "directory"

urlpatterns = [
    path("", public_views.DirectorySearchView.as_view(), name="search"),
    path(
        "dienstverlener/<int:pk>/",
        public_views.PublicProviderView.as_view(),
        name="detail",
    ),
]
