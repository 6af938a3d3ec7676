from django.urls import path

from registrations import views

app_name = "registrations"

urlpatterns = [
    path("", views.RegistrationListView.as_view(), name="list"),
    path("<int:pk>/", views.RegistrationListView.as_view(), name="detail"),
]
