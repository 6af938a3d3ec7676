from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Building blocks of every app (validators, form fields, locking, transitions, mail,
    admin mixins); no models of its own."""

    name = "core"
    verbose_name = _("Basis")
