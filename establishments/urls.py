from django.urls import path

from establishments import views

app_name = "establishments"

urlpatterns = [
    path("", views.EstablishmentListView.as_view(), name="list"),
]
