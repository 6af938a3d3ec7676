"""The WSGI application that the app servers serve (gunicorn: portal/gunicorn.conf.py)."""

import gc
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

# The collector, tuned for a worker that serves one request after another:
# - what is loaded by now (Django, the portal's modules, the lexicon: about 215,000
#   objects) lives as long as the worker: frozen, a full collection no longer walks it
#   (120-150 ms each time, once every few hundred searches);
# - the first generation is collected after 10,000 new objects rather than 700: a search
#   page makes a few thousand, which then die together when the response is sent,
#   without the collector walking them several times per request.
# The long tail of searches in-process (600 after 100): the collector 0.55 -> 0.29 ms per
# search; under gunicorn (benchmark long tail, two runs each) the app's CPU per search
# 9.3 -> 8.9 ms (docs/performance.md, "Twelfth step").
FIRST_GENERATION_THRESHOLD = 10_000
gc.freeze()
gc.set_threshold(FIRST_GENERATION_THRESHOLD, *gc.get_threshold()[1:])
