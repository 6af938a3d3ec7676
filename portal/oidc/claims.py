"""From verified ID-token claims to a user and the organisations they may act for.

The user is keyed on `sub`; name and e-mail come from the claims at every
sign-in, and the memberships are rebuilt from ACM's role claim
("<Recht>-<Profiel>:<KBO>" strings), so a right no longer in the token is gone.
Organisations the portal does not know yet are created through
organisations.services.

PortalOIDCBackend lives here because an authentication backend's job in Django
is to answer "which user is this?", which is this module's job; the token it is
given is checked by portal.oidc.tokens, and the code exchange at the OP is
mozilla-django-oidc's own.
"""

import functools
import hashlib
import logging
import operator
import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from core import validators
from core.text import without_control_characters
from organisations.services import organisation_get_or_create
from portal.models import LapsedMembership, Membership
from portal.oidc import setting_property
from portal.oidc.tokens import verify_id_token

LOGGER = logging.getLogger(__name__)

# Name given to an organisation the portal only knows by KBO number, until
# someone signs in targeted to it and the OP tells its name (vo_orgnaam).
NEUTRAL_ORGANISATION_NAME = "Onderneming {kbo}"
RIGHT_PATTERN = re.compile(r"[^:\s]+-[^:\s]+:[^:\s]+")
SUBJECT_MAX_LENGTH = 255  # User.oidc_subject


@dataclass(frozen=True)
class Right:
    profile: str
    kbo_number: str


def _is_kbo_number(value):
    """A valid KBO number written exactly as the portal stores it (ten digits).

    A right in another notation (dots, "BE") is refused, not rewritten: ACM
    writes the ten digits, so anything else is not a right ACM gave.
    """
    if not isinstance(value, str):
        return False
    try:
        return validators.normalise_kbo_number(value) == value
    except ValidationError:
        return False


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


def _text_claim(claims, name, max_length):
    """A claim as text the portal can store: without NUL and other control characters
    or lone surrogates (a signed token can carry them; no database stores them)."""
    value = claims.get(name)
    if not isinstance(value, str):
        return ""
    return without_control_characters(value).strip()[:max_length]


def organisation_from_claims(*, kbo_number, claims):
    """The organisation with this KBO number, created if the portal does not know it.

    Its name comes from vo_orgnaam when the token is targeted at it, else a
    neutral name that a later targeted sign-in replaces.
    """
    targeted = claims.get("vo_orgcode") == kbo_number
    claimed_name = _text_claim(claims, "vo_orgnaam", 200) if targeted else ""
    neutral_name = NEUTRAL_ORGANISATION_NAME.format(kbo=validators.format_kbo_number(kbo_number))
    return organisation_get_or_create(
        kbo_number=kbo_number, name=claimed_name or neutral_name, provisional_name=neutral_name
    )


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

    previous = list(Membership.objects.filter(user=user))
    Membership.objects.filter(user=user).delete()
    rights = parse_role_claim(claims.get(settings.OIDC_ROLE_CLAIM))
    organisations = {
        kbo: organisation_from_claims(kbo_number=kbo, claims=claims)
        for kbo in sorted({right.kbo_number for right in rights})
    }
    for right in sorted(rights, key=lambda r: (r.kbo_number, r.profile)):
        membership = Membership(
            user=user, organisation=organisations[right.kbo_number], profile=right.profile
        )
        membership.full_clean()
        membership.save()
    current = {(organisations[right.kbo_number].pk, right.profile) for right in rights}
    _record_lapsed_memberships(user=user, previous=previous, current=current)
    return user


def _record_lapsed_memberships(*, user, previous, current):
    """Keep what the "Geen toegang" page can tell about rights that are gone.

    A membership of the previous sign-in that the role claim no longer carries becomes
    a LapsedMembership (the last time it was confirmed, and now); one that is back is
    forgotten. ACM only sends today's rights: this is all the portal can know of them.
    """
    now = timezone.now()
    for membership in previous:
        key = (membership.organisation_id, membership.profile)
        if key in current:
            continue
        LapsedMembership.objects.update_or_create(
            user=user,
            organisation_id=membership.organisation_id,
            profile=membership.profile,
            defaults={"last_confirmed_at": membership.granted_at, "missing_since": now},
        )
    if current:
        back = functools.reduce(
            operator.or_,
            (Q(organisation_id=org_pk, profile=profile) for org_pk, profile in current),
        )
        LapsedMembership.objects.filter(back, user=user).delete()


class PortalOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend with a strict ID-token check and our user model.

    The user's claims are the verified ID-token claims (the contract with ACM
    puts them there); the userinfo endpoint is not called. The ID token and the
    claims are left on the request for the callback view (portal.oidc.views),
    which keeps what it needs in the session after auth.login().
    """

    OIDC_OP_TOKEN_ENDPOINT = setting_property("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = setting_property("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = setting_property("OIDC_OP_JWKS_ENDPOINT")
    OIDC_RP_CLIENT_ID = setting_property("OIDC_RP_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = setting_property("OIDC_RP_CLIENT_SECRET")
    OIDC_RP_SIGN_ALGO = "RS256"
    OIDC_RP_IDP_SIGN_KEY = None

    def __init__(self, *args, **kwargs):
        # Not the parent's: it copies the settings, which the properties above read per use.
        self.UserModel = get_user_model()

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
        # The user is keyed on `sub`: refused, not cleaned, when it cannot be stored as is.
        subject = claims.get("sub")
        return (
            isinstance(subject, str)
            and 0 < len(subject) <= SUBJECT_MAX_LENGTH
            and subject == without_control_characters(subject)
        )

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
