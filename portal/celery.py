"""The portal's Celery application: the worker delivers the outbox, beat runs the daily jobs.

    celery -A portal worker    # as many as needed
    celery -A portal beat      # exactly one

Configuration comes from Django's settings (the CELERY_* names); tasks live in
each app's tasks.py.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
