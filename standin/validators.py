"""The rijksregisternummer (national number), which only the ACM/IDM stand-in needs.

The portal itself never stores one: ACM identifies people by their OIDC subject.
The stand-in keeps demo people by national number, as the real ACM does.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_NATIONAL_NUMBER_SEPARATORS = re.compile(r"[\s.\-/]")
# BIS numbers add 20 (sex unknown) or 40 (sex known) to the birth month.
_BIS_MONTH_OFFSETS = (0, 20, 40)


def _national_number_century(digits):
    """1900 or 2000 depending on which check-digit rule holds, None if neither does."""
    base, check = int(digits[:9]), int(digits[9:])
    if 97 - base % 97 == check:
        return 1900
    if 97 - (2_000_000_000 + base) % 97 == check:
        return 2000
    return None


def _national_number_month(digits):
    month = int(digits[2:4])
    for offset in _BIS_MONTH_OFFSETS:
        if 0 <= month - offset <= 12:
            return month - offset
    return None


def normalise_national_number(value):
    """'90.04.18-123.45', '900418 123 45' -> '90041812345'."""
    compact = _NATIONAL_NUMBER_SEPARATORS.sub("", str(value or ""))
    if not re.fullmatch(r"\d{11}", compact):
        raise ValidationError(
            _("Een rijksregisternummer bestaat uit 11 cijfers, bijvoorbeeld 90.04.18-123.45."),
            code="national_number_format",
        )
    # Month or day 0 means "unknown" for people whose birth date is not known exactly.
    if _national_number_month(compact) is None or int(compact[4:6]) > 31:
        raise ValidationError(
            _("Het rijksregisternummer klopt niet: de geboortedatum is ongeldig."),
            code="national_number_date",
        )
    if _national_number_century(compact) is None:
        raise ValidationError(
            _("Het rijksregisternummer klopt niet: het controlegetal is fout."),
            code="national_number_check_digit",
        )
    return compact


def validate_national_number(value):
    normalise_national_number(value)


def mask_national_number(value):
    """'90041812345' -> '90.04.18-***.**': only the birth date stays readable."""
    try:
        v = normalise_national_number(value)
    except ValidationError:
        return "**.**.**-***.**"
    return f"{v[:2]}.{v[2:4]}.{v[4:6]}-***.**"


def birth_date_from_national_number(value):
    """The birth date a rijksregisternummer encodes, or None when the number is invalid
    or the date is partly unknown (month or day 0) or not a calendar date."""
    try:
        v = normalise_national_number(value)
    except ValidationError:
        return None
    month, day = _national_number_month(v), int(v[4:6])
    year = _national_number_century(v) + int(v[:2])
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None
