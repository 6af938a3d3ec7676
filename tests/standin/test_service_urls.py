"""The stand-in as a service of its own (STANDIN_SERVICE, standin/service_urls.py): the
process that `make up` runs next to the portal serves the stand-in and nothing of the
portal, and the shared templates' links (header, error pages) still resolve there."""

import pytest
from django.conf import settings
from django.test import override_settings

from tests.standin.conftest import sign_in

pytestmark = pytest.mark.urls("standin.service_urls")


def test_it_serves_the_stand_in_start_page_and_its_openid_configuration(client, people):
    assert client.get("/standin/").status_code == 200

    discovery = client.get("/standin/op/.well-known/openid-configuration").json()

    assert discovery["authorization_endpoint"] == "http://testserver/standin/op/authorize/"
    assert discovery["token_endpoint"] == "http://testserver/standin/op/token/"


def test_its_root_leads_to_the_stand_in_start_page(client, db):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/standin/"


@pytest.mark.parametrize(
    "path", ["/dienstverlener/", "/admin/", "/oidc/authenticate/", "/zoeken/?q=x"]
)
def test_it_serves_none_of_the_portal_pages(client, db, path):
    response = client.get(path)

    assert response.status_code in (302, 404)
    if response.status_code == 302:
        # Only the search's name exists here: a link to the portal's own search.
        assert response["Location"].startswith(f"{settings.PORTAL_BASE_URL}/zoeken/")


@override_settings(DEBUG=False)
def test_its_not_found_page_renders_for_a_signed_in_person(client, people):
    sign_in(client, people["sofie"])

    response = client.get("/bestaat-niet/")

    assert response.status_code == 404
    # The header: the brand links to "/" (the stand-in's start), sign-out is the stand-in's.
    assert b'action="/afmelden/"' in response.content


def test_the_header_sign_out_signs_out_of_the_stand_in(client, people):
    sign_in(client, people["sofie"])

    response = client.post("/afmelden/")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
