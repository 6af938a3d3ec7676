from django.conf import settings


def portal(request):
    """Values every template needs: the stand-in flag and the support contact."""
    return {
        "STANDIN_ENABLED": settings.STANDIN_ENABLED,
    }
