"""The ID token's check: the OP's keys and every claim the portal relies on.

RS256 only, the key from the OP's JWKS (cached, refetched once on an unknown
`kid`, which is how a key rotation at the OP shows up), `iss`, `aud`/`azp`,
`exp`, `iat` and `nonce`. Anything else is a SuspiciousOperation, which the
callback view turns into the friendly failure page.
"""

import hashlib
import hmac

import jwt
import requests
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation

ALLOWED_ALGORITHMS = ("RS256",)
# Tolerated clock difference with the OP for exp/iat/nbf.
CLOCK_LEEWAY_SECONDS = 60
JWKS_CACHE_SECONDS = 5 * 60


def _jwks_cache_key():
    endpoint = settings.OIDC_OP_JWKS_ENDPOINT
    return "portal:oidc:jwks:" + hashlib.sha256(endpoint.encode()).hexdigest()[:16]


def fetch_jwks(*, refresh=False):
    """The OP's key set, from the cache unless `refresh`."""
    key = _jwks_cache_key()
    if not refresh:
        jwks = cache.get(key)
        if jwks is not None:
            return jwks
    response = requests.get(
        settings.OIDC_OP_JWKS_ENDPOINT,
        timeout=getattr(settings, "OIDC_TIMEOUT", 10),
        verify=getattr(settings, "OIDC_VERIFY_SSL", True),
        proxies=getattr(settings, "OIDC_PROXY", None),
    )
    response.raise_for_status()
    jwks = response.json()
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
        raise SuspiciousOperation("The JWKS of the OP is not a key set")
    cache.set(key, jwks, JWKS_CACHE_SECONDS)
    return jwks


def _find_signing_jwk(jwks, kid):
    for jwk in jwks["keys"]:
        if not isinstance(jwk, dict) or jwk.get("kid") != kid or jwk.get("kty") != "RSA":
            continue
        if jwk.get("use", "sig") != "sig" or jwk.get("alg", "RS256") not in ALLOWED_ALGORITHMS:
            continue
        return jwk
    return None


def signing_key(kid):
    """The OP's public key for `kid`; the key set is refetched once when the
    `kid` is unknown, which is how a key rotation at the OP shows up."""
    if not isinstance(kid, str) or not kid:
        raise SuspiciousOperation("ID token without a key id")
    jwk = _find_signing_jwk(fetch_jwks(), kid)
    if jwk is None:
        jwk = _find_signing_jwk(fetch_jwks(refresh=True), kid)
    if jwk is None:
        raise SuspiciousOperation("No key in the JWKS for the ID token's key id")
    try:
        return jwt.PyJWK(jwk, algorithm="RS256").key
    except jwt.PyJWKError as error:
        raise SuspiciousOperation("Unusable key in the JWKS") from error


def verify_id_token(token, *, nonce):
    """The claims of a valid ID token; SuspiciousOperation for anything else."""
    if not isinstance(token, str) or not token:
        raise SuspiciousOperation("No ID token in the token response")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError as error:
        raise SuspiciousOperation("The ID token is not a JWS") from error
    if header.get("alg") not in ALLOWED_ALGORITHMS:
        raise SuspiciousOperation("ID token signed with a refused algorithm")
    key = signing_key(header.get("kid"))
    client_id = settings.OIDC_RP_CLIENT_ID
    try:
        claims = jwt.decode(
            token,
            key=key,
            algorithms=list(ALLOWED_ALGORITHMS),
            audience=client_id,
            issuer=settings.OIDC_OP_ISSUER,
            leeway=CLOCK_LEEWAY_SECONDS,
            options={"require": ["iss", "sub", "aud", "exp", "iat"], "verify_iat": True},
        )
    except jwt.InvalidTokenError as error:
        raise SuspiciousOperation(f"ID token refused: {type(error).__name__}") from error
    audience = claims["aud"]
    if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") != client_id:
        raise SuspiciousOperation("ID token for several audiences without our azp")
    if "azp" in claims and claims["azp"] != client_id:
        raise SuspiciousOperation("ID token authorised for another party")
    if getattr(settings, "OIDC_USE_NONCE", True):
        token_nonce = claims.get("nonce")
        if (
            not nonce
            or not isinstance(token_nonce, str)
            or not hmac.compare_digest(token_nonce.encode(), str(nonce).encode())
        ):
            raise SuspiciousOperation("ID token nonce does not match")
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise SuspiciousOperation("ID token without a subject")
    return claims
