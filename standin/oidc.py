"""The stand-in's claims, wired into django-oauth-toolkit's OpenID Connect support."""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from oauth2_provider.oauth2_validators import OAuth2Validator

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
