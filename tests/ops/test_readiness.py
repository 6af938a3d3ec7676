"""Readiness, /gereed/ (portal/health.py): 200 while the database, the caches, the
private files' storage and the broker answer; 503 with the failing check named (and
nothing else said) as soon as one does not. Against a real Redis started here."""

import json
import logging

import pytest
from django.db import connections
from django.urls import reverse

from portal.cache import cache_config

pytestmark = pytest.mark.django_db

READINESS = "/gereed/"


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def redis_caches(settings, redis_server):
    """Both caches on the test's own Redis, as in production (.env.example)."""
    settings.CACHES = {
        "default": cache_config(redis_server.url(0), socket_timeout=0.25),
        "ratelimit": cache_config(redis_server.url(1), socket_timeout=0.25),
    }
    return redis_server


@pytest.fixture
def unreachable_database():
    """New connections to the database fail (the checks open their own)."""
    configured = connections.settings["default"]
    saved = dict(configured)
    if configured["ENGINE"].endswith("sqlite3"):
        configured["NAME"] = "/nonexistent-directory/portal.sqlite3"
        configured.setdefault("TEST", {})["NAME"] = configured["NAME"]
    else:
        configured.update(HOST="127.0.0.1", PORT="1")
    yield
    configured.clear()
    configured.update(saved)


def readiness(client):
    response = client.get(READINESS)
    assert response["Content-Type"] == "application/json"
    return response, json.loads(response.content)


def test_it_lives_at_gereed_next_to_the_liveness_check():
    assert reverse("portal:readiness") == READINESS
    assert reverse("portal:health") == "/gezondheid/"


def test_it_answers_200_when_everything_is_up(client, redis_caches, settings):
    settings.CELERY_BROKER_URL = redis_caches.url(2)

    response, body = readiness(client)

    assert response.status_code == 200
    assert body == {
        "status": "ok",
        "checks": {
            "database": "ok",
            "cache:default": "ok",
            "cache:ratelimit": "ok",
            "storage": "ok",
            "broker": "ok",
        },
    }


def test_it_answers_503_when_the_database_is_unreachable(client, unreachable_database):
    response, body = readiness(client)

    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "unavailable"
    assert body["checks"]["storage"] == "ok"


def test_it_answers_503_while_redis_is_down_and_200_at_once_when_it_is_back(client, redis_caches):
    assert readiness(client)[0].status_code == 200

    redis_caches.stop()
    response, body = readiness(client)

    assert response.status_code == 503
    assert body["checks"]["cache:default"] == "unavailable"
    assert body["checks"]["cache:ratelimit"] == "unavailable"
    assert body["checks"]["database"] == "ok"

    # Not after portal.cache's pause: the check pings Redis itself.
    redis_caches.start()
    assert readiness(client)[0].status_code == 200


def test_the_broker_is_checked_only_when_one_is_configured(client, settings, redis_server):
    settings.CELERY_BROKER_URL = ""
    assert "broker" not in readiness(client)[1]["checks"]

    settings.CELERY_BROKER_URL = redis_server.url(2)
    assert readiness(client)[1]["checks"]["broker"] == "ok"

    redis_server.stop()
    response, body = readiness(client)
    assert response.status_code == 503
    assert body["checks"]["broker"] == "unavailable"


def test_it_answers_503_when_the_private_files_cannot_be_written(client, settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    settings.MEDIA_ROOT = blocker / "media"

    response, body = readiness(client)

    assert response.status_code == 503
    assert body["checks"]["storage"] == "unavailable"


def test_a_503_says_which_check_failed_and_nothing_more(
    client, settings, redis_caches, unreachable_database
):
    settings.CELERY_BROKER_URL = redis_caches.url(2)
    redis_caches.stop()

    response, body = readiness(client)

    assert response.status_code == 503
    assert set(body) == {"status", "checks"}
    assert set(body["checks"].values()) <= {"ok", "unavailable"}
    text = response.content.decode()
    for leak in ("127.0.0.1", str(redis_caches.port), "redis", "Error", "refused", "sqlite"):
        assert leak not in text


def test_it_needs_no_session_is_never_cached_and_works_behind_tls_in_production(client, settings):
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = True  # PORTAL_HTTPS: probes still speak plain HTTP

    response, _body = readiness(client)

    assert response.status_code == 200
    assert not response.cookies
    assert "no-store" in response["Cache-Control"]
    assert response["X-Request-ID"]


def test_it_is_not_rate_limited(client, settings):
    settings.DIRECTORY_RATE_LIMIT = "2/m"
    settings.SIGN_IN_RATE_LIMIT = "2/m"

    statuses = {readiness(client)[0].status_code for _ in range(5)}

    assert statuses == {200}


def test_a_failed_check_is_logged_in_one_line_without_a_traceback(client, redis_caches, caplog):
    redis_caches.stop()

    with caplog.at_level(logging.DEBUG):
        readiness(client)

    lines = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert sorted(record.getMessage() for record in lines) == [
        "Readiness: cache:default unavailable (ConnectionError)",
        "Readiness: cache:ratelimit unavailable (ConnectionError)",
    ]
    assert not any(record.exc_info for record in lines)
