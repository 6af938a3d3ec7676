"""Writes to establishments (vestigingen).

"De eerste vestiging is automatisch uw maatschappelijke zetel" (seed 000): the
registered-office establishment is created and kept up to date from the
organisation's address by `registered_office_sync`; people can add, change,
deactivate and reactivate the others. Every write locates the establishment
(coordinates of its postcode, for the distance search) and records who acted.

Adding, changing, deactivating and reactivating are done for a `user`, who must act
as a service provider for the establishment's organisation (portal.scope), checked on
the row read inside the transaction: PermissionDenied otherwise, and nothing changes.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.locking import conflict_for, version_claim
from establishments.models import Establishment
from organisations.models import ADDRESS_FIELDS
from portal.models import Membership
from portal.scope import require_acts_for

EDITABLE_FIELDS = ["name", *ADDRESS_FIELDS, "phone", "email"]


def _save(establishment, user):
    establishment.locate()
    establishment.full_clean()
    establishment._history_user = user
    establishment.save()
    return establishment


def _claim(establishment, expected_version):
    """Optimistic lock: raise ConflictError when someone saved after `expected_version`.

    Without an expected version (a one-click action such as deactivate) the
    version just read is used, which still serialises concurrent writes.
    """
    if expected_version is None:
        expected_version = establishment.version
    if not version_claim(
        model=Establishment, pk=establishment.pk, expected_version=expected_version
    ):
        raise conflict_for(
            model=Establishment, pk=establishment.pk, expected_version=expected_version
        )
    establishment.version = expected_version + 1


def _require_provider(user, organisation):
    require_acts_for(user, organisation, Membership.Profile.PROVIDER)


def establishment_create(*, organisation, data, user):
    """Add an establishment; it is never the registered office (that one exists already)."""
    _require_provider(user, organisation)
    establishment = Establishment(organisation=organisation, is_registered_office=False)
    for name in EDITABLE_FIELDS:
        if name in data:
            setattr(establishment, name, data[name])
    with transaction.atomic():
        return _save(establishment, user)


def establishment_update(*, establishment, data, expected_version, user):
    """Change an establishment.

    The registered office's address follows the organisation's: it is changed
    there (by the agency, from the KBO), not here.
    """
    with transaction.atomic():
        establishment = Establishment.objects.get(pk=establishment.pk)
        _require_provider(user, establishment.organisation_id)
        if establishment.is_registered_office:
            moved = [
                name
                for name in ADDRESS_FIELDS
                if name in data and (data[name] or "") != (getattr(establishment, name) or "")
            ]
            if moved:
                raise ValidationError(
                    {
                        name: _(
                            "Het adres van de maatschappelijke zetel volgt het adres van uw "
                            "onderneming en kan hier niet gewijzigd worden."
                        )
                        for name in moved
                    },
                    code="registered_office_address",
                )
        _claim(establishment, expected_version)
        for name in EDITABLE_FIELDS:
            if name in data:
                setattr(establishment, name, data[name])
        return _save(establishment, user)


def establishment_deactivate(*, establishment, user, expected_version=None):
    """Take an establishment out of the search; the registered office cannot be."""
    with transaction.atomic():
        establishment = Establishment.objects.get(pk=establishment.pk)
        _require_provider(user, establishment.organisation_id)
        if establishment.is_registered_office:
            raise ValidationError(
                _(
                    "De maatschappelijke zetel is altijd een vestiging: u kunt ze niet "
                    "deactiveren of verwijderen."
                ),
                code="registered_office_required",
            )
        if not establishment.is_active:
            return establishment
        _claim(establishment, expected_version)
        establishment.is_active = False
        return _save(establishment, user)


def establishment_reactivate(*, establishment, user, expected_version=None):
    """Make a deactivated establishment visible in the search again."""
    with transaction.atomic():
        establishment = Establishment.objects.get(pk=establishment.pk)
        _require_provider(user, establishment.organisation_id)
        if establishment.is_active:
            return establishment
        _claim(establishment, expected_version)
        establishment.is_active = True
        return _save(establishment, user)


def registered_office_sync(*, organisation, user=None):
    """Create or update the organisation's registered-office establishment.

    Runs on organisations.signals.organisation_saved (establishments.receivers), so
    every service that creates or changes an organisation runs it in its
    transaction; the demo data calls it too. An organisation created at sign-in has
    no address yet: then there is nothing to follow and None is returned.

    It checks no organisation scope, on purpose: it writes nothing anyone chose, only
    what the organisation's own address says, and it is reached from a request only
    through a write that was checked (organisation_update) or the sign-in
    (organisation_get_or_create: the organisation named by the signed ID token, `user`
    None). `user` only goes into the history. No view calls it.
    """
    if not (organisation.postcode and organisation.municipality and organisation.street):
        return None
    with transaction.atomic():
        office = (
            Establishment.objects.select_for_update()
            .filter(organisation=organisation, is_registered_office=True)
            .first()
        )
        if office is None:
            office = Establishment(organisation=organisation, is_registered_office=True)
        changed = office.pk is None
        for name in ADDRESS_FIELDS:
            value = getattr(organisation, name) or ""
            if getattr(office, name) != value:
                setattr(office, name, value)
                changed = True
        if not changed:
            return office
        if office.pk is not None:
            office.version += 1
        return _save(office, user)
