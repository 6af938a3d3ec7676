"""The WSGI application that the app servers serve (gunicorn: portal/gunicorn.conf.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()


def _warm_up():
    """Read what the public search reads once per process before the worker serves
    anything: the Dutch lexicon that splits compounds (directory.compounds), about a
    second and a half. Read lazily, it made a visitor's first search on every new worker
    wait for it (1.9 s against 0.08 for the next one). The stand-in OP serves no search."""
    from django.conf import settings

    if not settings.STANDIN_SERVICE:
        from directory import compounds

        compounds.lexicon()


_warm_up()
