"""The portal as OpenID Connect relying party of ACM (or the development stand-in).

mozilla-django-oidc runs the authorization-code flow with state, nonce and
PKCE (S256). It leaves the ID token's `iss` and `aud` unchecked and takes the
algorithm from settings, so PortalOIDCBackend verifies the token itself:
RS256 only, key from the OP's JWKS (cached, refetched once on an unknown
`kid`), `iss`, `aud`/`azp`, `exp`, `iat` and `nonce`. The verified ID-token
claims are the only source of the user's data and rights.

Every endpoint and client setting is read from django.conf.settings when it
is used, never copied at import time, so override_settings and a test's
live_server work.
"""

import base64
import hashlib
import hmac
import json
import logging
import re
from dataclasses import dataclass

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from core import validators
from organisations.models import Organisation
from portal.access import clear_active_organisations, set_active_organisation
from portal.middleware import mark_session_start
from portal.models import Membership

LOGGER = logging.getLogger(__name__)

ALLOWED_ALGORITHMS = ("RS256",)
# Tolerated clock difference with the OP for exp/iat/nbf.
CLOCK_LEEWAY_SECONDS = 60
JWKS_CACHE_SECONDS = 5 * 60

# mozilla-django-oidc's own key for the ID token (read by the logout URL).
SESSION_ID_TOKEN = "oidc_id_token"  # noqa: S105 - a session key, not a secret
SESSION_ACR = "portal_acr"
# When the person signed in at the OP (the ID token's auth_time, epoch seconds):
# sensitive changes such as a new bank account ask for a recent sign-in.
SESSION_AUTH_TIME = "portal_auth_time"
SESSION_LOGIN_TARGET = "portal_login_target"

# Name given to an organisation the portal only knows by KBO number, until
# someone signs in targeted to it and the OP tells its name (vo_orgnaam).
NEUTRAL_ORGANISATION_NAME = "Onderneming {kbo}"
KBO_PATTERN = re.compile(r"[01][0-9]{9}")
RIGHT_PATTERN = re.compile(r"[^:\s]+-[^:\s]+:[^:\s]+")


# --- Claims -> user and memberships ------------------------------------------


@dataclass(frozen=True)
class Right:
    profile: str
    kbo_number: str


def _is_kbo_number(value):
    if not isinstance(value, str) or not KBO_PATTERN.fullmatch(value):
        return False
    if 97 - int(value[:8]) % 97 != int(value[8:]):
        return False
    try:
        validators.validate_kbo_number(value)
    except ValidationError:
        return False
    return True


def parse_role_claim(value):
    """The rights in ACM's role claim: "<Recht>-<Profiel>:<KBO>" strings.

    Rights of other applications are skipped; malformed entries are ignored
    and counted in the log, without their content.
    """
    if value is None:
        return set()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        LOGGER.warning("Role claim ignored: not a list")
        return set()
    profiles = {
        settings.OIDC_PROFILE_PROVIDER: Membership.Profile.PROVIDER,
        settings.OIDC_PROFILE_SME: Membership.Profile.SME,
    }
    prefix = f"{settings.OIDC_ROLE_RIGHT}-"
    rights, malformed = set(), 0
    for entry in value:
        if not isinstance(entry, str):
            malformed += 1
            continue
        name, _colon, kbo = entry.rpartition(":")
        if not name.startswith(prefix):
            # Another right in the same claim is not ours to judge; only junk is logged.
            if not RIGHT_PATTERN.fullmatch(entry):
                malformed += 1
            continue
        profile = profiles.get(name[len(prefix) :])
        if profile is None or not _is_kbo_number(kbo):
            malformed += 1
            continue
        rights.add(Right(profile=profile, kbo_number=kbo))
    if malformed:
        LOGGER.warning("Ignored %d malformed entries in the role claim", malformed)
    return rights


def _username_for(subject):
    # Usernames show up in the admin; a hash keeps them stable and meaningless.
    return "oidc-" + hashlib.sha256(subject.encode()).hexdigest()[:32]


def organisation_get_or_create_from_claims(*, kbo_number, claims):
    """The organisation with this KBO number, created if the portal does not know it.

    Its name comes from vo_orgnaam when the token is targeted at it, else a
    neutral name that a later targeted sign-in replaces.
    """
    claimed_name = claims.get("vo_orgnaam") if claims.get("vo_orgcode") == kbo_number else None
    claimed_name = claimed_name.strip()[:200] if isinstance(claimed_name, str) else ""
    neutral_name = NEUTRAL_ORGANISATION_NAME.format(kbo=validators.format_kbo_number(kbo_number))
    organisation = Organisation.objects.filter(kbo_number=kbo_number).first()
    if organisation is None:
        organisation = Organisation(kbo_number=kbo_number, name=claimed_name or neutral_name)
        # The OP tells no address; the provider completes it in "Mijn gegevens".
        organisation.full_clean(
            exclude=["country", "postcode", "municipality", "street", "house_number", "box"]
        )
        organisation.save()
        LOGGER.info("Organisation %s created from the role claim", organisation.pk)
    elif claimed_name and organisation.name == neutral_name:
        organisation.name = claimed_name
        organisation.save(update_fields=["name", "updated_at"])
    return organisation


