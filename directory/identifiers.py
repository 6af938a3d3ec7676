"""A KBO number or a registration number typed as the search text: looked up exactly,
not searched for as words.

This module only decides whether the text is meant as a number. Reading the number
is left to the portal's one parser of each: core.validators checks and normalises a
KBO number, registrations.numbers reads a registration number (through
registrations.selectors, the directory's only door to registrations).
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from core.validators import normalise_kbo_number
from registrations.selectors import parse_registration_number

# Digits with the separators people copy ("0123.456.749", "BE 0123 456 749",
# "0123/456/749"), valid or not: enough digits to be meant as a KBO number.
_KBO_SHAPE = re.compile(r"(BE)?\s*[\d][\d\s./-]{7,}\d", re.IGNORECASE)


def looks_like_kbo_number(text):
    """True for "0123.456.749", "BE 0123 456 749", "123456749" (valid or not)."""
    text = (text or "").strip()
    if not _KBO_SHAPE.fullmatch(text):
        return False
    return len(re.sub(r"\D", "", text)) in (9, 10)


def kbo_number_from(text):
    """The ten digits of a valid KBO number in any notation, or None.

    Nine digits are the old notation, without the leading zero (core.validators
    compacts them to ten).
    """
    if not looks_like_kbo_number(text):
        return None
    try:
        return normalise_kbo_number(text)
    except ValidationError:
        return None


@dataclass(frozen=True)
class Lookup:
    """An exact lookup: `kind` is "kbo" or "registration", `number` the stored form."""

    kind: str
    number: str


def exact_lookup(text):
    """The Lookup that `text` asks for, or None when it is free text."""
    kbo_number = kbo_number_from(text)
    if kbo_number:
        return Lookup(kind="kbo", number=kbo_number)
    registration_number = parse_registration_number(text)
    if registration_number:
        return Lookup(kind="registration", number=registration_number)
    return None
