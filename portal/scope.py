"""The organisation scope of the services: who may write for which organisation.

portal.access decides what a page shows: the view resolves the active organisation of
the request and scopes its querysets, so that another organisation's object is a 404.
This module is the same rule for the services, which may be called from anywhere (a
view, the admin, a command, a test): a service that writes on behalf of a provider or
an SME user checks that the user holds a portal.models.Membership of that profile for
the organisation it writes to, on the row it writes (read inside its transaction),
never on what the caller says. One rule, in one place:

- ``acts_for(user, organisation, profile)``: the question;
- ``require_acts_for(...)``: a plain write refuses with PermissionDenied (the Dutch
  403 page when it ever reaches a view) and logs a warning with primary keys only;
- ``member_permission(profile, organisation_of)``: the same rule as a transition
  permission of core.transitions, declared on the provider's and the SME's steps, so
  that core.transitions.perform() checks it on the locked row;
- ``OrganisationScopeBackend``: the same rule behind Django's object permissions, for
  ``organisations``, which sits below the portal and asks
  ``user.has_perm("organisations.change_organisation", organisation)``.

Staff act for no organisation here: their steps are checked by their role
(core.transitions.staff_permission). Memberships come from ACM at every sign-in
(portal.oidc), so a right revoked there is refused at the next write.
"""

import functools
import logging

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from core import transitions
from organisations.models import Organisation
from portal.models import Membership

__all__ = [
    "OrganisationScopeBackend",
    "acts_for",
    "member_permission",
    "require_acts_for",
]

LOGGER = logging.getLogger(__name__)

REFUSAL = _("U handelt niet voor deze onderneming.")

# Django object permissions the organisation scope grants: {permission: profile}.
OBJECT_PERMISSIONS = {"organisations.change_organisation": Membership.Profile.PROVIDER}


def _pk(organisation):
    return getattr(organisation, "pk", organisation)


def acts_for(user, organisation, profile):
    """Whether `user` (active, signed in) may act in `profile` for `organisation` (an
    Organisation or its primary key): they hold that Membership."""
    organisation_pk = _pk(organisation)
    if user is None or not user.is_authenticated or not user.is_active or organisation_pk is None:
        return False
    return Membership.objects.filter(
        user=user, organisation_id=organisation_pk, profile=profile
    ).exists()


def require_acts_for(user, organisation, profile):
    """Raise PermissionDenied unless acts_for(); the refusal is logged without personal
    data (the user's and the organisation's primary keys)."""
    if acts_for(user, organisation, profile):
        return
    LOGGER.warning(
        "Organisation scope refused: user %s does not act for organisation %s (%s)",
        getattr(user, "pk", None),
        _pk(organisation),
        profile,
    )
    raise PermissionDenied(REFUSAL)


def member_permission(profile, organisation_of):
    """A transition permission (instance, user) of core.transitions: the user acts in
    `profile` for the organisation found at the attribute path `organisation_of` of the
    instance ("client_id", "service_provider.organisation_id")."""
    path = organisation_of.split(".")

    @transitions.rule(REFUSAL, code="organisation_scope")
    def permitted(instance, user):
        try:
            organisation = functools.reduce(getattr, path, instance)
        except AttributeError:
            # A path through an empty relation (None) names no organisation.
            return False
        return acts_for(user, organisation, profile)

    return permitted


class OrganisationScopeBackend:
    """Django object permissions from the organisation scope: authenticates nobody.

    ``user.has_perm(permission, organisation)`` holds for a permission of
    OBJECT_PERMISSIONS when the user acts for that organisation in its profile. Without
    an object it grants nothing: model permissions stay the staff roles' (ModelBackend).
    (Not a subclass of django.contrib.auth.backends.BaseBackend: that module reads the
    user model when imported, and the models of projects and registrations import this
    one while the app registry is still loading.)
    """

    def authenticate(self, request, **credentials):
        return None

    def get_user(self, user_id):
        return None

    def has_perm(self, user_obj, perm, obj=None):
        profile = OBJECT_PERMISSIONS.get(perm)
        if profile is None or not isinstance(obj, Organisation):
            return False
        return acts_for(user_obj, obj, profile)
