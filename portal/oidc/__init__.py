"""The portal as OpenID Connect relying party of ACM (or the development stand-in).

mozilla-django-oidc runs the authorization-code flow with state, nonce and
PKCE (S256). It leaves the ID token's `iss` and `aud` unchecked and takes the
algorithm from settings, so the portal verifies the token itself. Three modules,
one job each:

- `tokens`: the OP's key set (JWKS, cached) and the ID-token check: RS256 only,
  `iss`, `aud`/`azp`, `exp`, `iat`, `nonce`. No models, no session.
- `claims`: the verified claims turned into a user and the organisations they may
  act for (the role claim's rights), and the authentication backend that does
  this for mozilla-django-oidc. The verified ID-token claims are the only source
  of the user's data and rights.
- `views`: the sign-in request (targeted, forced re-authentication) and callback
  views, what the session keeps of a sign-in, and the OP's logout URL.

Every endpoint and client setting is read from django.conf.settings when it
is used, never copied at import time, so override_settings and a test's
live_server work: mozilla-django-oidc's classes copy them in __init__, so the
portal's subclasses shadow those copies with `setting_property`.
"""

from django.conf import settings


def setting_property(name):
    """A class attribute that reads settings.<name> at every use."""
    return property(lambda self: getattr(settings, name))
