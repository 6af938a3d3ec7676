"""OIDC relying party (stub, replaced by the login work)."""

from mozilla_django_oidc.auth import OIDCAuthenticationBackend


class PortalOIDCBackend(OIDCAuthenticationBackend):
    pass
