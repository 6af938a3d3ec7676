from django.urls import path

from projects.views import provider

app_name = "projects"

urlpatterns = [
    path("", provider.ProjectListView.as_view(), name="list"),
    path("export.csv", provider.ProjectExportView.as_view(file_format="csv"), name="export-csv"),
    path(
        "export.xlsx", provider.ProjectExportView.as_view(file_format="xlsx"), name="export-xlsx"
    ),
    path("<int:pk>/", provider.ProjectDetailView.as_view(), name="detail"),
    path("<int:pk>/bevestigen/", provider.ProjectConfirmView.as_view(), name="confirm"),
    path("<int:pk>/weigeren/", provider.ProjectRefuseView.as_view(), name="refuse"),
]
