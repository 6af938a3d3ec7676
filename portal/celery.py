"""The portal's Celery application: the worker delivers the outbox, beat runs the daily jobs.

    celery -A portal worker    # as many as needed
    celery -A portal beat      # exactly one

Configuration comes from Django's settings (the CELERY_* names); tasks live in
each app's tasks.py. django-guid's Celery integration (settings.DJANGO_GUID) gives a
task the request id of the request that queued it, and the worker and beat the
portal's log configuration (portal/logs.py).
"""

import os

from celery import Celery, Task
from django_guid.context import guid

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

REQUEST_ID_HEADER = "X-Request-ID"


class RequestIdTask(Task):
    """A task that, run in the caller (no broker: CELERY_TASK_ALWAYS_EAGER), logs under
    the caller's request id and leaves it in place.

    With a broker, django-guid sends the id in the message's headers and the worker
    takes it from there. An eager run publishes nothing, and django-guid's task_prerun
    would give it a new id: `apply` passes the caller's in the eager request's headers,
    `__call__` (after task_prerun) takes it, and `apply` restores it for the caller
    afterwards, since django-guid's task_postrun clears it.
    """

    def __call__(self, *args, **kwargs):
        if self.request.is_eager:
            request_id = (self.request.headers or {}).get(REQUEST_ID_HEADER)
            if request_id:
                guid.set(request_id)
        return super().__call__(*args, **kwargs)

    def apply(self, args=None, kwargs=None, *posargs, headers=None, **options):
        request_id = guid.get()
        if request_id:
            headers = {**(headers or {}), REQUEST_ID_HEADER: request_id}
        try:
            return super().apply(args, kwargs, *posargs, headers=headers, **options)
        finally:
            guid.set(request_id)


app = Celery("portal", task_cls=RequestIdTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
