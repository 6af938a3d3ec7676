"""Stateless app servers: what matters is shared (database or Redis), and `check
--deploy` warns about what a configuration would keep in one process."""

import pytest
from django.conf import settings as django_settings

from portal.checks import check_shared_state
from tests.production_support import manage, read_env_example

LOCMEM = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}


def ids(found):
    return [message.id for message in found]


def test_production_shares_caches_rate_limits_and_sessions():
    values = read_env_example()

    assert values["CACHE_URL"].startswith("redis://")
    assert values["RATELIMIT_CACHE_URL"].startswith("redis://")
    assert django_settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def test_the_rate_limit_counters_in_one_process_get_a_warning(settings):
    settings.CACHES = {**settings.CACHES, "ratelimit": LOCMEM}

    assert ids(check_shared_state()) == ["portal.W002"]


@pytest.mark.parametrize(
    "engine", ["django.contrib.sessions.backends.cache", "django.contrib.sessions.backends.file"]
)
def test_sessions_in_one_process_or_on_one_host_get_a_warning(settings, engine):
    settings.CACHES = {**settings.CACHES, "default": LOCMEM}
    settings.SESSION_ENGINE = engine

    assert ids(check_shared_state()) == ["portal.W003"]


def test_sessions_in_the_database_or_a_shared_cache_pass(settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    assert check_shared_state() == []

    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "portal.cache.DegradingRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    assert check_shared_state() == []


def test_deploy_check_warns_when_production_counts_rate_limits_per_process(tmp_path):
    result = manage(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        RATELIMIT_CACHE_URL="locmemcache://",
    )

    assert result.returncode != 0
    assert "portal.W002" in result.stderr
