"""The shared cache (Redis) as what it is: an optimisation the portal can do without.

Nothing the portal keeps in a cache has to be there for a page to be right: the public
search's results and its listing version (directory/cache.py), the OP's key set
(portal/oidc/tokens.py), the rate-limit counters (portal/ratelimit.py). So when Redis
is down or hangs, every page keeps working: a read is a miss, a write is dropped, and
the process logs one warning per outage (the server's host and port and the kind of
error, never a key or a value).

`cache_config()` turns a CACHE_URL / RATELIMIT_CACHE_URL into a cache setting; every
redis:// or rediss:// URL gets `DegradingRedisCache`, Django's own Redis backend with:

- short socket timeouts (CACHE_SOCKET_TIMEOUT, 0.25 s by default) and no retries, so a
  Redis that hangs costs a fraction of a second, not the 20 s of a TCP time-out;
- connection errors and time-outs as misses and no-ops;
- a pause: after an error the process leaves Redis alone for RETRY_SECONDS, so that
  during an outage one request in that interval pays the time-out, not every cache call
  of every request.

Rate limits fail open when their counters are unreachable (RATELIMIT_FAIL_OPEN in the
settings): they keep automated traffic in check, but refusing every search and every
sign-in while Redis is down would turn a cache outage into an outage of the portal.
The admin's password lockout (portal/lockout.py) counts in the database and holds.
"""

import logging
import threading
import time
from urllib.parse import urlsplit

import environ
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

LOGGER = logging.getLogger(__name__)

DJANGO_REDIS_BACKEND = "django.core.cache.backends.redis.RedisCache"
DEGRADING_REDIS_BACKEND = "portal.cache.DegradingRedisCache"
# Errors that say "Redis is not there (now)": refused, reset, unresolvable host, time-out.
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)
# Seconds the process leaves an unreachable Redis alone before trying it again.
RETRY_SECONDS = 5.0

# Per Redis server (scheme, host, port, or socket path): when to try it again. Shared by
# the threads of the process: Django gives every thread its own cache object.
_unavailable_until = {}
_lock = threading.Lock()


def cache_config(url, *, socket_timeout):
    """The CACHES entry for `url` (django-environ's syntax); Redis degrades."""
    config = environ.Env.cache_url_config(url)
    if config["BACKEND"] != DJANGO_REDIS_BACKEND:
        return config
    options = {
        "socket_connect_timeout": socket_timeout,
        "socket_timeout": socket_timeout,
        **config.get("OPTIONS", {}),
    }
    return {**config, "BACKEND": DEGRADING_REDIS_BACKEND, "OPTIONS": options}


def _server_name(url):
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return parts.path
    # Host and port only: the URL may carry a password.
    return f"{parts.hostname}:{parts.port or 6379}"


def reset_outages():
    """Forget every outage (tests)."""
    with _lock:
        _unavailable_until.clear()


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's Redis client, which makes a redis-py client per call (each call gets a
    connection from the pool either way): one per pool instead. Making one took longer
    than the call itself, 0.15 ms; a search that is not in the results cache makes two
    calls, the rate limit one more. Django gives every thread its own cache object, so
    the clients are not shared between threads (nor would it matter: a redis-py client
    takes a connection from its pool per command)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class DegradingRedisCache(RedisCache):
    """Django's RedisCache whose unavailability is a miss, not an error.

    Reads answer as if the key were absent (`get` returns the default, `add` and
    `touch` False, `incr` raises ValueError as for a missing key), writes and deletes do
    nothing. Errors other than "unreachable" (a bad command, a value that does not
    unpickle) still raise: they are bugs, not outages.
    """

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        self._servers_key = tuple(_server_name(url) for url in self._servers)

    def _attempt(self, operation, fallback, *args, **kwargs):
        key = self._servers_key
        now = time.monotonic()
        with _lock:
            until = _unavailable_until.get(key)
        if until is not None and now < until:
            return fallback()
        try:
            result = operation(*args, **kwargs)
        except UNAVAILABLE as error:
            with _lock:
                first = key not in _unavailable_until
                _unavailable_until[key] = time.monotonic() + RETRY_SECONDS
            if first:
                LOGGER.warning(
                    "Cache at %s unavailable (%s): working without it, trying again every %s s",
                    ", ".join(key),
                    type(error).__name__,
                    RETRY_SECONDS,
                )
            return fallback()
        if until is not None:
            with _lock:
                _unavailable_until.pop(key, None)
            LOGGER.info("Cache at %s available again", ", ".join(key))
        return result

    @staticmethod
    def _missing_for_incr():
        raise ValueError("Key not found: the cache is unavailable")

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(super().add, lambda: False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._attempt(super().get, lambda: default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(super().set, lambda: None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(super().touch, lambda: False, key, timeout, version)

    def delete(self, key, version=None):
        return self._attempt(super().delete, lambda: False, key, version)

    def get_many(self, keys, version=None):
        return self._attempt(super().get_many, dict, keys, version)

    def has_key(self, key, version=None):
        return self._attempt(super().has_key, lambda: False, key, version)

    def incr(self, key, delta=1, version=None):
        return self._attempt(super().incr, self._missing_for_incr, key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # Django's contract: the keys that could not be stored.
        return self._attempt(super().set_many, lambda: list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._attempt(super().delete_many, lambda: None, keys, version)

    def clear(self):
        return self._attempt(super().clear, lambda: False)
