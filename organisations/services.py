"""Writes to organisations.

An organisation is created at sign-in from what the identity provider tells (KBO
number and name) and completed later with its registered office. Every change is
validated and recorded in the history; `organisation_saved` then tells the apps
that follow an organisation's address (establishments: the registered office).
"""

import logging

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core import validators
from organisations.models import ADDRESS_FIELDS, Organisation
from organisations.signals import organisation_saved

LOGGER = logging.getLogger(__name__)

CHANGE_PERMISSION = "organisations.change_organisation"


def organisation_get_or_create(*, kbo_number, name, provisional_name=None):
    """The organisation with this KBO number, created (without address) if unknown.

    For the sign-in code: the identity provider tells only the number and the name.
    `provisional_name` is the placeholder the sign-in code gives an organisation it
    knows by number only: a known organisation still named so gets `name` instead.
    A name anyone chose is never overwritten.
    """
    kbo_number = validators.normalise_kbo_number(kbo_number)
    name = name[:200]
    with transaction.atomic():
        organisation = Organisation.objects.filter(kbo_number=kbo_number).first()
        created = organisation is None
        if created:
            organisation = Organisation(kbo_number=kbo_number, name=name)
        elif provisional_name and organisation.name == provisional_name != name:
            organisation.name = name
        else:
            return organisation
        organisation.full_clean(exclude=ADDRESS_FIELDS)
        organisation.save()
        organisation_saved.send(sender=Organisation, organisation=organisation, user=None)
    if created:
        LOGGER.info("Organisation %s created at sign-in", organisation.pk)
    return organisation


def may_change(user, organisation):
    """Whether `user` may change `organisation`: staff whose role holds the change
    permission (in the admin: superusers; no staff role has it), or a user who acts for
    this organisation as its service provider.

    The second is the portal's organisation scope (portal.scope), reached through
    Django's object permissions because this app sits below the portal and does not
    import it (docs/architecture.md): portal.scope.OrganisationScopeBackend answers
    ``has_perm(CHANGE_PERMISSION, organisation)`` from the user's memberships.
    """
    if user is None or not user.is_active:
        return False
    if user.is_staff and user.has_perm(CHANGE_PERMISSION):
        return True
    return user.has_perm(CHANGE_PERMISSION, organisation)


def organisation_update(*, organisation, data, user):
    """Change an organisation (name, registered office, e-mail, legal form) for `user`.

    `user` is required and must pass may_change(): a provider user of this organisation
    ("Mijn gegevens" completing it, providers.services) or staff allowed by the admin.
    Anyone else, and no user at all, gets PermissionDenied and nothing changes. The
    only write without a user is organisation_get_or_create at sign-in, where the
    organisation comes from the signed ID token.

    The registered-office establishment follows the new address, in the same
    transaction (establishments listens to `organisation_saved`).
    """
    if not may_change(user, organisation):
        LOGGER.warning(
            "Organisation update refused: user %s may not change organisation %s",
            getattr(user, "pk", None),
            organisation.pk,
        )
        raise PermissionDenied(_("U handelt niet voor deze onderneming."))
    with transaction.atomic():
        for name, value in data.items():
            setattr(organisation, name, value)
        organisation.full_clean()
        organisation._history_user = user
        organisation.save()
        organisation_saved.send(sender=Organisation, organisation=organisation, user=user)
    return organisation
