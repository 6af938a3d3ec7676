"""The headers and cookies of the production settings, and the secret-key deploy check.

A fresh process runs with the values of `.env.example` (a generated secret key, a
SQLite database, and Redis URLs that point at a closed port: the cache is down, which
the pages must survive too) and requests pages through Django's test client the way
the TLS proxy forwards them. It prints what it saw as JSON.
"""

import json
import socket
import subprocess
import sys

import pytest

from tests.production_support import BASE_DIR, manage, production_environment, read_env_example

HOST = "kmo-portefeuille.vlaio.be"

REQUEST_PAGES = """
import json

import django

django.setup()

from django.conf import settings
from django.core.management import call_command
from django.test import Client

from portal.models import User

call_command("migrate", verbosity=0, interactive=False)
call_command("createcachetable", verbosity=0)
PASSWORD = "een-lang-wachtwoord-voor-de-test"
User.objects.create_superuser("beheerder", "beheerder@vlaio.be", PASSWORD)

browser = Client(
    HTTP_HOST="kmo-portefeuille.vlaio.be",
    HTTP_X_FORWARDED_PROTO="https",
    HTTP_X_FORWARDED_FOR="203.0.113.7",
)


def seen(response):
    return {
        "status": response.status_code,
        "headers": dict(response.headers),
        "cookies": {
            name: {
                "secure": bool(morsel["secure"]),
                "httponly": bool(morsel["httponly"]),
                "path": morsel["path"],
                "domain": morsel["domain"],
                "samesite": morsel["samesite"],
            }
            for name, morsel in response.cookies.items()
        },
    }


pages = {}
for path in ("/", "/zoeken/?q=advies", "/admin/login/"):
    pages[path] = seen(browser.get(path))
pages["login"] = seen(
    browser.post(
        "/admin/login/",
        {"username": "beheerder", "password": PASSWORD},
    )
)
for path in ("/admin/", "/zoeken/"):
    pages["signed in " + path] = seen(browser.get(path))
plain_http = Client(HTTP_HOST="kmo-portefeuille.vlaio.be").get("/")
pages["plain http"] = {"status": plain_http.status_code, "location": plain_http["Location"]}
caches = {alias: dict(config) for alias, config in settings.CACHES.items()}
print(json.dumps({"pages": pages, "caches": caches}))
"""


def closed_port():
    """A local TCP port that nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    port = closed_port()
    environment = production_environment(
        tmp_path_factory.mktemp("production"),
        DJANGO_SETTINGS_MODULE="portal.settings",
        CACHE_URL=f"redis://127.0.0.1:{port}/0",
        RATELIMIT_CACHE_URL=f"redis://127.0.0.1:{port}/1",
    )
    result = subprocess.run(  # noqa: S603 - fixed arguments, our own script
        [sys.executable, "-c", REQUEST_PAGES],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def policy(headers):
    return {
        words[0]: words[1:]
        for words in (part.split() for part in headers["Content-Security-Policy"].split(";"))
        if words
    }


def test_production_pages_have_the_security_headers(production):
    for name, page in production["pages"].items():
        if name == "plain http":
            continue
        headers = page["headers"]
        assert page["status"] in (200, 302), name
        assert headers["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains; preload"
        ), name
        assert headers["X-Content-Type-Options"] == "nosniff", name
        assert headers["Referrer-Policy"] == "same-origin", name
        assert headers["X-Frame-Options"] == "DENY", name
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin", name
        assert "camera=()" in headers["Permissions-Policy"], name
        assert "geolocation=()" in headers["Permissions-Policy"], name


def test_production_pages_have_a_strict_csp(production):
    for name, page in production["pages"].items():
        if name == "plain http":
            continue
        directives = policy(page["headers"])
        assert directives["default-src"] == ["'self'"], name
        assert directives["script-src"] == ["'self'"], name
        assert directives["style-src"] == ["'self'"], name
        assert directives["object-src"] == ["'none'"], name
        assert directives["frame-ancestors"] == ["'none'"], name
        assert directives["form-action"] == ["'self'", "https://authenticatie.vlaanderen.be"]


def test_production_signed_in_pages_are_not_cacheable(production):
    pages = production["pages"]
    for name in ("login", "signed in /admin/", "signed in /zoeken/", "/admin/login/"):
        assert "no-store" in pages[name]["headers"]["Cache-Control"], name
        assert pages[name]["headers"]["Pragma"] == "no-cache", name
    assert "no-store" not in pages["/"]["headers"].get("Cache-Control", "")


def test_production_cookies_have_the_host_prefix(production):
    csrf = production["pages"]["/admin/login/"]["cookies"]
    session = production["pages"]["login"]["cookies"]

    assert set(csrf) == {"__Host-csrftoken"}
    assert "__Host-sessionid" in session
    assert "sessionid" not in session and "csrftoken" not in session
    for cookie in (csrf["__Host-csrftoken"], session["__Host-sessionid"]):
        # What a browser demands of a __Host- cookie: Secure, Path=/, no Domain.
        assert cookie["secure"] is True
        assert cookie["path"] == "/"
        assert cookie["domain"] == ""
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"


def test_production_answers_plain_http_with_a_redirect_to_https(production):
    page = production["pages"]["plain http"]

    assert page["status"] == 301
    assert page["location"] == f"https://{HOST}/"


def test_production_redis_caches_degrade_with_short_timeouts(production):
    for alias in ("default", "ratelimit"):
        config = production["caches"][alias]
        assert config["BACKEND"] == "portal.cache.DegradingRedisCache"
        assert config["OPTIONS"]["socket_timeout"] == 0.25
        assert config["OPTIONS"]["socket_connect_timeout"] == 0.25


# --- The secret key --------------------------------------------------------------------------


def test_check_deploy_refuses_the_placeholder_secret_key(tmp_path):
    placeholder = read_env_example()["DJANGO_SECRET_KEY"]

    result = manage(
        tmp_path, "check", "--deploy", "--fail-level", "WARNING", DJANGO_SECRET_KEY=placeholder
    )

    assert result.returncode != 0
    assert "portal.E002" in result.stderr
    assert 'contains "change-me"' in result.stderr
    assert "secrets.token_urlsafe(50)" in result.stderr


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("kort-maar-willekeurig-Xq8", "fewer than 50"),
        ("ab" * 40, "fewer than 5"),
        ("django-insecure-" + "x7Gq2pLm9Zr4" * 5, 'contains "insecure"'),
        ("Please-CHANGEME-" + "x7Gq2pLm9Zr4" * 5, 'contains "changeme"'),
    ],
)
def test_check_deploy_refuses_a_weak_secret_key(tmp_path, key, reason):
    result = manage(tmp_path, "check", "--deploy", DJANGO_SECRET_KEY=key)

    assert result.returncode != 0
    assert "portal.E002" in result.stderr
    assert reason in result.stderr


def test_check_deploy_accepts_a_generated_secret_key(tmp_path):
    result = manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stderr
    assert "portal.E002" not in result.stderr
