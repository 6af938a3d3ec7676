from django.urls import path

from registrations import views

app_name = "registrations"

urlpatterns = [
    path("", views.RegistrationListView.as_view(), name="list"),
    path(
        "aanvragen/<int:provider_pk>/",
        views.RegistrationCreateView.as_view(),
        name="create",
    ),
    path("<int:pk>/", views.RegistrationDetailView.as_view(), name="detail"),
    path("<int:pk>/intrekken/", views.RegistrationCancelView.as_view(), name="cancel"),
    path(
        "<int:pk>/auditrapport/",
        views.AuditReportDownloadView.as_view(),
        name="audit-report",
    ),
    path("<int:pk>/attest/", views.CertificateView.as_view(), name="certificate"),
]