@transaction.atomic
def user_sync_from_claims(*, claims):
    """The user for the verified ID-token claims, with data and rights refreshed.

    Keyed on `sub`. Name and e-mail are overwritten at every sign-in; the
    memberships are deleted and rebuilt from the role claim, so that a right
    no longer in the token (expired, revoked, paused) is gone. The portal keeps
    no rijksregisternummer: no claim is stored beyond the ones named here.
    """
    user_model = get_user_model()
    subject = claims["sub"]
    user = user_model.objects.select_for_update().filter(oidc_subject=subject).first()
    if user is None:
        user = user_model(oidc_subject=subject, username=_username_for(subject))
        user.set_unusable_password()
    user.first_name = _text_claim(claims, "given_name", 150)
    user.last_name = _text_claim(claims, "family_name", 150)
    email = _text_claim(claims, "vo_email", 254) or _text_claim(claims, "email", 254)
    try:
        validate_email(email)
    except ValidationError:
        email = ""
    user.email = email
    user.full_clean(exclude=["password"])
    user.save()

    Membership.objects.filter(user=user).delete()
    rights = parse_role_claim(claims.get(settings.OIDC_ROLE_CLAIM))
    organisations = {
        kbo: organisation_get_or_create_from_claims(kbo_number=kbo, claims=claims)
        for kbo in sorted({right.kbo_number for right in rights})
    }
    for right in sorted(rights, key=lambda r: (r.kbo_number, r.profile)):
        membership = Membership(
            user=user, organisation=organisations[right.kbo_number], profile=right.profile
        )
        membership.full_clean()
        membership.save()
    return user


def _text_claim(claims, name, max_length):
    value = claims.get(name)
    return value.strip()[:max_length] if isinstance(value, str) else ""


# --- The backend: token verification ----------------------------------------


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


class PortalOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend with a strict ID-token check and our user model.

    The user's claims are the verified ID-token claims (the contract with ACM
    puts them there); the userinfo endpoint is not called.
    """

    def __init__(self, *args, **kwargs):
        # The parent copies the settings here; properties below read them per use.
        self.UserModel = get_user_model()

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self):
        return settings.OIDC_OP_TOKEN_ENDPOINT

    @property
    def OIDC_OP_USER_ENDPOINT(self):
        return settings.OIDC_OP_USER_ENDPOINT

    @property
    def OIDC_OP_JWKS_ENDPOINT(self):
        return settings.OIDC_OP_JWKS_ENDPOINT

    @property
    def OIDC_RP_CLIENT_ID(self):
        return settings.OIDC_RP_CLIENT_ID

    @property
    def OIDC_RP_CLIENT_SECRET(self):
        return settings.OIDC_RP_CLIENT_SECRET

    OIDC_RP_SIGN_ALGO = "RS256"
    OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request, **kwargs):
        # Only the OIDC callback passes a nonce; a username/password attempt
        # (the admin) is ModelBackend's business.
        if "nonce" not in kwargs:
            return None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        return verify_id_token(token, nonce=kwargs.get("nonce"))

    def get_userinfo(self, access_token, id_token, payload):
        return payload

    def verify_claims(self, claims):
        return isinstance(claims.get("sub"), str) and bool(claims["sub"])

    def store_tokens(self, access_token, id_token):
        # Kept on the request: the callback view puts it in the session after
        # auth.login(), which may flush the session when another user was in.
        self.request.oidc_id_token = id_token

    def get_or_create_user(self, access_token, id_token, payload):
        if not self.verify_claims(payload):
            raise SuspiciousOperation("Claims verification failed")
        self.request.oidc_claims = payload
        return user_sync_from_claims(claims=payload)

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(oidc_subject=claims.get("sub"))


# --- Views -------------------------------------------------------------------


def build_login_hint(kbo_number):
    """ACM's targeted login: base64 of {"cap_hint":"EA","code_hint":"<KBO>"}."""
    payload = json.dumps({"cap_hint": "EA", "code_hint": kbo_number}, separators=(",", ":"))
    return base64.b64encode(payload.encode()).decode()


def targeted_login_url(organisation, next_url=None):
    """Sign in again at the OP for `organisation` (the "Wissel van organisatie")."""
    params = {"organisation": organisation.kbo_number}
    if next_url:
        params["next"] = next_url
    return f"{reverse('oidc_authentication_init')}?{urlencode(params)}"


def reauthentication_url(next_url, max_age=None):
    """Make the person sign in again at the OP (prompt=login) before `next_url`.

    With `max_age` the OP only asks again when the last sign-in is older.
    """
    params = {"next": next_url}
    if max_age is None:
        params["prompt"] = "login"
    else:
        params["max_age"] = int(max_age)
    return f"{reverse('oidc_authentication_init')}?{urlencode(params)}"


