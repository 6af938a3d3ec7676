import datetime
import time
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings
from django.urls import reverse

from standin import demo, services
from standin.models import UserRight, WorkRelationship, today
from tests.standin.conftest import POST_LOGOUT_URI, login_hint, sign_in

ROLE = settings.OIDC_ROLE_CLAIM
SCHELDE, LEIE, KEMPEN = demo.SCHELDE, demo.LEIE, demo.KEMPEN


def role(profile, kbo):
    return f"{settings.OIDC_ROLE_RIGHT}-{profile}:{kbo}"


PROVIDER = settings.OIDC_PROFILE_PROVIDER


def test_the_discovery_document_points_at_the_stand_in_endpoints(client, db):
    response = client.get("/standin/op/.well-known/openid-configuration")

    assert response.status_code == 200
    document = response.json()
    assert document["issuer"] == "http://testserver/standin/op"
    assert document["authorization_endpoint"] == "http://testserver/standin/op/authorize/"
    assert document["jwks_uri"] == "http://testserver/standin/op/.well-known/jwks.json"
    assert "RS256" in document["id_token_signing_alg_values_supported"]
    assert {"openid", "profile", "vo", settings.OIDC_APP_SCOPE} <= set(
        document["scopes_supported"]
    )
    assert ROLE in document["claims_supported"]


def test_the_jwks_publishes_one_rsa_key_with_a_kid(client, db):
    keys = client.get("/standin/op/.well-known/jwks.json").json()["keys"]

    assert len(keys) == 1
    assert keys[0]["kty"] == "RSA"
    assert keys[0]["kid"]


def test_the_authorize_endpoint_sends_an_anonymous_visitor_to_the_stand_in_sign_in(oidc):
    response = oidc.authorize()

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("standin:sign-in"))


def test_a_full_code_flow_yields_the_contract_claims(client, oidc, people):
    sofie = people["sofie"]
    before = int(time.time())
    sign_in(client, sofie, method="eid")

    claims, _tokens = oidc.login()

    assert claims["sub"] == str(sofie.uuid)
    assert claims["sub"] != sofie.national_number
    assert claims["given_name"] == "Sofie"
    assert claims["family_name"] == "Maes"
    assert claims["vo_id"] == str(sofie.uuid)
    assert claims["vo_doelgroepcode"] == "EA"
    assert claims["vo_orgcode"] == SCHELDE
    assert claims["vo_orgnaam"] == "Vormingscentrum Schelde"
    assert claims["vo_email"]
    assert claims["acr"] == "eid"
    assert claims["nonce"] == oidc.nonce
    assert before - 1 <= claims["auth_time"] <= int(time.time()) + 1
    assert claims[ROLE] == [role(PROVIDER, SCHELDE)]
    assert sofie.national_number not in str(claims)


def test_userinfo_carries_the_same_custom_claims(client, oidc, people):
    sign_in(client, people["pieter"], method="sms_code")
    claims, tokens = oidc.login()

    info = oidc.userinfo(tokens["access_token"])

    assert info["sub"] == claims["sub"]
    assert info["acr"] == "sms_code"
    assert info["vo_orgcode"] == claims["vo_orgcode"]
    assert info[ROLE] == claims[ROLE]
    assert info["auth_time"] == claims["auth_time"]


def test_the_token_endpoint_refuses_a_wrong_code_verifier(client, oidc, people):
    sign_in(client, people["sofie"])
    code, _state = oidc.code_from(oidc.authorize())
    oidc.verifier = "x" * 64

    response = client.post(
        reverse("oauth2_provider:token"),
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": "http://testserver/oidc/callback/",
            "client_id": settings.OIDC_RP_CLIENT_ID,
            "client_secret": settings.OIDC_RP_CLIENT_SECRET,
            "code_verifier": oidc.verifier,
        },
    )

    assert response.status_code == 400


def test_an_authorization_request_without_pkce_is_refused(client, oidc, people):
    sign_in(client, people["sofie"])
    url = oidc.authorize_url().replace("code_challenge=", "ignored=")

    response = client.get(url)

    assert "code" not in parse_qs(urlparse(response["Location"]).query)


def test_the_role_claim_lists_every_valid_right_across_organisations(client, oidc, people):
    sign_in(client, people["pieter"])

    claims, _tokens = oidc.login()

    assert sorted(claims[ROLE]) == sorted([role(PROVIDER, LEIE), role(PROVIDER, KEMPEN)])
    # Without a hint: the first organisation by name.
    assert claims["vo_orgcode"] == LEIE


def test_an_expired_right_is_not_in_the_token(client, oidc, people):
    sign_in(client, people["tom"])

    claims, _tokens = oidc.login()

    assert claims[ROLE] == []
    assert "vo_orgcode" not in claims


