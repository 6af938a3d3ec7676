"""The SME side of the subsidy dossiers, mounted at /kmo/dossiers/."""

from django.urls import path

from projects import views

app_name = "sme-projects"

urlpatterns = [
    path("", views.SMEProjectListView.as_view(), name="list"),
    path("nieuw/", views.ChooseProviderView.as_view(), name="choose-provider"),
    path("nieuw/<int:provider_pk>/", views.ApplicationFormView.as_view(), name="create"),
    path(
        "nieuw/<int:provider_pk>/controleren/",
        views.ApplicationConfirmView.as_view(),
        name="confirm",
    ),
    path("<int:pk>/", views.SMEProjectDetailView.as_view(), name="detail"),
    path("<int:pk>/stopzetten/", views.SMEProjectStopView.as_view(), name="stop"),
]
