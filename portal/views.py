from django.views.generic import TemplateView


class HomeView(TemplateView):
    """The public home page with the portal's entry points."""

    template_name = "portal/home.html"
