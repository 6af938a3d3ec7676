"""System checks of the portal's own configuration (`manage.py check --deploy`)."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured


@checks.register(checks.Tags.security, deploy=True)
def check_standin_disabled(app_configs=None, **kwargs):
    """The development stand-in signs anyone in as anyone: never in production."""
    if not settings.STANDIN_ENABLED:
        return []
    return [
        checks.Error(
            "The development stand-in for ACM/IDM is enabled (STANDIN_ENABLED): anyone can "
            "sign in as any demo person, with any organisation's rights.",
            hint=(
                "Set STANDIN_ENABLED=false and point the OIDC_OP_* settings at ACM "
                "(see .env.example). The stand-in is for development only."
            ),
            id="portal.E001",
        )
    ]


SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5
# Words that mark a key as a placeholder or a development key (compared in lower case).
PLACEHOLDER_MARKERS = (
    "change-me",
    "changeme",
    "change_me",
    "insecure",
    "placeholder",
    "do-not-use",
    "not-secret",
    "secret-key",
    "example",
)
GENERATE_KEY = "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"


def _secret_key_problem(key):
    """Why `key` is not a production secret key, or None."""
    if not isinstance(key, str) or not key:
        return "is empty"
    lowered = key.lower()
    marker = next((marker for marker in PLACEHOLDER_MARKERS if marker in lowered), None)
    if marker:
        return f'contains "{marker}": it is a placeholder or a development key'
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return f"has {len(key)} characters, fewer than {SECRET_KEY_MIN_LENGTH}"
    if len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        return (
            f"has {len(set(key))} different characters, "
            f"fewer than {SECRET_KEY_MIN_UNIQUE_CHARACTERS}"
        )
    return None


@checks.register(checks.Tags.security, deploy=True)
def check_secret_key(app_configs=None, **kwargs):
    """A real secret key: not .env.example's placeholder, not short, not repetitive.

    Django's own check (security.W009) is a warning and lets `change-me-...` through;
    the key signs sessions, password-reset links and messages, so a guessable one is an
    error. SECRET_KEY_FALLBACKS (keys being rotated out) are held to the same rule.
    """
    try:
        key = settings.SECRET_KEY
    except ImproperlyConfigured:  # Django refuses to read an empty key.
        key = ""
    keys = [("SECRET_KEY", key)]
    keys += [
        (f"SECRET_KEY_FALLBACKS[{index}]", key)
        for index, key in enumerate(getattr(settings, "SECRET_KEY_FALLBACKS", []))
    ]
    errors = []
    for name, key in keys:
        problem = _secret_key_problem(key)
        if problem:
            errors.append(
                checks.Error(
                    f"The secret key ({name}, DJANGO_SECRET_KEY) {problem}.",
                    hint=(
                        f"Generate a key of its own for every environment with {GENERATE_KEY} "
                        "and set DJANGO_SECRET_KEY to it (in .env or the environment); "
                        "never reuse the value of .env.example."
                    ),
                    id="portal.E002",
                )
            )
    return errors


LOCMEM_BACKEND = "django.core.cache.backends.locmem.LocMemCache"
# Session engines whose sessions another app server cannot read (with their cache).
CACHE_SESSION_ENGINES = (
    "django.contrib.sessions.backends.cache",
    "django.contrib.sessions.backends.cached_db",
)


@checks.register(checks.Tags.caches, deploy=True)
def check_shared_state(app_configs=None, **kwargs):
    """`check --deploy`: nothing that must be shared kept in one process.

    Production runs several processes (gunicorn workers, several instances: see
    docs/deployment.md), so a deployment is assumed to have more than one. The public
    search's results cache has its own check (portal.W001, directory/cache.py); the OP's
    key set may be per process (each fetches it). What may not:
    - the rate-limit counters: in LocMemCache every process counts on its own, and a
      limit of 60 a minute becomes 60 per process;
    - the sessions: a session in one process's memory signs the user out on the next
      request that another process serves. (A session file is per host: a warning too.)
    """
    found = []
    ratelimit_cache = settings.RATELIMIT_USE_CACHE
    if settings.CACHES.get(ratelimit_cache, {}).get("BACKEND") == LOCMEM_BACKEND:
        found.append(
            checks.Warning(
                "The rate-limit counters are in a per-process cache (LocMemCache): every "
                "process counts on its own.",
                hint="Set RATELIMIT_CACHE_URL to Redis (see .env.example).",
                id="portal.W002",
            )
        )
    engine = settings.SESSION_ENGINE
    session_cache = settings.CACHES.get(settings.SESSION_CACHE_ALIAS, {}).get("BACKEND")
    per_process = engine in CACHE_SESSION_ENGINES and session_cache == LOCMEM_BACKEND
    if per_process or engine == "django.contrib.sessions.backends.file":
        found.append(
            checks.Warning(
                f"Sessions ({engine}) are kept where other app servers cannot read them.",
                hint=(
                    "Keep the default, django.contrib.sessions.backends.db: the database "
                    "is shared by every app server (see docs/operations.md)."
                ),
                id="portal.W003",
            )
        )
    return found
