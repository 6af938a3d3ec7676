"""A fake OpenID provider for the portal's sign-in tests.

It stubs the two server-to-server calls the portal makes (the JWKS and the
token endpoint) at the `requests` layer, signs ID tokens with RSA keys made
here, and can rotate its keys. Browser-side steps go through the Django test
client, so state, nonce and PKCE are the portal's real ones.
"""

import base64
import hashlib
import json
import time
from unittest import mock
from urllib.parse import parse_qs, urlparse

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.cache import cache
from django.urls import reverse

ISSUER = "https://op.example.test/op"
CLIENT_ID = "kmo-portal-test"
CLIENT_SECRET = "a-client-secret-that-is-long-enough-for-hs256"
KBO_A = "0123456749"
KBO_B = "0234567873"
KBO_C = "0345678997"
KBO_SME = "0456789034"

_KEYS = {}


def rsa_key(name):
    """An RSA private key, made once per test run for each name."""
    if name not in _KEYS:
        _KEYS[name] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return _KEYS[name]


def public_jwk(kid, key):
    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    jwk.update({"kid": kid, "alg": "RS256", "use": "sig"})
    return jwk


def right(profile, kbo):
    return f"VLAIOInkomGebruikerNieuw-{profile}:{kbo}"


def provider_right(kbo):
    return right("DienstverlenerKmoPortefeuille", kbo)


def sme_right(kbo):
    return right("Gebruiker", kbo)


def _response(url, status, payload):
    response = requests.Response()
    response.status_code = status
    response.url = url
    response._content = json.dumps(payload).encode()
    response.headers["content-type"] = "application/json"
    return response


class FakeOP:
    """Context manager: points the portal's OIDC settings at a fake OP."""

    def __init__(self, settings):
        self.settings = settings
        settings.OIDC_OP_ISSUER = ISSUER
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{ISSUER}/v1/auth"
        settings.OIDC_OP_TOKEN_ENDPOINT = f"{ISSUER}/v1/token"
        settings.OIDC_OP_USER_ENDPOINT = f"{ISSUER}/v1/userinfo"
        settings.OIDC_OP_JWKS_ENDPOINT = f"{ISSUER}/v1/keys"
        settings.OIDC_OP_LOGOUT_ENDPOINT = f"{ISSUER}/v1/logout"
        settings.OIDC_RP_CLIENT_ID = CLIENT_ID
        settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
        self.published = {"key-1": rsa_key("key-1")}
        self.signing_kid = "key-1"
        self.jwks_requests = 0
        self.token_requests = []
        self.id_token = None
        self.token_status = 200

    def __enter__(self):
        cache.clear()
        self._patches = [
            mock.patch("requests.get", side_effect=self._get),
            mock.patch("requests.post", side_effect=self._post),
        ]
        for patch in self._patches:
            patch.start()
        return self

    def __exit__(self, *exc_info):
        for patch in self._patches:
            patch.stop()
        cache.clear()

    def _get(self, url, **kwargs):
        if url == self.settings.OIDC_OP_JWKS_ENDPOINT:
            self.jwks_requests += 1
            keys = [public_jwk(kid, key) for kid, key in self.published.items()]
            return _response(url, 200, {"keys": keys})
        raise AssertionError(f"unexpected GET {url}")

    def _post(self, url, data=None, **kwargs):
        assert url == self.settings.OIDC_OP_TOKEN_ENDPOINT, url
        self.token_requests.append(dict(data or {}))
        if self.token_status != 200:
            return _response(url, self.token_status, {"error": "invalid_grant"})
        return _response(
            url,
            200,
            {"id_token": self.id_token, "access_token": "access-1", "token_type": "Bearer"},
        )

    def rotate(self, new_kid):
        """The OP signs with a new key and no longer publishes the old one."""
        self.published = {new_kid: rsa_key(new_kid)}
        self.signing_kid = new_kid

    @staticmethod
    def claims(**overrides):
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "aud": CLIENT_ID,
            "sub": "sub-alice",
            "iat": now,
            "exp": now + 300,
            "auth_time": now,
            "nonce": "nonce-1",
            "given_name": "Alice",
            "family_name": "Peeters",
            "vo_id": "vo-id-alice",
            "vo_doelgroepcode": "EA",
            "vo_email": "alice@vormingscentrum.be",
            "vo_orgcode": KBO_A,
            "vo_orgnaam": "Vormingscentrum Schelde",
            "acr": "itsme",
            "vlaio_inkom_rol_3d": [provider_right(KBO_A)],
        }
        claims.update(overrides)
        return {name: value for name, value in claims.items() if value is not None}

    def sign(self, claims, *, key=None, kid=None, algorithm="RS256", headers=None):
        kid = kid or self.signing_kid
        key = key if key is not None else rsa_key(kid)
        return jwt.encode(
            claims, key, algorithm=algorithm, headers={"kid": kid, **(headers or {})}
        )

    def start_sign_in(self, client, query=None):
        """The portal's redirect to the OP: returns its query parameters."""
        response = client.get(reverse("oidc_authentication_init"), query or {})
        assert response.status_code == 302, response.status_code
        location = urlparse(response["Location"])
        params = {name: values[0] for name, values in parse_qs(location.query).items()}
        params["_endpoint"] = f"{location.scheme}://{location.netloc}{location.path}"
        return params

    def sign_in(self, client, query=None, **claim_overrides):
        """A whole sign-in: the OP issues an ID token for the request's nonce."""
        params = self.start_sign_in(client, query)
        self.id_token = self.sign(self.claims(nonce=params["nonce"], **claim_overrides))
        return client.get(
            reverse("oidc_authentication_callback"), {"code": "code-1", "state": params["state"]}
        )


def decode_login_hint(value):
    return json.loads(base64.b64decode(value))


def s256(verifier):
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")
