"""Production configuration: `.env.example` passes Django's deployment checks.

Settings are read once at import, so each case runs manage.py in a fresh process
with the environment built from `.env.example`, as a production server would.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


def read_env_example():
    """KEY=value lines of .env.example; optional surrounding quotes removed."""
    values = {}
    for line in (BASE_DIR / ".env.example").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition("=")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def manage(tmp_path, *args, **overrides):
    """Run manage.py with the values of .env.example and `overrides` (None: unset)."""
    # Only what a process needs to run, so no development value leaks in.
    environment = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    environment.update(read_env_example())
    environment["DATABASE_URL"] = f"sqlite:///{tmp_path / 'deploy.sqlite3'}"
    for key, value in overrides.items():
        if value is None:
            environment.pop(key, None)
        else:
            environment[key] = value
    return subprocess.run(  # noqa: S603 - fixed arguments, our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_env_example_sets_production_values():
    values = read_env_example()

    assert values["DJANGO_DEBUG"] == "false"
    assert values["STANDIN_ENABLED"] == "false"
    assert values["PORTAL_HTTPS"] == "true"
    assert values["OIDC_OP_ISSUER"] == "https://authenticatie.vlaanderen.be/op"


def test_env_example_passes_the_deployment_checks_without_warnings(tmp_path):
    result = manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_deployment_checks_fail_with_the_development_secret_key(tmp_path):
    result = manage(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY="django-insecure-development-key-do-not-use-in-production",
    )

    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_the_deployment_checks_fail_while_the_standin_is_enabled(tmp_path):
    result = manage(
        tmp_path, "check", "--deploy", "--fail-level", "WARNING", STANDIN_ENABLED="true"
    )

    assert result.returncode != 0
    assert "portal.E001" in result.stderr
    assert "The development stand-in for ACM/IDM is enabled" in result.stderr


def test_the_standin_is_off_unless_debug_turns_it_on(tmp_path):
    shown = "from django.conf import settings; print(settings.STANDIN_ENABLED)"

    for debug, expected in (("false", "False"), ("true", "True")):
        result = manage(tmp_path, "shell", "-c", shown, STANDIN_ENABLED=None, DJANGO_DEBUG=debug)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip().splitlines()[-1] == expected


def test_importing_the_settings_writes_no_key_file(tmp_path):
    key_file = tmp_path / "standin-key.pem"
    result = manage(
        tmp_path,
        "check",
        STANDIN_ENABLED="true",
        STANDIN_OIDC_KEY_FILE=str(key_file),
    )

    assert result.returncode == 0, result.stderr
    assert not key_file.exists()


RESOLVE_STANDIN = """
from django.urls import Resolver404, resolve
try:
    resolve("/standin/op/authorize/")
except Resolver404:
    print("not routed")
else:
    print("routed")
"""


@pytest.mark.parametrize(("enabled", "expected"), [("false", "not routed"), ("true", "routed")])
def test_the_standin_urls_are_routed_only_when_the_standin_is_enabled(tmp_path, enabled, expected):
    result = manage(tmp_path, "shell", "-c", RESOLVE_STANDIN, STANDIN_ENABLED=enabled)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected
