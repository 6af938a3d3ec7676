"""Helpers for the stand-in's tests: demo data, stand-in sign-in and an OIDC client."""

import base64
import hashlib
import json
import secrets
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
import pytest
from django.conf import settings
from django.urls import reverse

from standin import demo

REDIRECT_URI = "http://testserver/oidc/callback/"
POST_LOGOUT_URI = "http://testserver/"


@pytest.fixture
def people(db):
    """The demo people by key (marleen, koen, sofie, pieter, an, tom)."""
    return demo.load()


@pytest.fixture
def application(people, standin_application):
    return standin_application(
        redirect_uris=[REDIRECT_URI], post_logout_redirect_uris=[POST_LOGOUT_URI]
    )


def sign_in(client, person, method="itsme", next_url=""):
    """Sign in at the stand-in as `person` the way a browser does."""
    url = reverse("standin:sign-in-check", args=[method])
    return client.post(url, {"person": str(person.uuid), "next": next_url})


def login_hint(kbo):
    return base64.urlsafe_b64encode(
        json.dumps({"cap_hint": "EA", "code_hint": kbo}).encode()
    ).decode()


class OidcClient:
    """Drives the authorization-code flow with PKCE against the stand-in."""

    def __init__(self, client):
        self.client = client
        self.verifier = secrets.token_urlsafe(48)
        self.nonce = secrets.token_urlsafe(16)
        self.state = secrets.token_urlsafe(16)

    def authorize_url(self, **extra):
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(self.verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        params = {
            "response_type": "code",
            "client_id": settings.OIDC_RP_CLIENT_ID,
            "redirect_uri": REDIRECT_URI,
            "scope": settings.OIDC_RP_SCOPES,
            "state": self.state,
            "nonce": self.nonce,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            **extra,
        }
        return f"{reverse('oauth2_provider:authorize')}?{urlencode(params)}"

    def authorize(self, **extra):
        return self.client.get(self.authorize_url(**extra))

    @staticmethod
    def code_from(response):
        assert response.status_code == 302, response
        query = parse_qs(urlparse(response["Location"]).query)
        return query["code"][0], query["state"][0]

    def exchange(self, code):
        response = self.client.post(
            reverse("oauth2_provider:token"),
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": REDIRECT_URI,
                "client_id": settings.OIDC_RP_CLIENT_ID,
                "client_secret": settings.OIDC_RP_CLIENT_SECRET,
                "code_verifier": self.verifier,
            },
        )
        assert response.status_code == 200, response.content
        return response.json()

    def verified_claims(self, id_token):
        """Decode the ID token with the public key published in the JWKS."""
        jwks = self.client.get(reverse("oauth2_provider:jwks-info")).json()
        kid = jwt.get_unverified_header(id_token)["kid"]
        key = next(jwt.PyJWK(k) for k in jwks["keys"] if k["kid"] == kid)
        return jwt.decode(
            id_token, key.key, algorithms=["RS256"], audience=settings.OIDC_RP_CLIENT_ID
        )

    def userinfo(self, access_token):
        response = self.client.get(
            reverse("oauth2_provider:user-info"), HTTP_AUTHORIZATION=f"Bearer {access_token}"
        )
        assert response.status_code == 200, response.content
        return response.json()

    def login(self, **extra):
        """Authorize (already signed in), exchange the code; return (claims, tokens)."""
        code, state = self.code_from(self.authorize(**extra))
        assert state == self.state
        tokens = self.exchange(code)
        return self.verified_claims(tokens["id_token"]), tokens


@pytest.fixture
def oidc(client, application):
    return OidcClient(client)
