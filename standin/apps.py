from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StandinConfig(AppConfig):
    name = "standin"
    label = "standin"
    verbose_name = _("ACM/IDM-stand-in (ontwikkeling)")
