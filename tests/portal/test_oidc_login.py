"""Signing in (portal.oidc.views): the request to the OP, where the user lands, switching
organisation, what the session keeps, failures."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from organisations.models import Organisation
from portal.access import SESSION_ACTIVE_ORGANISATIONS
from portal.models import User
from portal.oidc.views import reauthentication_url
from tests.factories import OrganisationFactory, UserFactory
from tests.portal.oidc_support import (
    CLIENT_ID,
    ISSUER,
    KBO_A,
    KBO_B,
    KBO_C,
    KBO_SME,
    decode_login_hint,
    provider_right,
    rsa_key,
    s256,
    sme_right,
)

pytestmark = pytest.mark.django_db


# --- The request to the OP ----------------------------------------------------


def test_it_sends_the_browser_to_the_op_with_state_nonce_and_pkce(client, op):
    params = op.start_sign_in(client)

    assert params["_endpoint"] == f"{ISSUER}/v1/auth"
    assert params["client_id"] == CLIENT_ID
    assert params["response_type"] == "code"
    assert params["scope"] == "openid profile vo vlaio_inkom"
    assert params["redirect_uri"] == "http://testserver/oidc/callback/"
    assert params["code_challenge_method"] == "S256"
    assert len(params["state"]) >= 32
    assert len(params["nonce"]) >= 32
    assert "login_hint" not in params


def test_it_proves_pkce_at_the_token_endpoint(client, op):
    params = op.start_sign_in(client)
    op.id_token = op.sign(op.claims(nonce=params["nonce"]))

    client.get(reverse("oidc_authentication_callback"), {"code": "c", "state": params["state"]})

    token_request = op.token_requests[0]
    assert s256(token_request["code_verifier"]) == params["code_challenge"]
    assert token_request["client_id"] == CLIENT_ID


def test_it_passes_prompt_login_and_max_age_on(client, op):
    params = op.start_sign_in(client, {"prompt": "login", "max_age": "300"})

    assert params["prompt"] == "login"
    assert params["max_age"] == "300"


def test_it_ignores_other_prompt_values(client, op):
    params = op.start_sign_in(client, {"prompt": "none", "max_age": "soon"})

    assert "prompt" not in params
    assert "max_age" not in params


def test_the_reauthentication_url_forces_a_new_sign_in(client, op):
    url = reauthentication_url("/dienstverlener/registraties/")

    response = client.get(url)

    assert "prompt=login" in response["Location"]
    assert client.session["oidc_login_next"] == "/dienstverlener/registraties/"


# --- What the session keeps ------------------------------------------------------


def test_it_keeps_the_id_token_and_sign_in_method_in_the_session(client, op):
    op.sign_in(client, acr="eid")

    assert client.session["oidc_id_token"] == op.id_token
    assert client.session["portal_acr"] == "eid"


def test_it_keeps_the_moment_of_sign_in_for_sensitive_changes(client, op):
    op.sign_in(client, auth_time=1_700_000_000)

    assert client.session["portal_auth_time"] == 1_700_000_000


# --- Where the user lands -----------------------------------------------------------


def test_a_provider_of_one_organisation_lands_on_the_menu_for_it(client, op):
    op.sign_in(client)

    response = client.get(reverse("portal:after-login"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("portal:provider-menu")
    assert "Vormingscentrum Schelde" in response.content.decode()


def test_an_sme_signing_in_from_the_home_page_lands_on_its_applications(client, op):
    home = client.get(reverse("portal:home"))
    next_url = parse_qs(urlparse(home.context["sme_login_url"]).query)["next"][0]

    callback = op.sign_in(
        client, {"next": next_url}, vlaio_inkom_rol_3d=[sme_right(KBO_SME)], vo_orgcode=KBO_SME
    )
    response = client.get(callback["Location"])

    assert callback["Location"] == reverse("sme-projects:list")
    assert response.status_code == 200
    assert "Mijn steunaanvragen" in response.content.decode()


def test_a_provider_signing_in_from_the_home_page_still_lands_on_the_menu(client, op):
    callback = op.sign_in(client)

    response = client.get(callback["Location"], follow=True)

    assert callback["Location"] == reverse("portal:after-login")
    assert response.redirect_chain[-1][0] == reverse("portal:provider-menu")


def test_a_provider_of_several_organisations_chooses_one_first(client, op):
    op.sign_in(client, vlaio_inkom_rol_3d=[provider_right(KBO_A), provider_right(KBO_B)])

    response = client.get(reverse("portal:after-login"), follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("portal:choose-organisation"))
    content = response.content.decode()
    assert "Kies de organisatie" in content
    assert "0123.456.749" in content and "0234.567.873" in content


def test_an_sme_user_lands_on_the_sme_page_not_on_no_access(client, op):
    op.sign_in(client, vlaio_inkom_rol_3d=[sme_right(KBO_SME)], vo_orgcode=KBO_SME)

    response = client.get(reverse("portal:after-login"), follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("portal:sme-home")


def test_a_user_without_rights_gets_the_no_access_page(client, op):
    op.sign_in(client, vlaio_inkom_rol_3d=None)

    response = client.get(reverse("portal:after-login"))

    assert response.status_code == 403
    assert "VLAIO Inkom Gebruiker Nieuw" in response.content.decode()


# --- Switching organisation: ACM's targeted login ---------------------------------


def test_the_switch_sends_a_login_hint_for_an_own_organisation(client, op):
    op.sign_in(client, vlaio_inkom_rol_3d=[provider_right(KBO_A), provider_right(KBO_B)])

    params = op.start_sign_in(client, {"organisation": KBO_B})

    assert decode_login_hint(params["login_hint"]) == {"cap_hint": "EA", "code_hint": KBO_B}


def test_the_switch_sends_no_login_hint_for_another_organisation(client, op):
    op.sign_in(client)
    OrganisationFactory(kbo_number=KBO_C)

    params = op.start_sign_in(client, {"organisation": KBO_C})

    assert "login_hint" not in params


def test_an_anonymous_visitor_cannot_target_an_organisation(client, op):
    OrganisationFactory(kbo_number=KBO_A)

    params = op.start_sign_in(client, {"organisation": KBO_A})

    assert "login_hint" not in params


def test_after_a_targeted_sign_in_the_organisation_in_the_token_is_active(client, op):
    rights = [provider_right(KBO_A), provider_right(KBO_B)]
    op.sign_in(client, vlaio_inkom_rol_3d=rights)

    op.sign_in(client, {"organisation": KBO_B}, vlaio_inkom_rol_3d=rights, vo_orgcode=KBO_B)

    organisation_b = Organisation.objects.get(kbo_number=KBO_B)
    assert client.session[SESSION_ACTIVE_ORGANISATIONS] == {"provider": organisation_b.pk}
    response = client.get(reverse("portal:provider-menu"))
    assert response.status_code == 200
    assert response.context["organisation"] == organisation_b


def test_an_untargeted_sign_in_forgets_the_previous_choice(client, op):
    rights = [provider_right(KBO_A), provider_right(KBO_B)]
    op.sign_in(client, {"organisation": KBO_B}, vlaio_inkom_rol_3d=rights, vo_orgcode=KBO_B)

    op.sign_in(client, vlaio_inkom_rol_3d=rights)

    assert SESSION_ACTIVE_ORGANISATIONS not in client.session


# --- Failures end on a friendly page -------------------------------------------------


def assert_friendly_failure(response):
    assert response.status_code == 400
    content = response.content.decode()
    assert "Aanmelden is niet gelukt" in content
    assert "Opnieuw aanmelden" in content
    assert reverse("oidc_authentication_init") in content


def test_a_callback_with_an_unknown_state_shows_the_friendly_page(client, op):
    op.start_sign_in(client)

    response = client.get(
        reverse("oidc_authentication_callback"), {"code": "c", "state": "not-our-state"}
    )

    assert_friendly_failure(response)
    assert "_auth_user_id" not in client.session


def test_a_callback_without_a_session_shows_the_friendly_page(client, op):
    response = client.get(reverse("oidc_authentication_callback"), {"code": "c", "state": "s"})

    assert_friendly_failure(response)


def test_a_replayed_callback_shows_the_friendly_page(client, op):
    params = op.start_sign_in(client)
    op.id_token = op.sign(op.claims(nonce=params["nonce"]))
    callback = {"code": "c", "state": params["state"]}
    assert client.get(reverse("oidc_authentication_callback"), callback).status_code == 302

    response = client.get(reverse("oidc_authentication_callback"), callback)

    assert_friendly_failure(response)


def test_an_error_from_the_op_shows_the_friendly_page(client, op):
    params = op.start_sign_in(client)

    response = client.get(
        reverse("oidc_authentication_callback"),
        {"error": "access_denied", "state": params["state"]},
    )

    assert_friendly_failure(response)


def test_a_forged_token_shows_the_friendly_page_and_signs_nobody_in(client, op):
    params = op.start_sign_in(client)
    op.id_token = op.sign(op.claims(nonce=params["nonce"]), key=rsa_key("attacker"), kid="key-1")

    response = client.get(
        reverse("oidc_authentication_callback"), {"code": "c", "state": params["state"]}
    )

    assert_friendly_failure(response)
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(oidc_subject="sub-alice").exists()


def test_a_refused_code_shows_the_friendly_page(client, op):
    params = op.start_sign_in(client)
    op.token_status = 400

    response = client.get(
        reverse("oidc_authentication_callback"), {"code": "c", "state": params["state"]}
    )

    assert_friendly_failure(response)


def test_a_blocked_user_cannot_sign_in(client, op):
    UserFactory(oidc_subject="sub-alice", is_active=False)

    response = op.sign_in(client)

    assert_friendly_failure(response)
    assert "_auth_user_id" not in client.session
