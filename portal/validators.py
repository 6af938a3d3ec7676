"""Shared validators for Belgian identifiers, bank accounts, postcodes and phones.

INTERFACE STUB — to be implemented (helper: validators). Every public function
raises django.core.exceptions.ValidationError with a specific Dutch message.
"""

import re


def normalise_kbo_number(value):
    """'BE0123.456.789', '0123 456 789' -> '0123456789'. Raises ValidationError."""
    digits = re.sub(r"[^0-9]", "", str(value))
    return digits


def validate_kbo_number(value):
    normalise_kbo_number(value)


def format_kbo_number(value):
    """'0123456789' -> '0123.456.789'."""
    v = str(value)
    return f"{v[:4]}.{v[4:7]}.{v[7:]}" if len(v) == 10 else v


def validate_postcode_municipality(postcode, municipality):
    return None