class PortalAuthenticationRequestView(OIDCAuthenticationRequestView):
    """Starts the sign-in at the OP, optionally targeted or forcing re-authentication.

    Query parameters: `organisation` (a KBO number of one of the signed-in
    user's memberships; others are ignored) becomes ACM's login_hint;
    `prompt=login` and `max_age=<seconds>` are passed on.
    """

    def __init__(self, *args, **kwargs):
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    @property
    def OIDC_OP_AUTH_ENDPOINT(self):
        return settings.OIDC_OP_AUTHORIZATION_ENDPOINT

    @property
    def OIDC_RP_CLIENT_ID(self):
        return settings.OIDC_RP_CLIENT_ID

    def get_extra_params(self, request):
        params = dict(super().get_extra_params(request))
        request.session.pop(SESSION_LOGIN_TARGET, None)
        kbo_number = request.GET.get("organisation", "")
        if kbo_number:
            if (
                request.user.is_authenticated
                and Membership.objects.filter(
                    user=request.user, organisation__kbo_number=kbo_number
                ).exists()
            ):
                params["login_hint"] = build_login_hint(kbo_number)
                request.session[SESSION_LOGIN_TARGET] = kbo_number
            else:
                LOGGER.warning("Targeted sign-in ignored: not one of the user's organisations")
        if request.GET.get("prompt") == "login":
            params["prompt"] = "login"
        max_age = request.GET.get("max_age", "")
        if max_age.isdigit() and len(max_age) <= 7:
            params["max_age"] = str(int(max_age))
        return params


class PortalAuthenticationCallbackView(OIDCAuthenticationCallbackView):
    """Completes the sign-in; every failure ends on a friendly page.

    A lost or replayed state (back button, two tabs, an expired session), an
    error from the OP, a refused token or an unreachable OP all show "Aanmelden
    is niet gelukt" (HTTP 400) with a button to sign in again. The log says
    why, without personal data.
    """

    def get(self, request):
        if request.GET.get("error"):
            error = request.GET["error"]
            LOGGER.warning(
                "Sign-in failed at the OP: %s",
                error if re.fullmatch(r"[a-z_]{1,40}", error) else "(unrecognised error)",
            )
        elif "state" in request.GET and request.GET["state"] not in (
            request.session.get("oidc_states") or {}
        ):
            LOGGER.warning("Sign-in callback with an unknown or already used state")
            return self.login_failure()
        try:
            return super().get(request)
        except SuspiciousOperation as error:
            LOGGER.warning("Sign-in refused: %s", error)
        except requests.RequestException as error:
            status = getattr(getattr(error, "response", None), "status_code", None)
            LOGGER.warning("Sign-in failed talking to the OP: %s %s", type(error).__name__, status)
        except ValueError as error:
            LOGGER.warning(
                "Sign-in failed: unreadable answer from the OP (%s)", type(error).__name__
            )
        return self.login_failure()

    def login_failure(self):
        context = {
            "cancelled": self.request.GET.get("error") == "access_denied",
            "login_url": reverse("oidc_authentication_init"),
        }
        return render(self.request, "portal/login_failed.html", context, status=400)

    def login_success(self):
        claims = getattr(self.request, "oidc_claims", {})
        id_token = getattr(self.request, "oidc_id_token", None)
        target = self.request.session.get(SESSION_LOGIN_TARGET)
        response = super().login_success()

        session = self.request.session
        session.pop(SESSION_LOGIN_TARGET, None)
        if getattr(settings, "OIDC_STORE_ID_TOKEN", False) and id_token:
            session[SESSION_ID_TOKEN] = id_token
        acr = claims.get("acr")
        session[SESSION_ACR] = acr[:100] if isinstance(acr, str) else ""
        auth_time = claims.get("auth_time")
        session[SESSION_AUTH_TIME] = auth_time if isinstance(auth_time, int | float) else None
        mark_session_start(session)

        clear_active_organisations(self.request)
        orgcode = claims.get("vo_orgcode")
        if target and orgcode:
            for membership in Membership.objects.filter(
                user=self.user, organisation__kbo_number=orgcode
            ).select_related("organisation"):
                set_active_organisation(
                    self.request,
                    profile=membership.profile,
                    organisation=membership.organisation,
                )
        LOGGER.info("User %s signed in", self.user.pk)
        return response


def provider_logout_url(request):
    """RP-initiated logout at the OP (settings.OIDC_OP_LOGOUT_URL_METHOD).

    Called by mozilla's logout view before it ends the portal session; the OP
    ends its own session and sends the browser back to the portal's home.
    """
    home = request.build_absolute_uri(reverse("portal:home"))
    endpoint = settings.OIDC_OP_LOGOUT_ENDPOINT
    if not endpoint:
        return home
    params = {"post_logout_redirect_uri": home}
    id_token = request.session.get(SESSION_ID_TOKEN)
    if id_token:
        params["id_token_hint"] = id_token
    else:
        params["client_id"] = settings.OIDC_RP_CLIENT_ID
    separator = "&" if "?" in endpoint else "?"
    return f"{endpoint}{separator}{urlencode(params)}"
