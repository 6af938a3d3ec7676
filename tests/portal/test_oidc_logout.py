"""Signing out ends the portal session and the session at the OP."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from tests.portal.oidc_support import ISSUER

pytestmark = pytest.mark.django_db


def test_it_sends_the_browser_to_the_op_logout_with_the_id_token(client, op):
    op.sign_in(client)
    id_token = client.session["oidc_id_token"]

    response = client.post(reverse("oidc_logout"))

    location = urlparse(response["Location"])
    assert response.status_code == 302
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{ISSUER}/v1/logout"
    params = parse_qs(location.query)
    assert params["id_token_hint"] == [id_token]
    assert params["post_logout_redirect_uri"] == ["http://testserver/"]


def test_it_ends_the_portal_session(client, op):
    op.sign_in(client)

    client.post(reverse("oidc_logout"))

    assert "_auth_user_id" not in client.session
    assert "oidc_id_token" not in client.session
    assert client.get(reverse("portal:provider-menu")).status_code == 302


def test_it_does_not_log_out_on_a_get(client, op):
    op.sign_in(client)

    response = client.get(reverse("oidc_logout"))

    assert response.status_code == 405
    assert "_auth_user_id" in client.session


def test_it_names_the_client_when_there_is_no_id_token(client, op, django_user_model):
    client.force_login(django_user_model.objects.create(username="staff"))

    response = client.post(reverse("oidc_logout"))

    params = parse_qs(urlparse(response["Location"]).query)
    assert "id_token_hint" not in params
    assert params["client_id"] == ["kmo-portal-test"]
