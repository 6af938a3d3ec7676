"""The WSGI application that the app servers serve (gunicorn: portal/gunicorn.conf.py)."""

import os

from django.apps import apps
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()

# What an app reads once per process, read before the worker serves anything rather than
# during some visitor's request: each app config's `warm_up()`, where it has one (the
# search's Dutch lexicon: 1.5 s, which made the first search on every new worker wait).
for config in apps.get_app_configs():
    if hasattr(config, "warm_up"):
        config.warm_up()
