from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo data of a development portal (`manage.py load_demo_data`)."""

    name = "demo"
    verbose_name = _("Demogegevens")
