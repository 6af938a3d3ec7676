"""Issue 13, the ACM/IDM stand-in as reference OpenID provider (ASVS V13, V2, V3).

The flow is the real one of tests/standin: the browser steps and the
server-to-server token and userinfo calls go through the test client, against
DOT's endpoints as the stand-in publishes them.
"""

import time
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings
from django.urls import reverse
from oauth2_provider.models import AccessToken, Application, RefreshToken
from oauthlib.common import Request
from oauthlib.oauth2.rfc6749 import errors

from standin import demo
from standin.oidc import StandinOAuth2Validator
from tests.factories import UserFactory
from tests.standin.conftest import POST_LOGOUT_URI, REDIRECT_URI, OidcClient, sign_in


@pytest.fixture
def people(db):
    return demo.load()


@pytest.fixture
def oidc(client, people, standin_application):
    standin_application(redirect_uris=[REDIRECT_URI], post_logout_redirect_uris=[POST_LOGOUT_URI])
    return OidcClient(client)


def token_request(client, oidc, code):
    return client.post(
        reverse("oauth2_provider:token"),
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "client_id": settings.OIDC_RP_CLIENT_ID,
            "client_secret": settings.OIDC_RP_CLIENT_SECRET,
            "code_verifier": oidc.verifier,
        },
    )


def refresh_request(client, refresh_token):
    return client.post(
        reverse("oauth2_provider:token"),
        {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": settings.OIDC_RP_CLIENT_ID,
            "client_secret": settings.OIDC_RP_CLIENT_SECRET,
        },
    )


def userinfo_status(client, access_token):
    return client.get(
        reverse("oauth2_provider:user-info"), HTTP_AUTHORIZATION=f"Bearer {access_token}"
    ).status_code


def redirect_query(response):
    """The parameters of a redirect to the client's redirect URI."""
    assert response.status_code == 302, response.status_code
    location = response["Location"]
    assert location.startswith(REDIRECT_URI), location
    return {name: values[0] for name, values in parse_qs(urlparse(location).query).items()}


# --- A reused authorization code (RFC 6749 §4.1.2) -------------------------------------


def test_a_reused_authorization_code_revokes_its_tokens(client, oidc, people):
    sign_in(client, people["sofie"])
    code, _state = oidc.code_from(oidc.authorize())
    tokens = oidc.exchange(code)
    assert userinfo_status(client, tokens["access_token"]) == 200

    replay = token_request(client, oidc, code)

    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    assert userinfo_status(client, tokens["access_token"]) == 401
    assert refresh_request(client, tokens["refresh_token"]).status_code == 400
    assert not AccessToken.objects.exists()
    assert not RefreshToken.objects.filter(revoked__isnull=True).exists()


def test_a_reused_code_also_revokes_the_tokens_refreshed_from_it(client, oidc, people):
    sign_in(client, people["sofie"])
    code, _state = oidc.code_from(oidc.authorize())
    first = oidc.exchange(code)
    refreshed = refresh_request(client, first["refresh_token"]).json()
    assert userinfo_status(client, refreshed["access_token"]) == 200

    assert token_request(client, oidc, code).status_code == 400

    assert userinfo_status(client, refreshed["access_token"]) == 401
    assert refresh_request(client, refreshed["refresh_token"]).status_code == 400


def test_a_reused_code_leaves_the_tokens_of_other_codes_alone(client, oidc, people):
    sign_in(client, people["sofie"])
    first_code, _state = oidc.code_from(oidc.authorize())
    first = oidc.exchange(first_code)
    second = oidc.exchange(oidc.code_from(oidc.authorize())[0])

    assert token_request(client, oidc, first_code).status_code == 400

    assert userinfo_status(client, first["access_token"]) == 401
    assert userinfo_status(client, second["access_token"]) == 200


def test_an_unknown_code_is_refused_and_revokes_nothing(client, oidc, people):
    sign_in(client, people["sofie"])
    tokens = oidc.exchange(oidc.code_from(oidc.authorize())[0])

    response = token_request(client, oidc, "a-code-the-stand-in-never-issued")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert userinfo_status(client, tokens["access_token"]) == 200


# --- prompt=none (OIDC Core §3.1.2.6) ---------------------------------------------------


def test_prompt_none_without_a_session_answers_login_required(client, oidc):
    response = oidc.authorize(prompt="none")

    assert redirect_query(response) == {"error": "login_required", "state": oidc.state}


def test_prompt_none_with_only_a_portal_session_answers_login_required(client, oidc):
    """Signed in, but not at the stand-in (no person behind the user): no page is shown."""
    client.force_login(UserFactory(username="alice"))

    response = oidc.authorize(prompt="none")

    assert redirect_query(response) == {"error": "login_required", "state": oidc.state}


def test_prompt_none_with_a_sign_in_older_than_max_age_answers_login_required(
    client, oidc, people
):
    sign_in(client, people["sofie"])
    session = client.session
    session["standin_auth_time"] = int(time.time()) - 600
    session.save()

    response = oidc.authorize(prompt="none", max_age="60")

    assert redirect_query(response) == {"error": "login_required", "state": oidc.state}


def test_prompt_none_with_a_session_issues_a_code_without_a_page(client, oidc, people):
    sign_in(client, people["sofie"])

    code, state = oidc.code_from(oidc.authorize(prompt="none"))

    assert state == oidc.state
    claims = oidc.verified_claims(oidc.exchange(code)["id_token"])
    assert claims["sub"] == str(people["sofie"].uuid)


def test_prompt_none_never_redirects_to_an_unregistered_uri(client, oidc):
    response = client.get(oidc.authorize_url(prompt="none", redirect_uri="https://evil.test/cb"))

    assert response.status_code == 400
    assert "evil.test" not in response.get("Location", "")


def test_two_uses_of_a_code_at_once_revoke_the_tokens_of_both(client, oidc, people):
    """Both token requests passed validation before either deleted the grant: the one
    that finds it gone (after saving its own tokens) revokes everything of the code."""
    sign_in(client, people["sofie"])
    code, _state = oidc.code_from(oidc.authorize())
    tokens = oidc.exchange(code)
    request = Request("http://testserver/standin/op/token/")
    request.client = Application.objects.get(client_id=settings.OIDC_RP_CLIENT_ID)

    with pytest.raises(errors.InvalidGrantError):
        StandinOAuth2Validator().invalidate_authorization_code(
            settings.OIDC_RP_CLIENT_ID, code, request
        )

    assert userinfo_status(client, tokens["access_token"]) == 401
