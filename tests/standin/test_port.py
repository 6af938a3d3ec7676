"""One setting drives the development addresses: `make run PORT=8400` (or PORTAL_BASE_URL)
moves the portal, the stand-in's OIDC endpoints, the links in mails and the stand-in's
registration of the portal's client together; registering never undoes an earlier one."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command, load_command_class
from oauth2_provider.models import get_application_model

from standin import demo

ROOT = Path(__file__).resolve().parent.parent.parent
PRINT_SETTINGS = (
    "import json; from django.conf import settings as s; print(json.dumps({name: getattr(s, "
    "name) for name in ['PORT', 'PORTAL_BASE_URL', 'OIDC_OP_BASE_URL', 'OIDC_OP_ISSUER', "
    "'OIDC_OP_AUTHORIZATION_ENDPOINT', 'OIDC_OP_TOKEN_ENDPOINT', 'OIDC_OP_LOGOUT_ENDPOINT', "
    "'ACCESS_MANAGEMENT_URL']}))"
)
ADDRESS_SETTINGS = [
    "PORT",
    "PORTAL_BASE_URL",
    "OIDC_OP_BASE_URL",
    "OIDC_OP_ISSUER",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT",
    "OIDC_OP_LOGOUT_ENDPOINT",
    "ACCESS_MANAGEMENT_URL",
]


def development_settings(**environment):
    """The settings a `make run` process gets with `environment` (a fresh interpreter)."""
    env = {name: value for name, value in os.environ.items() if name not in ADDRESS_SETTINGS}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DJANGO_DEBUG="true",
        DATABASE_URL="sqlite://:memory:",
        **environment,
    )
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "shell", "-v0", "-c", PRINT_SETTINGS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_port_moves_the_portal_the_stand_in_endpoints_and_the_mail_links():
    derived = development_settings(PORT="8400")
    assert derived == {
        "PORT": 8400,
        "PORTAL_BASE_URL": "http://127.0.0.1:8400",
        "OIDC_OP_BASE_URL": "http://localhost:8400/standin/op",
        "OIDC_OP_ISSUER": "http://localhost:8400/standin/op",
        "OIDC_OP_AUTHORIZATION_ENDPOINT": "http://localhost:8400/standin/op/authorize/",
        "OIDC_OP_TOKEN_ENDPOINT": "http://localhost:8400/standin/op/token/",
        "OIDC_OP_LOGOUT_ENDPOINT": "http://localhost:8400/standin/op/logout/",
        "ACCESS_MANAGEMENT_URL": "http://localhost:8400/standin/idm/",
    }


def test_the_port_of_portal_base_url_does_the_same():
    derived = development_settings(PORTAL_BASE_URL="http://127.0.0.1:8500/")
    assert derived["PORT"] == 8500
    assert derived["PORTAL_BASE_URL"] == "http://127.0.0.1:8500"
    assert derived["OIDC_OP_TOKEN_ENDPOINT"] == "http://localhost:8500/standin/op/token/"


def test_without_either_the_development_server_is_on_port_8000_and_explicit_values_win():
    assert development_settings()["OIDC_OP_BASE_URL"] == "http://localhost:8000/standin/op"
    assert development_settings()["PORTAL_BASE_URL"] == "http://127.0.0.1:8000"
    # make up and production name the identity provider themselves (ops/up.env).
    derived = development_settings(
        PORT="8400",
        PORTAL_BASE_URL="https://kmo-portefeuille.example",
        OIDC_OP_BASE_URL="https://acm.example/op",
    )
    assert derived["PORTAL_BASE_URL"] == "https://kmo-portefeuille.example"
    assert derived["OIDC_OP_TOKEN_ENDPOINT"] == "https://acm.example/op/token/"


def portal_client():
    return get_application_model().objects.get(client_id=settings.OIDC_RP_CLIENT_ID)


def test_registering_adds_the_new_addresses_and_keeps_the_old(db):
    for portal in ("http://127.0.0.1:8000", "http://127.0.0.1:8400", "http://127.0.0.1:8000"):
        demo.register_client(
            client_id=settings.OIDC_RP_CLIENT_ID,
            client_secret=settings.OIDC_RP_CLIENT_SECRET,
            redirect_uris=[f"{portal}/oidc/callback/"],
            post_logout_redirect_uris=[f"{portal}/"],
            name="Portaal",
        )
    application = portal_client()
    assert application.redirect_uris.split() == [
        "http://127.0.0.1:8000/oidc/callback/",
        "http://127.0.0.1:8400/oidc/callback/",
    ]
    assert application.redirect_uri_allowed("http://127.0.0.1:8400/oidc/callback/")
    assert application.post_logout_redirect_uri_allowed("http://127.0.0.1:8000/")
    assert application.post_logout_redirect_uri_allowed("http://127.0.0.1:8400/")


def test_loading_the_demo_on_another_port_keeps_the_first_registration(db, settings):
    settings.PORTAL_BASE_URL = "http://127.0.0.1:8400"
    call_command("standin_load_demo", stdout=io.StringIO())
    settings.PORTAL_BASE_URL = "http://127.0.0.1:8000"
    call_command("standin_load_demo", stdout=io.StringIO())
    call_command("standin_load_demo", stdout=io.StringIO())

    application = portal_client()
    assert sorted(application.redirect_uris.split()) == [
        "http://127.0.0.1:8000/oidc/callback/",
        "http://127.0.0.1:8400/oidc/callback/",
    ]
    assert sorted(application.post_logout_redirect_uris.split()) == [
        "http://127.0.0.1:8000/",
        "http://127.0.0.1:8400/",
    ]


def test_the_command_registers_the_current_address_by_default_and_replaces_on_request(
    db, settings
):
    settings.PORTAL_BASE_URL = "http://127.0.0.1:8400"
    call_command("standin_register_client", stdout=io.StringIO())
    assert portal_client().redirect_uris == "http://127.0.0.1:8400/oidc/callback/"

    call_command(
        "standin_register_client",
        "--redirect-uri=http://portal.test/oidc/callback/",
        stdout=io.StringIO(),
    )
    assert portal_client().redirect_uris.split() == [
        "http://127.0.0.1:8400/oidc/callback/",
        "http://portal.test/oidc/callback/",
    ]

    call_command(
        "standin_register_client",
        "--redirect-uri=http://portal.test/oidc/callback/",
        "--post-logout-uri=http://portal.test/",
        "--replace",
        stdout=io.StringIO(),
    )
    application = portal_client()
    assert application.redirect_uris == "http://portal.test/oidc/callback/"
    assert application.post_logout_redirect_uris == "http://portal.test/"


@pytest.mark.parametrize(
    "option",
    [
        "--redirect-uri",
        "--post-logout-uri",
        "--client-id",
        "--client-secret",
        "--name",
        "--replace",
    ],
)
def test_the_command_help_describes_every_option(option):
    command = load_command_class("standin", "standin_register_client")
    parser = command.create_parser("manage.py", "standin_register_client")
    action = next(action for action in parser._actions if option in action.option_strings)
    assert len(action.help or "") > 20
    assert option in parser.format_help()
