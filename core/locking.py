"""Optimistic locking for records two people may edit at the same time.

A form carries the version it was loaded at; the save claims the row with
``UPDATE ... SET version = version + 1 WHERE pk = %s AND version = %s``. When no
row matches, someone else saved first: the service raises ConflictError with
the current record and what changed since the user's version, taken from the
record's history, so that nothing is silently overwritten.

Shared by providers.services and establishments.services (kept apart from both
to avoid an import cycle between them).
"""

from dataclasses import dataclass, field

from django.db.models import F, ForeignKey, ManyToManyField
from django.utils.translation import gettext_lazy as _

from core import validators
from core.models import PhoneNumberField
from core.people import user_display

MASKED_FIELDS = {"iban": validators.mask_iban, "old_iban": validators.mask_iban}


@dataclass
class FieldChange:
    """One field that differs between two versions, ready for display."""

    name: str
    label: str
    old: str = ""
    new: str = ""


@dataclass(eq=False)
class ConflictError(Exception):
    """The record changed since the user loaded it (optimistic locking).

    `current` is the record as it is now (its version is the one to resubmit
    with), `changes` lists the fields the other person changed, `changed_by`
    the names of who changed them.
    """

    current: object
    changes: list = field(default_factory=list)
    changed_by: list = field(default_factory=list)

    def __str__(self):
        return str(_("Iemand anders heeft deze gegevens intussen gewijzigd."))


def version_claim(*, model, pk, expected_version):
    """Bump the version of row `pk` if it is still `expected_version`; True on success.

    Must run inside the transaction that then saves the record: the UPDATE holds
    the row lock until commit.
    """
    if expected_version is None:
        return False
    return (
        model._default_manager.filter(pk=pk, version=expected_version).update(
            version=F("version") + 1
        )
        == 1
    )


def display_value(record, field_name):
    """A field of a model instance or historical record as a person reads it."""
    model = getattr(record, "instance_type", type(record))
    model_field = model._meta.get_field(field_name)
    if isinstance(model_field, ManyToManyField):
        related = getattr(record, field_name).all()
        names = [str(getattr(row, model_field.m2m_reverse_field_name(), row)) for row in related]
        return ", ".join(sorted(names))
    value = getattr(record, field_name)
    if field_name in MASKED_FIELDS and value:
        return MASKED_FIELDS[field_name](value)
    if isinstance(model_field, ForeignKey):
        return str(value) if value is not None else ""
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("ja") if value else _("nee"))
    if isinstance(model_field, PhoneNumberField) and value:
        return validators.format_phone_number(value)
    return "" if value is None else str(value)


def field_label(model, field_name):
    label = str(model._meta.get_field(field_name).verbose_name)
    return label[:1].upper() + label[1:]


def history_changes(new_record, old_record):
    """FieldChange list between two historical records of the same object."""
    model = new_record.instance_type
    delta = new_record.diff_against(old_record)
    return [
        FieldChange(
            name=change.field,
            label=field_label(model, change.field),
            old=display_value(old_record, change.field),
            new=display_value(new_record, change.field),
        )
        for change in delta.changes
    ]


def conflict_for(*, model, pk, expected_version):
    """The ConflictError describing what changed since `expected_version`."""
    current = model._default_manager.get(pk=pk)
    records = current.history.select_related("history_user")
    base = records.filter(version=expected_version).first()
    latest = records.first()
    changes, changed_by = [], []
    if base is not None and latest is not None and latest.pk != base.pk:
        changes = history_changes(latest, base)
        newer = records.filter(history_date__gt=base.history_date)
        changed_by = sorted({user_display(record.history_user) for record in newer})
    return ConflictError(current=current, changes=changes, changed_by=changed_by)
