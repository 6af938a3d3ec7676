"""The stand-in's claims, wired into django-oauth-toolkit's OpenID Connect support,
and the two rules of the protocol that DOT leaves to its validator: a reused
authorization code revokes what it gave, and `prompt=none` never shows a page."""

import logging
import uuid

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from oauth2_provider.models import get_grant_model, get_refresh_token_model
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauthlib.oauth2 import InvalidRequestError
from oauthlib.oauth2.rfc6749 import errors

from standin.selectors import person_claims

LOGGER = logging.getLogger(__name__)

# Namespace of the refresh-token families named after an authorization code.
CODE_TOKEN_FAMILY = uuid.UUID("5d0c6a51-8f6e-4c57-9a55-3f0f1f0c2b6e")


def person_for_user(user):
    """The stand-in Person behind a signed-in user, or None."""
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.standin_person
    except ObjectDoesNotExist:
        return None


def code_token_family(code):
    """The token family of the refresh tokens issued for authorization `code`.

    DOT deletes the grant when the code is redeemed and keeps nothing that leads
    from a code to its tokens; a family named after the code (a one-way UUID 5, the
    code itself is not stored) lets a second use of the code find them. Refreshing
    keeps the family, so the tokens refreshed from it are found too.
    """
    return uuid.uuid5(CODE_TOKEN_FAMILY, code)


def revoke_tokens_of_code(code):
    """Revoke every refresh token issued for `code`, and with each its access token."""
    refresh_tokens = get_refresh_token_model().objects.filter(
        token_family=code_token_family(code), revoked__isnull=True
    )
    revoked = 0
    for refresh_token in refresh_tokens:
        refresh_token.revoke()
        revoked += 1
    return revoked


class StandinOAuth2Validator(OAuth2Validator):
    """Puts ACM's claims in the ID token and the userinfo response; revokes the tokens
    of a reused authorization code; answers DOT's questions for `prompt=none`.

    DOT drops every claim that `oidc_claim_scope` does not map to a requested
    scope, so each custom claim is mapped to the scope that carries it at ACM.
    """

    @property
    def oidc_claim_scope(self):
        return {
            **OAuth2Validator.oidc_claim_scope,
            "acr": "openid",
            "auth_time": "openid",
            "vo_id": "vo",
            "vo_doelgroepcode": "vo",
            "vo_orgcode": "vo",
            "vo_orgnaam": "vo",
            "vo_email": "vo",
            settings.OIDC_ROLE_CLAIM: settings.OIDC_APP_SCOPE,
        }

    def _load_application(self, client_id, request):
        # PostgreSQL cannot compare text holding NUL: such an id is nobody's (invalid_client).
        if "\x00" in str(client_id or ""):
            return None
        return super()._load_application(client_id, request)

    def save_authorization_code(self, client_id, code, request, *args, **kwargs):
        # The grant keeps these as they came: refuse what its columns cannot hold (a
        # NUL, which PostgreSQL refuses, or more than the column's length).
        grant = get_grant_model()
        for name in ("nonce", "code_challenge", "code_challenge_method"):
            value = str(getattr(request, name, None) or "")
            if "\x00" in value or len(value) > grant._meta.get_field(name).max_length:
                raise InvalidRequestError(description=f"Invalid {name}.", request=request)
        return super().save_authorization_code(client_id, code, request, *args, **kwargs)

    def get_additional_claims(self, request):
        person = person_for_user(request.user)
        if person is None:
            return {}
        claims = person_claims(person)
        # The ID token gets auth_time from DOT (last_login); userinfo only from here.
        if request.user.last_login:
            claims["auth_time"] = int(request.user.last_login.timestamp())
        return claims

    def get_discovery_claims(self, request):
        return sorted(
            {
                "sub",
                "given_name",
                "family_name",
                "acr",
                "auth_time",
                "vo_id",
                "vo_doelgroepcode",
                "vo_orgcode",
                "vo_orgnaam",
                "vo_email",
                settings.OIDC_ROLE_CLAIM,
            }
        )

    # --- A code used twice (RFC 6749 §4.1.2) ------------------------------------------
    # "If an authorization code is used more than once, the authorization server MUST
    # deny the request and SHOULD revoke (when possible) all tokens previously issued
    # based on that authorization code." DOT denies it; these revoke.

    def _create_refresh_token(
        self, request, refresh_token_code, access_token, previous_refresh_token
    ):
        refresh_token = super()._create_refresh_token(
            request, refresh_token_code, access_token, previous_refresh_token
        )
        if previous_refresh_token is None and request.grant_type == "authorization_code":
            refresh_token.token_family = code_token_family(request.code)
            refresh_token.save(update_fields=["token_family"])
        return refresh_token

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        if super().validate_code(client_id, code, client, request, *args, **kwargs):
            return True
        # Unknown, expired or already redeemed: only the last has tokens to revoke.
        self._revoke_on_reuse(code)
        return False

    def invalidate_authorization_code(self, client_id, code, request, *args, **kwargs):
        try:
            super().invalidate_authorization_code(client_id, code, request, *args, **kwargs)
        except errors.InvalidGrantError:
            # Two requests with the same code passed validation at once and both were
            # given tokens; the one that finds the grant gone revokes them all.
            self._revoke_on_reuse(code)
            raise

    @staticmethod
    def _revoke_on_reuse(code):
        if revoke_tokens_of_code(code):
            LOGGER.warning("An authorization code was used a second time: its tokens are revoked.")

    # --- prompt=none (OIDC Core §3.1.2.6) -----------------------------------------------

    def validate_silent_login(self, request):
        """Whether someone is signed in: only the authorize view sees the session, and it
        answers `login_required` itself to a `prompt=none` request without a stand-in
        sign-in (or one older than `max_age`), so a request that gets here has one."""
        return True

    def validate_silent_authorization(self, request):
        """No consent to ask: true for a client registered without a consent screen,
        as every client of the stand-in is (standin.demo.register_client)."""
        return bool(request.client and request.client.skip_authorization)
