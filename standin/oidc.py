"""The stand-in's claims, wired into django-oauth-toolkit's OpenID Connect support."""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from oauth2_provider.models import get_grant_model
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauthlib.oauth2 import InvalidRequestError

from standin.selectors import person_claims


def person_for_user(user):
    """The stand-in Person behind a signed-in user, or None."""
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.standin_person
    except ObjectDoesNotExist:
        return None


class StandinOAuth2Validator(OAuth2Validator):
    """Puts ACM's claims in the ID token and the userinfo response.

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
