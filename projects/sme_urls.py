"""The SME side of the subsidy dossiers, mounted at /kmo/dossiers/."""

from django.urls import path

from projects.views import sme

app_name = "sme-projects"

urlpatterns = [
    path("", sme.SMEProjectListView.as_view(), name="list"),
    path("nieuw/", sme.ChooseProviderView.as_view(), name="choose-provider"),
    path("nieuw/<int:provider_pk>/", sme.ApplicationFormView.as_view(), name="create"),
    path(
        "nieuw/<int:provider_pk>/controleren/",
        sme.ApplicationConfirmView.as_view(),
        name="confirm",
    ),
    path("<int:pk>/", sme.SMEProjectDetailView.as_view(), name="detail"),
    path("<int:pk>/stopzetten/", sme.SMEProjectStopView.as_view(), name="stop"),
]
