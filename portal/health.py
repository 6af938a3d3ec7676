"""Readiness: can this app server do its work? `/gereed/` (django-health-check).

Next to the liveness check `/gezondheid/` (portal.views.HealthView: the process serves
requests, touches nothing), readiness checks what a request may need, in parallel,
each within READINESS_TIMEOUT_SECONDS:

- database: `SELECT 1` on a connection of its own;
- cache and ratelimit: each cache of CACHES; a Redis cache is pinged directly, past
  portal.cache's degradation (which would report a down Redis as a miss for
  RETRY_SECONDS after it is back), any other cache writes and reads a key;
- storage: the default storage (the private files: a disk or S3) saves, reads and
  deletes a small file;
- broker: a connection to CELERY_BROKER_URL, only when one is set (without one,
  tasks run in the request).

The answer is 200 or 503 with a JSON body that names each check and says "ok" or
"unavailable": never an exception's text, a host name or a setting. What failed is
logged in one line per check ("portal.health", WARNING: the check and the kind of
error); django-health-check's own logger, which adds a traceback per failed check and
would flood the log while probes keep asking during an outage, is silenced in
portal/logs.py. The view needs no session and no sign-in, is not rate-limited, and is
never cached.

A Redis or broker outage makes every instance unready at once, while the pages still
work (portal/cache.py degrades): docs/operations.md says why a load balancer should
route on /gezondheid/ and alert on /gereed/.
"""

import asyncio
import dataclasses
import datetime
import logging

from django.conf import settings
from django.core.cache import caches
from django.http import JsonResponse
from health_check import Cache, Database, Storage
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView
from redis.exceptions import RedisError

from portal.cache import DEGRADING_REDIS_BACKEND, DJANGO_REDIS_BACKEND

LOGGER = logging.getLogger(__name__)
OK = "ok"
UNAVAILABLE = "unavailable"


def _timeout():
    return datetime.timedelta(seconds=settings.READINESS_TIMEOUT_SECONDS)


@dataclasses.dataclass
class RedisCache(HealthCheck):
    """PING the Redis server of cache `alias`, with the cache's own client and time-outs."""

    alias: str = "default"

    def run(self):
        cache = caches[self.alias]
        try:
            # Django's RedisCache keeps its redis-py client in `_cache`; pinging it
            # bypasses DegradingRedisCache, which turns an outage into misses.
            client = cache._cache.get_client(write=True)
            if not client.ping():
                raise ServiceUnavailable("no PONG")
        except (RedisError, OSError) as error:
            raise ServiceUnavailable("unreachable") from error


@dataclasses.dataclass
class Broker(HealthCheck):
    """Open a connection to the Celery broker (one attempt, no retries)."""

    def run(self):
        from portal.celery import app

        seconds = settings.READINESS_TIMEOUT_SECONDS
        try:
            with app.connection_for_write(settings.CELERY_BROKER_URL) as connection:
                connection.ensure_connection(
                    max_retries=1, interval_start=0, interval_step=0, timeout=seconds
                )
        except Exception as error:
            # kombu wraps every transport's errors in its own (OperationalError and
            # others): whatever it raises, the broker cannot be used now.
            raise ServiceUnavailable("unreachable") from error


def _cache_check(alias):
    backend = settings.CACHES[alias]["BACKEND"]
    if backend in (DJANGO_REDIS_BACKEND, DEGRADING_REDIS_BACKEND):
        return RedisCache(alias=alias)
    return Cache(alias=alias)


def readiness_checks():
    """The checks of /gereed/, by the name the answer gives them."""
    found = {"database": Database(alias="default")}
    found.update({f"cache:{alias}": _cache_check(alias) for alias in settings.CACHES})
    found["storage"] = Storage(alias="default")
    if settings.CELERY_BROKER_URL:
        found["broker"] = Broker()
    for check in found.values():
        check.timeout = _timeout()
    return found


class ReadinessView(HealthCheckView):
    """`/gereed/`: 200 when every check passes, else 503; JSON, never cached.

    django-health-check's view runs the checks (concurrently, each bounded by its
    timeout, unexpected exceptions caught and logged); the answer is the portal's own.
    """

    async def get(self, request, *args, **kwargs):
        named = readiness_checks()
        with self.get_executor() as executor:
            results = await asyncio.gather(
                *(check.get_result(executor) for check in named.values())
            )
        statuses = {}
        for name, result in zip(named, results, strict=True):
            statuses[name] = UNAVAILABLE if result.error else OK
            if result.error:
                cause = result.error.__cause__ or result.error
                LOGGER.warning("Readiness: %s unavailable (%s)", name, type(cause).__name__)
        ready = all(status == OK for status in statuses.values())
        response = JsonResponse(
            {"status": OK if ready else UNAVAILABLE, "checks": statuses},
            status=200 if ready else 503,
        )
        # The lines above say what failed: no "Service Unavailable" error from Django's
        # request logger for every probe during an outage.
        response._has_been_logged = True
        return response
