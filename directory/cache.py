"""A shared cache of the rendered public search: the part of "Zoek een geregistreerde
dienstverlener" that depends on the search (the form with its values, the results,
the page title), kept for DIRECTORY_CACHE_SECONDS in the "default" cache.

Why: a results page costs its SQL and 15-25 ms of Python and templates; served
from a cache shared by all workers (Redis in production, see .env.example) a repeated
search costs about as much as a plain template page, and no database query at all.
The whole search is in the GET parameters, so the key is built from the raw request:

    directory:search:page:<date>:<language>:<sha256 of the search>

- the search: the search parameters of the URL (directory.views.SEARCH_PARAMETERS) as
  given, in their order and with their values, other parameters left out. Not
  normalised further on purpose: the page echoes them (the form's values, the page
  links, the "back to the results" link), and a cached page must be exactly the page
  that its key's URL would render;
- the date (Europe/Brussels): registrations start and lapse by date, so a page
  rendered yesterday is never served today;
- the language: the page is translated.

Each entry carries the listing version it was rendered under: a random token in the
same cache, read together with the entry (one round trip) and before rendering. An
entry of another version is a miss. Every change that can alter a result sets a new
token (`bump`) once its transaction has committed: the signal receivers below (saves
and deletes of providers, organisations, establishments, registrations, vakgebieden,
saved search documents and the providers' vakgebieden), `manage.py
rebuild_search_index` and the benchmark's seeding. A page rendered from the data
before the commit carries the old token and is never served after the bump.

Writes that send no signals (queryset `.update()`, `bulk_create`, SQL) do not bump
the version: DIRECTORY_CACHE_SECONDS is the safety net for them, the longest a
result can be out of date (default 300 s; 0 turns the cache off). After a bulk
import, `manage.py rebuild_search_index` bumps it.

The cache must be shared by the workers: with the per-process LocMemCache (the
development default) a change made through one worker reaches the others only
when their entries expire. The deploy check below warns about that.

When Redis is down (portal.cache degrades it to misses and no-ops) every search is
rendered and nothing is stored. A version bump lost during the outage is, like a write
without signals, out of date for at most DIRECTORY_CACHE_SECONDS once Redis is back.
"""

import hashlib
import secrets

from django.conf import settings
from django.core import checks
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone, translation

from directory.models import ProviderSearchDocument
from establishments.models import Establishment
from organisations.models import Organisation
from providers.models import ServiceProvider, Vakgebied
from registrations.selectors import LISTING_MODELS

CACHE_ALIAS = "default"
KEY_PREFIX = "directory:search:"
VERSION_KEY = f"{KEY_PREFIX}version"
LOCMEM_BACKEND = "django.core.cache.backends.locmem.LocMemCache"


def cache_seconds():
    return settings.DIRECTORY_CACHE_SECONDS


def _cache():
    return caches[CACHE_ALIAS]


def listing_version():
    """The current listing version: a random token, created when the cache has none."""
    cache = _cache()
    version = cache.get(VERSION_KEY)
    if version is None:
        # add(): of two workers that find none at once, both end up with the same token.
        cache.add(VERSION_KEY, secrets.token_hex(8), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def bump():
    """Make every cached search page obsolete (a new listing version)."""
    _cache().set(VERSION_KEY, secrets.token_hex(8), timeout=None)


def bump_on_commit():
    """bump() once the current transaction has committed (at once outside one):
    a page rendered from the old data in between is stored under the old version.
    A transaction that changes many rows bumps once per row: a cache write each."""
    transaction.on_commit(bump)


def page_key(query_string):
    """The cache key of a search page; `query_string` holds only the search parameters."""
    digest = hashlib.sha256(query_string.encode()).hexdigest()
    date = timezone.localdate().isoformat()
    return f"{KEY_PREFIX}page:{date}:{translation.get_language()}:{digest}"


def cached_page(query_string, render):
    """The rendered parts of the search page for this query string.

    `render()` returns (parts, cacheable); only cacheable parts (a valid search) are
    stored, with the listing version read before rendering. With
    DIRECTORY_CACHE_SECONDS = 0 every request renders.
    """
    seconds = cache_seconds()
    if seconds <= 0:
        return render()[0]
    key = page_key(query_string)
    found = _cache().get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY) or listing_version()
    if version is None:
        # The cache is unavailable (portal.cache): without a version no entry can be
        # trusted or stored, and the search is rendered as if the cache were off.
        return render()[0]
    entry = found.get(key)
    if entry is not None and entry[0] == version:
        return entry[1]
    parts, cacheable = render()
    if cacheable:
        _cache().set(key, (version, parts), timeout=seconds)
    return parts


# --- Signal receivers ------------------------------------------------------------------


def _changed(sender, raw=False, **kwargs):
    if not raw:
        bump_on_commit()


def _vakgebieden_changed(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        bump_on_commit()


def connect_signals():
    """Bump the listing version on every change that can alter a search result
    (called from DirectoryConfig.ready)."""
    uid = "directory.cache"
    for model in (ServiceProvider, Establishment, Organisation, Vakgebied, *LISTING_MODELS):
        post_save.connect(_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(_changed, sender=model, dispatch_uid=uid)
    # A document goes with its provider (whose delete bumps). No post_delete receiver
    # of its own: it would turn the rebuild's bulk delete into one signal per row.
    post_save.connect(_changed, sender=ProviderSearchDocument, dispatch_uid=uid)
    m2m_changed.connect(
        _vakgebieden_changed, sender=ServiceProvider.vakgebieden.through, dispatch_uid=uid
    )


# --- Deploy check ----------------------------------------------------------------------


def check_shared_cache(app_configs=None, **kwargs):
    """`check --deploy`: the results cache on, in a cache of its own per process."""
    backend = settings.CACHES.get(CACHE_ALIAS, {}).get("BACKEND", "")
    if settings.DEBUG or cache_seconds() <= 0 or backend != LOCMEM_BACKEND:
        return []
    return [
        checks.Warning(
            "The public search caches its results in a per-process cache (LocMemCache).",
            hint=(
                "A change made through one worker reaches the others only after "
                f"DIRECTORY_CACHE_SECONDS ({cache_seconds()} s). Set CACHE_URL to a "
                "shared cache (Redis, see .env.example) or DIRECTORY_CACHE_SECONDS=0."
            ),
            id="portal.W001",
        )
    ]
