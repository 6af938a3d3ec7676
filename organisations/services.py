"""Writes to organisations.

An organisation is created at sign-in from what the identity provider tells (KBO
number and name) and completed later with its registered office. Every change is
validated and recorded in the history; `organisation_saved` then tells the apps
that follow an organisation's address (establishments: the registered office).
"""

from django.db import transaction

from core import validators
from organisations.models import ADDRESS_FIELDS, Organisation
from organisations.signals import organisation_saved


def organisation_get_or_create(*, kbo_number, name):
    """The organisation with this KBO number, created (without address) if unknown.

    For the sign-in code: the identity provider tells only the number and the name.
    """
    kbo_number = validators.normalise_kbo_number(kbo_number)
    with transaction.atomic():
        organisation = Organisation.objects.filter(kbo_number=kbo_number).first()
        if organisation is not None:
            return organisation
        organisation = Organisation(kbo_number=kbo_number, name=name[:200])
        organisation.full_clean(exclude=ADDRESS_FIELDS)
        organisation.save()
        organisation_saved.send(sender=Organisation, organisation=organisation, user=None)
    return organisation


def organisation_update(*, organisation, data, user=None):
    """Change an organisation (name, registered office, e-mail, legal form).

    The registered-office establishment follows the new address, in the same
    transaction (establishments listens to `organisation_saved`).
    """
    with transaction.atomic():
        for name, value in data.items():
            setattr(organisation, name, value)
        organisation.full_clean()
        organisation._history_user = user
        organisation.save()
        organisation_saved.send(sender=Organisation, organisation=organisation, user=user)
    return organisation
