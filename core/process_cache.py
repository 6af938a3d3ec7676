"""Reference data that pages show on every request, kept per process for a while.

Staff change such data a few times a year in the admin (today's eligibility
restrictions, the vakgebieden); reading it on every page costs a query each time. A
ProcessCache keeps what it computed for a number of seconds. A change clears the
copy of the process that made it at once (the models' save and delete signals) and
the other processes' copies within those seconds, which is what the pages that use
one may show.
"""

import threading
import time

from django.db.models.signals import post_delete, post_save


class ProcessCache:
    """Values per key, computed once per process and kept for `seconds`."""

    # Every instance, so that the tests can forget them all between tests: a copy would
    # outlive a test that changed the data in a rolled-back transaction.
    instances = []

    def __init__(self, *, seconds):
        self.seconds = seconds
        self._values = {}
        self._lock = threading.Lock()
        ProcessCache.instances.append(self)

    def get(self, key, compute):
        """The value kept for `key`, or `compute()`'s, kept from now on."""
        now = time.monotonic()
        with self._lock:
            found = self._values.get(key)
            if found is not None and found[0] > now:
                return found[1]
        value = compute()
        with self._lock:
            # Expired keys (yesterday's, say) go, so that the copy does not grow.
            self._values = {k: v for k, v in self._values.items() if v[0] > now}
            self._values[key] = (now + self.seconds, value)
        return value

    def forget(self, **kwargs):
        """Drop every kept value (a signal receiver too)."""
        with self._lock:
            self._values.clear()

    def forget_on_change(self, *models, dispatch_uid):
        """Forget the values whenever a row of these models is saved or deleted."""
        for model in models:
            uid = f"{dispatch_uid}:{model._meta.label}"
            post_save.connect(self.forget, sender=model, weak=False, dispatch_uid=uid)
            post_delete.connect(self.forget, sender=model, weak=False, dispatch_uid=uid)

    @classmethod
    def forget_all(cls):
        for cache in cls.instances:
            cache.forget()
