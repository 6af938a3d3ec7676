"""Issue 13, "error pages": Dutch (and English) pages for 400, 403, 404, 429, 500 and a
503 when the database is down, in the portal's look, leaking nothing.

The suite runs with DEBUG off, as production does; the test client is told not to
re-raise the view's exception so that the page the visitor gets can be read.
"""

from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError, connection
from django.test import Client
from django.urls import reverse

from portal.views import HomeView
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

SECRET_MARKERS = ("Traceback", "settings", "SECRET_KEY", 'File "', "/work/", ".py", "Exception")


@pytest.fixture
def visitor():
    return Client(raise_request_exception=False)


def language(code):
    return {"HTTP_ACCEPT_LANGUAGE": code}


def assert_portal_page(response, *, status, title, lang):
    content = response.content.decode()
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert f'<html lang="{lang}">' in content
    assert f"<h1>{title}</h1>" in content
    assert "Kmo-portefeuille" in content or "SME wallet" in content  # the portal's header
    assert 'href="tel:1700"' in content  # and where to get help
    for marker in SECRET_MARKERS:
        assert marker not in content, marker


def main_content(response):
    return response.content.decode().partition("<main")[2].partition("</main>")[0]


def database_down(execute, sql, params, many, context):
    raise OperationalError(
        'connection to server at "127.0.0.1", port 5432 failed: Connection refused'
    )


# --- 404 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "title"), [("nl-be", "Pagina niet gevonden"), ("en", "Page not found")]
)
def test_a_missing_page_gives_the_dutch_404_page(visitor, lang, title):
    response = visitor.get("/bestaat-niet/geheim/", **language(lang))

    assert_portal_page(response, status=404, title=title, lang=lang)
    assert "geheim" not in main_content(response)  # the page does not repeat the path


def test_the_404_page_shows_who_is_signed_in(visitor, alice):
    visitor.force_login(alice)

    response = visitor.get("/dienstverlener/vestigingen/999999/")

    assert_portal_page(response, status=404, title="Pagina niet gevonden", lang="nl-be")
    assert "Alice Peeters" in response.content.decode()


# --- 400 and 403 -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "title"), [("nl-be", "Ongeldige aanvraag"), ("en", "Bad request")]
)
def test_a_bad_request_gives_the_dutch_400_page(visitor, lang, title):
    response = visitor.get("/", HTTP_HOST="aanvaller.example", **language(lang))

    assert_portal_page(response, status=400, title=title, lang=lang)
    assert "aanvaller" not in response.content.decode()


@pytest.mark.parametrize(("lang", "title"), [("nl-be", "Geen toegang"), ("en", "No access")])
def test_a_refused_page_gives_the_dutch_403_page(visitor, lang, title):
    with mock.patch.object(HomeView, "get", side_effect=PermissionDenied("secret reason")):
        response = visitor.get("/", **language(lang))

    assert_portal_page(response, status=403, title=title, lang=lang)
    assert "secret reason" not in response.content.decode()


@pytest.mark.parametrize(
    ("lang", "title"), [("nl-be", "Formulier verlopen"), ("en", "Form expired")]
)
def test_a_form_without_its_csrf_token_gives_the_dutch_403_page(lang, title):
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(reverse("set_language"), {"language": "en"}, **language(lang))

    assert_portal_page(response, status=403, title=title, lang=lang)
    assert "CSRF" not in response.content.decode()


# --- 429 -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "title"), [("nl-be", "Even geduld"), ("en", "Please wait a moment")]
)
def test_too_many_searches_give_the_dutch_429_page(visitor, settings, lang, title):
    settings.DIRECTORY_RATE_LIMIT = "1/m"
    settings.DIRECTORY_CACHE_SECONDS = 0
    visitor.get(reverse("directory:search"), REMOTE_ADDR="192.0.2.13")

    response = visitor.get(reverse("directory:search"), REMOTE_ADDR="192.0.2.13", **language(lang))

    assert_portal_page(response, status=429, title=title, lang=lang)
    assert response["Retry-After"] == "60"


# --- 500 -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "title"), [("nl-be", "Er ging iets mis"), ("en", "Something went wrong")]
)
def test_an_error_gives_the_dutch_500_page(visitor, lang, title):
    error = RuntimeError("secret detail in /work/portal/settings.py")
    with mock.patch.object(HomeView, "get", side_effect=error):
        response = visitor.get("/", **language(lang))

    assert_portal_page(response, status=500, title=title, lang=lang)
    assert "secret detail" not in response.content.decode()
    assert response["Cache-Control"] == "no-store"


def test_the_500_page_is_not_djangos_bare_english_page(visitor):
    with mock.patch.object(HomeView, "get", side_effect=RuntimeError):
        response = visitor.get("/")

    assert "Server Error (500)" not in response.content.decode()


# --- 503: the database is down ----------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "title"),
    [("nl-be", "Tijdelijk niet beschikbaar"), ("en", "Temporarily unavailable")],
)
def test_the_database_down_gives_the_dutch_503_page(visitor, lang, title):
    with connection.execute_wrapper(database_down):
        response = visitor.get(reverse("directory:search"), **language(lang))

    assert_portal_page(response, status=503, title=title, lang=lang)
    assert response["Retry-After"] == "60"
    assert "5432" not in response.content.decode()


def test_the_database_down_gives_the_503_page_to_a_signed_in_user(visitor, alice):
    """The session and the user are in the database: the page needs neither."""
    MembershipFactory(user=alice)
    visitor.force_login(alice)

    with connection.execute_wrapper(database_down):
        response = visitor.get(reverse("establishments:list"))

    assert_portal_page(response, status=503, title="Tijdelijk niet beschikbaar", lang="nl-be")
    assert "Alice" not in response.content.decode()


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_database_that_cannot_be_reached_gives_the_503_page(visitor, error):
    """No connection at all: connecting to a closed port fails before any query."""
    with mock.patch.object(
        connection, "ensure_connection", side_effect=error("Connection refused")
    ):
        response = visitor.get(reverse("directory:search"))

    assert_portal_page(response, status=503, title="Tijdelijk niet beschikbaar", lang="nl-be")


def test_the_database_down_while_saving_gives_the_503_page(visitor, alice):
    visitor.force_login(alice)
    url = reverse("establishments:create")
    visitor.get(url)

    def down_on_write(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE")):
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(down_on_write):
        response = visitor.post(
            url,
            {"postcode": "9000", "municipality": "Gent", "street": "Kouter", "house_number": "1"},
        )

    assert response.status_code == 503
