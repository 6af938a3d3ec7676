from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("", views.ProjectListView.as_view(), name="list"),
    path("export.csv", views.ProjectExportView.as_view(file_format="csv"), name="export-csv"),
    path("export.xlsx", views.ProjectExportView.as_view(file_format="xlsx"), name="export-xlsx"),
    path("<int:pk>/", views.ProjectDetailView.as_view(), name="detail"),
    path("<int:pk>/bevestigen/", views.ProjectConfirmView.as_view(), name="confirm"),
    path("<int:pk>/weigeren/", views.ProjectRefuseView.as_view(), name="refuse"),
]
