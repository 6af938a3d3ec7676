"""Production configuration: `.env.example` passes Django's deployment checks.

Settings are read once at import, so each case runs manage.py in a fresh process
with the environment built from `.env.example` (and a generated secret key, since
the file's is a placeholder), as a production server would.
"""

import pytest

from tests.production_support import manage, read_env_example


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
