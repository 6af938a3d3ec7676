from django.urls import path

from providers import views

app_name = "providers"

urlpatterns = [
    path("", views.ServiceProviderListView.as_view(), name="list"),
]
