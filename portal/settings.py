"""Settings for the kmo-portefeuille provider portal.

One module, read through django-environ. Every value that differs between a
laptop and production comes from the environment (or a `.env` file next to
`manage.py`); `.env.example` lists them with their production values. The
defaults are safe: DEBUG is off unless the development command turns it on.
"""

import logging
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _
from django_guid.integrations import CeleryIntegration

from core.storage import private_storage_config
from portal.cache import cache_config
from portal.logs import logging_config
from portal.metrics import host_name

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# The fallback key only serves development and tests; `check --deploy` flags it.
SECRET_KEY = env(
    "DJANGO_SECRET_KEY", default="django-insecure-development-key-do-not-use-in-production"
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
# The internal names (name or name:port) by which Prometheus reaches each app server
# directly; /metrics answers only for them (portal/metrics.py). Empty: no metrics.
METRICS_HOSTS = env.list("METRICS_HOSTS", default=[])
ALLOWED_HOSTS += [host_name(host) for host in METRICS_HOSTS]
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# The development stand-in for ACM/IDM (an OIDC provider in this process): on with
# DEBUG, off otherwise; `check --deploy` fails while it is on (portal.checks).
STANDIN_ENABLED = env.bool("STANDIN_ENABLED", default=DEBUG)
# The stand-in as a service of its own (`make up`, docs/deployment.md): a separate
# process with its own database and host name that serves only the stand-in's URLs
# (standin/service_urls.py), so the portal reaches its identity provider over HTTP
# as it will reach ACM. Never in production, like the stand-in itself.
STANDIN_SERVICE = env.bool("STANDIN_SERVICE", default=False)
if STANDIN_SERVICE:
    STANDIN_ENABLED = True
# `manage.py benchmark` (benchmarks/): only where someone measures (`make benchmark`).
BENCHMARKS_ENABLED = env.bool("BENCHMARKS_ENABLED", default=False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "mozilla_django_oidc",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "simple_history",
    "django_fsm",
    "django_ratelimit",
    "csp",
    "axes",
    "django_guid",
    "django_prometheus",
    "core",
    "organisations",
    "portal",
    "providers",
    "establishments",
    "registrations",
    "projects",
    "directory",
    "demo",
]
if STANDIN_ENABLED:
    INSTALLED_APPS += ["oauth2_provider", "standin"]
if BENCHMARKS_ENABLED:
    INSTALLED_APPS += ["benchmarks"]

MIDDLEWARE = [
    # First and last: django-prometheus counts every request and its latency.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # The request id (X-Request-ID) for every log line of the request (portal/logs.py).
    "django_guid.middleware.guid_middleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy on every page (django-csp, plus the OP's origin).
    "portal.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before the session lifetime's logout: Permissions-Policy, and no-store for a
    # response to someone who was signed in.
    "portal.middleware.SecurityHeadersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication and messages: it logs out and leaves a message.
    "portal.middleware.SessionLifetimeMiddleware",
    # Records the acting user on every historical row (company data, establishments).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Turns django_ratelimit's Ratelimited into RATELIMIT_VIEW's 429 page.
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Turns a locked-out admin login into AXES_LOCKOUT_CALLABLE's 429 page.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "standin.service_urls" if STANDIN_SERVICE else "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    },
    {
        # Only for what a page renders many times over (portal/jinja2.py), by name:
        # render_to_string(..., using="jinja2").
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "portal.jinja2.environment"},
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Keep connections between requests (checked before reuse): a new PostgreSQL
# connection per request costs more than many of the portal's pages.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out admin login before any backend checks a password.
    "portal.lockout.AdminLockoutBackend",
    "portal.oidc.claims.PortalOIDCBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Signs nobody in: answers user.has_perm(permission, organisation) from the
    # organisation scope (portal.scope), for the services of the apps below the portal.
    "portal.scope.OrganisationScopeBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "oidc_authentication_init"
LOGIN_REDIRECT_URL = "portal:after-login"
LOGOUT_REDIRECT_URL = "portal:home"

# --- Internationalisation: Dutch first, English kept complete -------------
LANGUAGE_CODE = "nl-be"
LANGUAGES = [("nl-be", _("Nederlands")), ("en", _("Engels"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

# --- Static files, served by whitenoise -----------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# --- Private files (audit reports): object storage or the file system (core/storage.py) ---
# With S3_BUCKET and its keys, the files go to that bucket of S3-compatible object
# storage (SeaweedFS in `make up`, any S3 in production), shared by every app server;
# without any S3_* setting, to MEDIA_ROOT on this machine (development, tests). A
# half-filled S3 configuration is refused by the system check core.E010.
S3_ENDPOINT_URL = env("S3_ENDPOINT_URL", default="")
S3_BUCKET = env("S3_BUCKET", default="")
S3_ACCESS_KEY_ID = env("S3_ACCESS_KEY_ID", default="")
S3_SECRET_ACCESS_KEY = env("S3_SECRET_ACCESS_KEY", default="")
S3_REGION = env("S3_REGION", default="us-east-1")
# Seconds a signed download URL stays valid: with 0 (the default) the portal streams
# every file itself; otherwise a download is a redirect to the object store (which the
# browser must then reach) with a URL that expires after this many seconds.
S3_PRESIGNED_DOWNLOAD_SECONDS = env.int("S3_PRESIGNED_DOWNLOAD_SECONDS", default=0)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": private_storage_config(
        endpoint_url=S3_ENDPOINT_URL,
        bucket=S3_BUCKET,
        access_key_id=S3_ACCESS_KEY_ID,
        secret_access_key=S3_SECRET_ACCESS_KEY,
        region=S3_REGION,
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
# Uploads (audit reports, ...) without object storage: outside the web root, and only
# served through views that check access.
MEDIA_ROOT = env.path("PORTAL_MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# Largest audit report a provider may upload with a registration request.
REGISTRATION_UPLOAD_MAX_BYTES = env.int("REGISTRATION_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# Where the development server listens (`make run PORT=8400`): the portal at
# http://127.0.0.1:<PORT>, the ACM/IDM stand-in in the same server at
# http://localhost:<PORT>/standin/ (another host name, so that the two never share a
# session cookie). Everything that names either address derives from this one setting:
# the links in e-mails, the OIDC endpoints and the stand-in's registration of the
# portal's client (standin.demo). Without PORT, the port of PORTAL_BASE_URL, else 8000.
_PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="").rstrip("/")
PORT = env.int("PORT", default=urlsplit(_PORTAL_BASE_URL).port or 8000)
# Absolute links in e-mails (no request at hand in commands and on commit).
PORTAL_BASE_URL = _PORTAL_BASE_URL or f"http://127.0.0.1:{PORT}"
# The stand-in in the development server (for the real ACM, set OIDC_OP_BASE_URL and
# ACCESS_MANAGEMENT_URL instead).
STANDIN_BASE_URL = f"http://localhost:{PORT}/standin"
# Days a provider is shown to confirm an application ("dagen resterend"); informative only.
PROJECT_CONFIRMATION_DAYS = env.int("PROJECT_CONFIRMATION_DAYS", default=30)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail ----------------------------------------------------------------
EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="kmo-portefeuille <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Changing the bank account needs a sign-in at most this many seconds old (ID token auth_time).
BANK_ACCOUNT_REAUTH_SECONDS = env.int("BANK_ACCOUNT_REAUTH_SECONDS", default=900)

# --- Robustness: bad input, slow mail server, error pages (issue 13) ----------
# A mail server that accepts the connection and then never answers would hold the
# request (and a worker) for as long as the operating system waits: give up after
# this many seconds. The error pages (400, 403, 404, 500 and the 503 when the
# database is unreachable) are portal.errors, named in portal/urls.py.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# --- Cache: an optimisation the portal works without (portal/cache.py) ----------
# Every redis:// URL gets portal.cache.DegradingRedisCache: when Redis is down or hangs,
# reads miss and writes are dropped, with one warning in the log, and the pages work.
# Seconds a cache call may wait for Redis (connect and answer): on a LAN Redis answers
# in well under a millisecond, so this bounds what a hanging Redis costs a request.
CACHE_SOCKET_TIMEOUT = env.float("CACHE_SOCKET_TIMEOUT", default=0.25)
CACHES = {
    "default": cache_config(
        env.str("CACHE_URL", default="locmemcache://"), socket_timeout=CACHE_SOCKET_TIMEOUT
    ),
    # Rate-limit counters must be shared by every worker process, or each would
    # count on its own: production uses Redis (.env.example). The default is the
    # database cache, shared without any set-up beyond `createcachetable` (run by
    # `make migrate` and by the test runner), so limits also hold on a laptop and
    # under gunicorn. Not locmem, which is per process.
    "ratelimit": cache_config(
        env.str("RATELIMIT_CACHE_URL", default="dbcache://portal_ratelimit_cache"),
        socket_timeout=CACHE_SOCKET_TIMEOUT,
    ),
}

# Seconds a rendered public search stays in the "default" cache (0: off). Every change
# to the listing empties it at once; this is the limit for writes that send no
# signals (see directory/cache.py).
DIRECTORY_CACHE_SECONDS = env.int("DIRECTORY_CACHE_SECONDS", default=300)
# The OpenTaal Dutch dictionary (Debian's hunspell-nl) that splits compounds for the search
# (directory.compounds); without it the search matches whole words only (check directory.W001).
DIRECTORY_HUNSPELL_DIC = env.str("DIRECTORY_HUNSPELL_DIC", default="/usr/share/hunspell/nl.dic")

# --- Rate limits (django-ratelimit; portal.ratelimit) -------------------------
RATELIMIT_USE_CACHE = "ratelimit"
RATELIMIT_VIEW = "portal.ratelimit.rate_limited"
RATELIMIT_IP_META_KEY = "portal.ratelimit.client_ip"
RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", default=True)
# The public search (search page and provider pages together), per IP address.
DIRECTORY_RATE_LIMIT = env("DIRECTORY_RATE_LIMIT", default="60/m")
# Signing in through the OP, per IP address: the start (/oidc/authenticate/) and the
# callback (/oidc/callback/) each. A person needs one of each per sign-in; an office
# behind one address signs in a few times a minute at most.
SIGN_IN_RATE_LIMIT = env("SIGN_IN_RATE_LIMIT", default="30/m")
# The stand-in's sign-in (development only: standin.views), per IP address.
STANDIN_SIGN_IN_RATE_LIMIT = env("STANDIN_SIGN_IN_RATE_LIMIT", default="30/m")
# Fail open: when the counters' cache is unreachable, requests are not limited
# (portal/cache.py says why). Refusing them all would take the search and the sign-in
# down with Redis; the admin's password lockout does not depend on it (portal/lockout.py).
RATELIMIT_FAIL_OPEN = True
# django-ratelimit's check knows only the django-redis and memcached backends by
# name. Django's own Redis backend (under portal.cache.DegradingRedisCache) increments
# atomically (Redis INCR): only the "not officially supported" warning is silenced
# for it. The database cache increments by read-then-write, so two simultaneous
# requests may count once: acceptable for a development or single-host default, and
# silenced for it only.
SILENCED_SYSTEM_CHECKS = {
    "portal.cache.DegradingRedisCache": ["django_ratelimit.W001"],
    "django.core.cache.backends.db.DatabaseCache": [
        "django_ratelimit.E003",
        "django_ratelimit.W001",
    ],
}.get(CACHES["ratelimit"]["BACKEND"], [])
# Covering indexes (INCLUDE) serve PostgreSQL; SQLite, the development default,
# ignores their extra columns, which is fine there.
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "models.W040"]

# --- Security ----------------------------------------------------------------
# PORTAL_HTTPS switches on everything that only makes sense behind TLS.
HTTPS = env.bool("PORTAL_HTTPS", default=False)
SECURE_SSL_REDIRECT = HTTPS
# Probes and Prometheus talk plain HTTP to an app server directly, not through the TLS
# proxy: liveness, readiness and metrics answer them instead of redirecting to https.
SECURE_REDIRECT_EXEMPT = [r"^gezondheid/$", r"^gereed/$", r"^metrics$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# Behind the TLS proxy: trust its X-Forwarded-Proto, and take the client address
# from its X-Forwarded-For (portal.ratelimit.client_ip).
BEHIND_PROXY = env.bool("DJANGO_BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
# Lax, not Strict: the OIDC callback arrives as a top-level navigation from
# the identity provider and must carry the session with the stored state.
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Security: cookies (ASVS V3.4) ------------------------------------------------
# Behind TLS the session and CSRF cookies carry the __Host- prefix: browsers accept such
# a cookie only with Secure, Path=/ and no Domain, so no other host (a sibling
# subdomain, a man in the middle on plain HTTP) can set or overwrite it. The portal
# never sets a Domain (SESSION_COOKIE_DOMAIN, CSRF_COOKIE_DOMAIN) nor another path.
# Without TLS (development) the names stay Django's: a __Host- cookie needs Secure.
# Cookies are per host name either way, which keeps the stand-in's session (localhost)
# apart from the portal's (127.0.0.1) in development.
if HTTPS:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Security: response headers (ASVS V14.4, V8.2.1) ----------------------------------
# Content-Security-Policy on every response (django-csp; templates have no inline
# script or style, and JavaScript is a static file). Inline scripts would need
# nonce="{{ request.csp_nonce }}". form-action also gets the OP's origin (the
# sign-out form ends at the OP's logout): portal.middleware.ContentSecurityPolicyMiddleware.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        # Bootstrap's form controls draw their icons from data: SVGs.
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
# Permissions-Policy: browser features the portal never uses, off for it and anything
# it could embed (portal.middleware.SecurityHeadersMiddleware).
PERMISSIONS_POLICY_DISABLED = [
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "encrypted-media",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
]
# "Cache-Control: no-store" (and Pragma, Expires) on every response to a signed-in user
# and on every response under these paths, signed in or not: the sign-in at the OP and
# its callback, the admin (its login page), the stand-in. Public pages stay cacheable.
NO_STORE_PATH_PREFIXES = ["/oidc/", "/admin/", "/standin/"]

# --- Brute force: the admin's password login (django-axes; portal/lockout.py) --------
# Counted in the database (shared by every app server, independent of Redis). After
# ADMIN_LOGIN_FAILURE_LIMIT failures within ADMIN_LOGIN_LOCKOUT_MINUTES, that username
# (from any address) and that address (for any username) cannot log in to the admin
# until the failures are that old: at most 5 guesses per account per 15 minutes, 20 an
# hour (ASVS V2.2.1 asks for at most 100). Failed attempts while locked out do not
# extend the lockout. A superuser unlocks at once (see portal/lockout.py).
AXES_FAILURE_LIMIT = env.int("ADMIN_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("ADMIN_LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ONLY_ADMIN_SITE = True
AXES_HANDLER = "portal.lockout.AdminLoginHandler"
AXES_LOCKOUT_CALLABLE = "portal.lockout.locked_out"
AXES_CLIENT_IP_CALLABLE = "portal.lockout.client_ip"
# No log of successful logins (nothing deletes it), and no username, address or browser
# in axes' log lines.
AXES_DISABLE_ACCESS_LOG = True
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "user_agent"]

# Sessions end after an idle time and after an absolute lifetime, whichever
# comes first (enforced by portal.middleware.SessionLifetimeMiddleware).
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_ABSOLUTE_LIFETIME = env.int("SESSION_ABSOLUTE_LIFETIME", default=8 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_LIFETIME
SESSION_SAVE_EVERY_REQUEST = False
# Sessions live in the database, which every app server shares: an instance that stops
# signs nobody out, and a Redis outage neither. Not "cached_db" on Redis: a sign-out
# (session deleted) while Redis is unreachable would leave the old session in Redis, to
# be served again once Redis is back. `clearsessions` removes expired rows.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Staff rights in the admin (portal.roles, core.admin.HistoryAdmin) ---------
# Staff act through roles defined in code; only superusers manage users, groups and
# permissions. The history stays viewable but is never reverted: a revert would save
# an old row around the services (an old IBAN back without a verified change). This
# hides django-simple-history's button; core.admin.HistoryAdmin refuses the POST
# itself, since the setting alone does not. SIMPLE_HISTORY_EDIT (editing a past
# version) stays off.
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_EDIT = False

# --- OpenID Connect: the portal as relying party ----------------------------
# Defaults point at the development stand-in (STANDIN_BASE_URL, from PORT), served
# under another host name than the portal (localhost vs 127.0.0.1) so that the two
# never share a session cookie. For the real ACM set OIDC_OP_BASE_URL and the
# endpoint paths.
OIDC_OP_BASE_URL = env("OIDC_OP_BASE_URL", default=f"{STANDIN_BASE_URL}/op")
OIDC_OP_ISSUER = env("OIDC_OP_ISSUER", default=OIDC_OP_BASE_URL)
OIDC_OP_AUTHORIZATION_ENDPOINT = env(
    "OIDC_OP_AUTHORIZATION_ENDPOINT", default=f"{OIDC_OP_BASE_URL}/authorize/"
)
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT", default=f"{OIDC_OP_BASE_URL}/token/")
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT", default=f"{OIDC_OP_BASE_URL}/userinfo/")
OIDC_OP_JWKS_ENDPOINT = env(
    "OIDC_OP_JWKS_ENDPOINT", default=f"{OIDC_OP_BASE_URL}/.well-known/jwks.json"
)
OIDC_OP_LOGOUT_ENDPOINT = env("OIDC_OP_LOGOUT_ENDPOINT", default=f"{OIDC_OP_BASE_URL}/logout/")
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", default="kmo-portal")
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET", default="kmo-portal-development-secret")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_USE_NONCE = True
OIDC_STORE_ID_TOKEN = True
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)
# ACM's application scope and its role claim: "<Recht>-<Profiel>:<KBO>" strings.
OIDC_APP_SCOPE = env("OIDC_APP_SCOPE", default="vlaio_inkom")
OIDC_RP_SCOPES = f"openid profile vo {OIDC_APP_SCOPE}"
OIDC_ROLE_CLAIM = env("OIDC_ROLE_CLAIM", default="vlaio_inkom_rol_3d")
OIDC_ROLE_RIGHT = env("OIDC_ROLE_RIGHT", default="VLAIOInkomGebruikerNieuw")
OIDC_PROFILE_PROVIDER = env("OIDC_PROFILE_PROVIDER", default="DienstverlenerKmoPortefeuille")
OIDC_PROFILE_SME = env("OIDC_PROFILE_SME", default="Gebruiker")
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
# portal.oidc.views: targeted/forced sign-in, friendly failures, logout at the OP.
OIDC_AUTHENTICATE_CLASS = "portal.oidc.views.PortalAuthenticationRequestView"
OIDC_CALLBACK_CLASS = "portal.oidc.views.PortalAuthenticationCallbackView"
OIDC_OP_LOGOUT_URL_METHOD = "portal.oidc.views.provider_logout_url"
# Where a user manages rights: the stand-in's IDM, or the real Gebruikersbeheer.
ACCESS_MANAGEMENT_URL = env("ACCESS_MANAGEMENT_URL", default=f"{STANDIN_BASE_URL}/idm/")

# --- The ACM/IDM stand-in as OpenID provider (development only) ---------------
if STANDIN_ENABLED:
    from standin.keys import private_key_pem

    STANDIN_OIDC_KEY_FILE = Path(
        env.str("STANDIN_OIDC_KEY_FILE", default=str(BASE_DIR / "var" / "standin-oidc-key.pem"))
    )
    OAUTH2_PROVIDER = {
        "OIDC_ENABLED": True,
        # Read (and created, the first time) when the stand-in first signs a token.
        "OIDC_RSA_PRIVATE_KEY": private_key_pem(STANDIN_OIDC_KEY_FILE),
        # The issuer is the URL a request reached the stand-in at, unless set: where the
        # portal reaches it under another name than browsers do (docker-compose.yml).
        "OIDC_ISS_ENDPOINT": env("STANDIN_ISSUER", default=""),
        "PKCE_REQUIRED": True,
        "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
        "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
        "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
        "OAUTH2_VALIDATOR_CLASS": "standin.oidc.StandinOAuth2Validator",
        "SCOPES": {
            "openid": "OpenID Connect",
            "profile": "Naam",
            "vo": "Gegevens van de Vlaamse overheid (organisatie, e-mail)",
            OIDC_APP_SCOPE: "Gebruikersrechten kmo-portefeuille",
        },
        "DEFAULT_SCOPES": ["openid"],
        "ACCESS_TOKEN_EXPIRE_SECONDS": 60 * 60,
        "ID_TOKEN_EXPIRE_SECONDS": 60 * 60,
    }

# --- Celery: the worker and the scheduler (portal/celery.py) --------------------
# The broker is Redis in production; without one (development, tests) tasks run at
# once in the caller (CELERY_TASK_ALWAYS_EAGER).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing a task (after a commit, in the request) gives up quickly when Redis is
# down: the outbox row stays queued and beat's sweep asks again (core.mail).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# What beat runs, in TIME_ZONE. Every job is safe to run twice; the management
# commands do the same for people without a scheduler (README, "Scheduled jobs").
CELERY_BEAT_SCHEDULE = {
    "mail-outbox-sweep": {"task": "core.tasks.mail_outbox_sweep", "schedule": 60.0},
    # The service types a provider is registered for are in its search document.
    "search-listing-refresh": {
        "task": "directory.tasks.search_documents_listing_refresh",
        "schedule": crontab(hour=0, minute=5),
    },
    "lapse-projects": {
        "task": "projects.tasks.projects_lapse",
        "schedule": crontab(hour=1, minute=15),
    },
    "clear-sessions": {
        "task": "core.tasks.sessions_clear",
        "schedule": crontab(hour=3, minute=30),
    },
    "send-registration-reminders": {
        "task": "registrations.tasks.registration_reminders_send",
        "schedule": crontab(hour=7, minute=15),
    },
}

# --- Mail outbox (core.mail) ------------------------------------------------------
# Attempts before a mail is marked failed (staff can resend it in the admin).
MAIL_OUTBOX_MAX_ATTEMPTS = env.int("MAIL_OUTBOX_MAX_ATTEMPTS", default=10)
# Seconds after the first failure before the next attempt; doubled per failure, at most
# an hour (10 attempts: about 4 hours before a mail is failed).
MAIL_OUTBOX_RETRY_SECONDS = env.int("MAIL_OUTBOX_RETRY_SECONDS", default=60)
# Seconds a worker holds a mail it is sending; after that another worker takes it over
# (its worker died). Far above what one send may take (EMAIL_TIMEOUT per step).
MAIL_OUTBOX_LEASE_SECONDS = env.int("MAIL_OUTBOX_LEASE_SECONDS", default=300)

# --- Logging: no personal data; identifiers only (portal/logs.py) ----------------
# plain (development) or json (production: one object per line, for the log collector).
LOG_FORMAT = env("LOG_FORMAT", default="plain")
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = logging_config(LOG_FORMAT, LOG_LEVEL)
# Python's warnings (a library's deprecation, Celery's "running as root") through the
# same handler, so that a JSON log has no line that is not JSON.
logging.captureWarnings(True)
# The request id (django-guid): nginx's X-Request-ID when it is a UUID (nginx's
# $request_id is one), else a new one; returned in the response's X-Request-ID and
# carried to the Celery tasks that the request queues. The integration also makes the
# worker and beat log through LOGGING.
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,
    "RETURN_HEADER": True,
    "EXPOSE_HEADER": False,
    "INTEGRATIONS": [CeleryIntegration(use_django_logging=True)],
}

# --- Readiness and metrics (portal/health.py, portal/metrics.py) -------------------
# Seconds each check of /gereed/ may take (they run in parallel).
READINESS_TIMEOUT_SECONDS = env.float("READINESS_TIMEOUT_SECONDS", default=3)
# django-prometheus: no metrics of migrations at every start.
PROMETHEUS_EXPORT_MIGRATIONS = False
