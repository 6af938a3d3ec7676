"""The ID token is verified by the portal itself: forged or wrong tokens are refused."""

import time

import jwt
import pytest
from django.core.exceptions import SuspiciousOperation

from portal.oidc.tokens import verify_id_token
from tests.portal.oidc_support import CLIENT_ID, CLIENT_SECRET, rsa_key


def test_it_accepts_a_token_signed_by_the_op_for_this_client(op):
    claims = verify_id_token(op.sign(op.claims()), nonce="nonce-1")

    assert claims["sub"] == "sub-alice"


def test_it_refuses_a_token_signed_with_another_rsa_key(op):
    forged = op.sign(op.claims(), key=rsa_key("attacker"), kid="key-1")

    with pytest.raises(SuspiciousOperation):
        verify_id_token(forged, nonce="nonce-1")


def test_it_refuses_an_unsigned_token(op):
    unsigned = jwt.encode(op.claims(), None, algorithm="none", headers={"kid": "key-1"})

    with pytest.raises(SuspiciousOperation, match="algorithm"):
        verify_id_token(unsigned, nonce="nonce-1")


def test_it_refuses_a_token_signed_with_the_client_secret(op):
    hs256 = jwt.encode(op.claims(), CLIENT_SECRET, algorithm="HS256", headers={"kid": "key-1"})

    with pytest.raises(SuspiciousOperation, match="algorithm"):
        verify_id_token(hs256, nonce="nonce-1")


def test_it_refuses_an_rs256_header_over_an_hmac_signature(op):
    # The classic key-confusion attack: HMAC keyed with the public key, header says RS256.
    token = jwt.encode(op.claims(), CLIENT_SECRET, algorithm="HS256", headers={"kid": "key-1"})
    _header, payload, signature = token.split(".")
    forged_header = jwt.utils.base64url_encode(
        b'{"alg":"RS256","kid":"key-1","typ":"JWT"}'
    ).decode()

    with pytest.raises(SuspiciousOperation):
        verify_id_token(f"{forged_header}.{payload}.{signature}", nonce="nonce-1")


def test_it_refuses_a_token_from_another_issuer(op):
    with pytest.raises(SuspiciousOperation, match="InvalidIssuer"):
        verify_id_token(op.sign(op.claims(iss="https://evil.example/op")), nonce="nonce-1")


def test_it_refuses_a_token_for_another_client(op):
    with pytest.raises(SuspiciousOperation, match="InvalidAudience"):
        verify_id_token(op.sign(op.claims(aud="another-client")), nonce="nonce-1")


def test_it_refuses_several_audiences_without_our_azp(op):
    token = op.sign(op.claims(aud=[CLIENT_ID, "another-client"]))

    with pytest.raises(SuspiciousOperation, match="azp"):
        verify_id_token(token, nonce="nonce-1")


def test_it_accepts_several_audiences_when_azp_is_this_client(op):
    token = op.sign(op.claims(aud=[CLIENT_ID, "another-client"], azp=CLIENT_ID))

    assert verify_id_token(token, nonce="nonce-1")["azp"] == CLIENT_ID


def test_it_refuses_a_token_authorised_for_another_party(op):
    with pytest.raises(SuspiciousOperation, match="another party"):
        verify_id_token(op.sign(op.claims(azp="another-client")), nonce="nonce-1")


def test_it_refuses_a_token_with_another_nonce(op):
    with pytest.raises(SuspiciousOperation, match="nonce"):
        verify_id_token(op.sign(op.claims(nonce="nonce-of-another-login")), nonce="nonce-1")


def test_it_refuses_a_token_without_a_nonce(op):
    with pytest.raises(SuspiciousOperation, match="nonce"):
        verify_id_token(op.sign(op.claims(nonce=None)), nonce="nonce-1")


def test_it_refuses_an_expired_token(op):
    now = int(time.time())
    token = op.sign(op.claims(iat=now - 3600, exp=now - 600))

    with pytest.raises(SuspiciousOperation, match="ExpiredSignature"):
        verify_id_token(token, nonce="nonce-1")


def test_it_refuses_a_token_issued_in_the_future(op):
    now = int(time.time())
    token = op.sign(op.claims(iat=now + 3600, exp=now + 7200))

    with pytest.raises(SuspiciousOperation, match="ImmatureSignature"):
        verify_id_token(token, nonce="nonce-1")


@pytest.mark.parametrize("missing", ["iss", "aud", "exp", "iat", "sub"])
def test_it_refuses_a_token_without_a_required_claim(op, missing):
    with pytest.raises(SuspiciousOperation):
        verify_id_token(op.sign(op.claims(**{missing: None})), nonce="nonce-1")


def test_it_refuses_a_token_that_is_no_jwt(op):
    with pytest.raises(SuspiciousOperation):
        verify_id_token("not-a-token", nonce="nonce-1")


def test_it_caches_the_key_set(op):
    verify_id_token(op.sign(op.claims()), nonce="nonce-1")
    verify_id_token(op.sign(op.claims()), nonce="nonce-1")

    assert op.jwks_requests == 1


def test_it_fetches_the_key_set_again_when_the_op_rotates_its_key(op):
    verify_id_token(op.sign(op.claims()), nonce="nonce-1")
    op.rotate("key-2")

    claims = verify_id_token(op.sign(op.claims()), nonce="nonce-1")

    assert claims["sub"] == "sub-alice"
    assert op.jwks_requests == 2


def test_it_refetches_only_once_for_an_unknown_key_id(op):
    verify_id_token(op.sign(op.claims()), nonce="nonce-1")
    token = op.sign(op.claims(), key=rsa_key("attacker"), kid="unknown-kid")

    with pytest.raises(SuspiciousOperation, match="key id"):
        verify_id_token(token, nonce="nonce-1")
    assert op.jwks_requests == 2


def test_it_reads_the_endpoints_at_call_time(op, settings):
    settings.OIDC_OP_ISSUER = "https://other-op.example.test"

    with pytest.raises(SuspiciousOperation, match="InvalidIssuer"):
        verify_id_token(op.sign(op.claims()), nonce="nonce-1")
