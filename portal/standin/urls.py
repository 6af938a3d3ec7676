from django.urls import include, path

app_name = "standin"

urlpatterns = [
    path("op/", include("oauth2_provider.urls", namespace="oauth2_provider")),
]
