"""System checks of the portal's own configuration (`manage.py check --deploy`)."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def check_standin_disabled(app_configs=None, **kwargs):
    """The development stand-in signs anyone in as anyone: never in production."""
    if not settings.STANDIN_ENABLED:
        return []
    return [
        checks.Error(
            "The development stand-in for ACM/IDM is enabled (STANDIN_ENABLED): anyone can "
            "sign in as any demo person, with any organisation's rights.",
            hint=(
                "Set STANDIN_ENABLED=false and point the OIDC_OP_* settings at ACM "
                "(see .env.example). The stand-in is for development only."
            ),
            id="portal.E001",
        )
    ]
