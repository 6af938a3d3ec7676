from django.urls import path

from providers import views

app_name = "providers"

urlpatterns = [
    path("", views.ServiceProviderListView.as_view(), name="list"),
    path("historiek/", views.HistoryView.as_view(), name="history"),
    path("nieuw/stap-1/", views.CompanyStep1View.as_view(), name="create-step-1"),
    path("nieuw/stap-2/", views.CompanyStep2View.as_view(), name="create-step-2"),
    path("<int:pk>/", views.ServiceProviderDetailView.as_view(), name="detail"),
    path("<int:pk>/stap-1/", views.CompanyStep1View.as_view(), name="company-step-1"),
    path("<int:pk>/stap-2/", views.CompanyStep2View.as_view(), name="company-step-2"),
]
