from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Building blocks of every app (validators, form fields, locking, transitions, mail,
    admin mixins, submit-once forms); abstract models, and two tables of its own: the
    tokens of submitted create forms (core.idempotency) and the outbox of e-mails
    (core.mail)."""

    name = "core"
    verbose_name = _("Basis")

    def ready(self):
        from core import (
            checks,  # noqa: F401 - registers the system checks
            tasks,  # noqa: F401 - registers the worker's tasks (core.mail asks by name)
        )
