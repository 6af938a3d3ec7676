from django.urls import path

from establishments import views

app_name = "establishments"

urlpatterns = [
    path("", views.EstablishmentListView.as_view(), name="list"),
    path("nieuw/", views.EstablishmentCreateView.as_view(), name="create"),
    path("<int:pk>/", views.EstablishmentDetailView.as_view(), name="detail"),
    path("<int:pk>/wijzigen/", views.EstablishmentUpdateView.as_view(), name="update"),
    path(
        "<int:pk>/deactiveren/",
        views.EstablishmentActivationView.as_view(),
        name="deactivate",
    ),
    path(
        "<int:pk>/activeren/",
        views.EstablishmentActivationView.as_view(activate=True),
        name="reactivate",
    ),
]