@pytest.mark.parametrize(
    "change",
    ["right_paused", "right_in_future", "relationship_ended", "relationship_paused"],
)
def test_rights_not_valid_today_are_left_out(client, oidc, people, change):
    sofie = people["sofie"]
    right = UserRight.objects.get(work_relationship__person=sofie)
    relationship = right.work_relationship
    if change == "right_paused":
        right.paused = True
    elif change == "right_in_future":
        right.begin_date = today() + datetime.timedelta(days=1)
    elif change == "relationship_ended":
        relationship.end_date = today() - datetime.timedelta(days=1)
        right.end_date = relationship.end_date
    elif change == "relationship_paused":
        relationship.paused = True
    WorkRelationship.objects.filter(pk=relationship.pk).update(
        end_date=relationship.end_date, paused=relationship.paused
    )
    UserRight.objects.filter(pk=right.pk).update(
        begin_date=right.begin_date, end_date=right.end_date, paused=right.paused
    )
    sign_in(client, sofie)

    claims, _tokens = oidc.login()

    assert claims[ROLE] == []


def test_a_login_hint_selects_the_organisation(client, oidc, people):
    sign_in(client, people["pieter"])

    claims, _tokens = oidc.login(login_hint=login_hint(KEMPEN))

    assert claims["vo_orgcode"] == KEMPEN
    assert claims["vo_orgnaam"] == "Kennisatelier Kempen"


def test_a_login_hint_in_standard_base64_without_padding_works(client, oidc, people):
    import base64
    import json

    sign_in(client, people["pieter"])
    hint = base64.b64encode(json.dumps({"cap_hint": "EA", "code_hint": KEMPEN}).encode())

    claims, _tokens = oidc.login(login_hint=hint.decode().rstrip("="))

    assert claims["vo_orgcode"] == KEMPEN


def test_a_login_hint_for_a_foreign_organisation_falls_back_to_the_default(client, oidc, people):
    sign_in(client, people["pieter"])

    claims, _tokens = oidc.login(login_hint=login_hint(SCHELDE))

    assert claims["vo_orgcode"] == LEIE


def test_prompt_login_sends_a_signed_in_person_back_to_the_method_choice(client, oidc, people):
    sign_in(client, people["sofie"], method="eid")

    response = oidc.authorize(prompt="login")

    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(reverse("standin:sign-in"))
    next_url = parse_qs(urlparse(location).query)["next"][0]
    assert "prompt" not in parse_qs(urlparse(next_url).query)

    # Signing in again (another method) continues the flow with a fresh auth_time.
    response = sign_in(client, people["sofie"], method="itsme", next_url=next_url)
    code, _state = oidc.code_from(client.get(response["Location"]))
    claims = oidc.verified_claims(oidc.exchange(code)["id_token"])
    assert claims["acr"] == "itsme"


def test_max_age_forces_a_new_sign_in_when_the_last_one_is_too_old(client, oidc, people):
    sign_in(client, people["sofie"])
    session = client.session
    session["standin_auth_time"] = int(time.time()) - 600
    session.save()

    assert oidc.authorize(max_age="60")["Location"].startswith(reverse("standin:sign-in"))
    assert oidc.code_from(oidc.authorize(max_age="3600"))


def test_rp_initiated_logout_ends_the_session_without_a_prompt(client, oidc, people):
    sign_in(client, people["sofie"])
    _claims, tokens = oidc.login()

    response = client.get(
        reverse("oauth2_provider:rp-initiated-logout"),
        {"id_token_hint": tokens["id_token"], "post_logout_redirect_uri": POST_LOGOUT_URI},
    )

    assert response.status_code == 302
    assert response["Location"] == POST_LOGOUT_URI
    assert "_auth_user_id" not in client.session


def test_pausing_a_right_in_idm_takes_effect_in_the_next_token(client, oidc, people):
    sofie = people["sofie"]
    sign_in(client, sofie)
    first, _tokens = oidc.login()
    right = UserRight.objects.get(work_relationship__person=sofie)

    services.user_right_set_paused(actor=people["koen"], user_right=right, paused=True)
    second, _tokens = oidc.login()

    assert first[ROLE] == [role(PROVIDER, SCHELDE)]
    assert second[ROLE] == []


def test_removing_a_work_relationship_takes_effect_in_the_next_token(client, oidc, people):
    pieter = people["pieter"]
    sign_in(client, pieter)
    relationship = WorkRelationship.objects.get(person=pieter, organisation__kbo_number=LEIE)

    services.work_relationship_remove(actor=people["koen"], work_relationship=relationship)
    claims, _tokens = oidc.login()

    assert claims[ROLE] == [role(PROVIDER, KEMPEN)]
