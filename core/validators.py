"""Validators for Belgian identifiers, bank accounts, postcodes, phone numbers and text.

Every validator raises django.core.exceptions.ValidationError with a specific Dutch
message and a `code`, so forms can show what is wrong and tests can tell the cases
apart. The `normalise_*` functions validate too and return the value in the form the
database stores; the `format_*` and `mask_*` functions are for display and never raise.
"""

import functools
import re
import warnings

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from schwifty import BIC, IBAN
from schwifty import exceptions as schwifty_errors

from core.text import longest_word_length

# ---------------------------------------------------------------------------
# Ondernemingsnummer (KBO/BCE)
# ---------------------------------------------------------------------------

_KBO_SEPARATORS = re.compile(r"[\s.\-/]")
# [0-9], not \d: other scripts' digits would pass int() and be stored as typed.
_KBO_DIGITS = re.compile(r"[0-9]{10}")


def compact_kbo_number(value):
    """'BE 0123.456.749' -> '0123456749': separators and the country prefix taken out,
    nothing checked. Nine digits are the old notation (before the leading 0 or 1 of
    2003) and get their leading zero: '123.456.749' -> '0123456749'. For a search on
    (part of) a number; everything else normalises."""
    compact = _KBO_SEPARATORS.sub("", str(value or "")).upper().removeprefix("BE")
    return f"0{compact}" if len(compact) == 9 and compact.isascii() else compact


def normalise_kbo_number(value):
    """'BE0123.456.749', '0123 456 749', 'BE 0123456749' -> '0123456749'."""
    compact = compact_kbo_number(value)
    if not _KBO_DIGITS.fullmatch(compact):
        raise ValidationError(
            _("Een ondernemingsnummer bestaat uit 10 cijfers, bijvoorbeeld 0123.456.749."),
            code="kbo_format",
        )
    if compact[0] not in "01":
        raise ValidationError(
            _("Een ondernemingsnummer begint met 0 of 1."), code="kbo_first_digit"
        )
    if 97 - int(compact[:8]) % 97 != int(compact[8:]):
        raise ValidationError(
            _("Het ondernemingsnummer klopt niet: het controlegetal is fout."),
            code="kbo_check_digit",
        )
    return compact


def validate_kbo_number(value):
    normalise_kbo_number(value)


def format_kbo_number(value):
    """'0123456749' -> '0123.456.749'; anything that is not a valid number is returned as is."""
    try:
        v = normalise_kbo_number(value)
    except ValidationError:
        return value
    return f"{v[:4]}.{v[4:7]}.{v[7:]}"


# ---------------------------------------------------------------------------
# IBAN and BIC
# ---------------------------------------------------------------------------

_IBAN_SEPARATORS = re.compile(r"[\s.\-]")


def normalise_iban(value):
    """'be71 0961 2345 6769' -> 'BE71096123456769' (compact, upper case; not validated)."""
    return _IBAN_SEPARATORS.sub("", str(value or "")).upper()


def _parse_iban(value):
    compact = normalise_iban(value)
    with warnings.catch_warnings():
        # Countries without a registered national check-digit algorithm only warn.
        warnings.simplefilter("ignore", schwifty_errors.NationalChecksumNotVerified)
        try:
            return IBAN(compact, validate_bban=True)
        except schwifty_errors.InvalidCountryCode as error:
            raise ValidationError(
                _("Een IBAN begint met een bestaande landcode, bijvoorbeeld BE."),
                code="iban_country",
            ) from error
        except (schwifty_errors.InvalidLength, schwifty_errors.InvalidStructure) as error:
            raise ValidationError(
                _(
                    "Dit is geen geldig IBAN: de lengte of de opbouw klopt niet. "
                    "Een Belgisch IBAN telt 16 tekens, bijvoorbeeld BE71 0961 2345 6769."
                ),
                code="iban_format",
            ) from error
        except schwifty_errors.InvalidChecksumDigits as error:
            raise ValidationError(
                _("Het IBAN klopt niet: het controlegetal is fout."), code="iban_checksum"
            ) from error
        except schwifty_errors.SchwiftyException as error:
            raise ValidationError(
                _("Het rekeningnummer klopt niet: het nationale controlegetal is fout."),
                code="iban_bban_checksum",
            ) from error


def validate_iban(value):
    """A valid IBAN of a country in the SEPA zone (the scheme pays by SEPA transfer)."""
    iban = _parse_iban(value)
    if not iban.in_sepa_zone:
        raise ValidationError(
            _(
                "Een rekeningnummer uit %(country)s ligt buiten de SEPA-zone: geef een "
                "rekeningnummer in SEPA-formaat op."
            ),
            code="iban_not_sepa",
            params={"country": iban.country_code},
        )


def format_iban(value):
    """'BE71096123456769' -> 'BE71 0961 2345 6769' (groups of four)."""
    compact = normalise_iban(value)
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def mask_iban(value):
    """'BE71096123456769' -> 'BE** **** **** 6769': country code and last four only."""
    compact = normalise_iban(value)
    if len(compact) < 8:
        return "*" * len(compact)
    return format_iban(compact[:2] + "*" * (len(compact) - 6) + compact[-4:])


def normalise_bic(value):
    """' gkcc bebb ' -> 'GKCCBEBB'."""
    return re.sub(r"\s", "", str(value or "")).upper()


def validate_bic(value):
    try:
        BIC(normalise_bic(value))
    except schwifty_errors.InvalidCountryCode as error:
        raise ValidationError(
            _("De BIC bevat geen bestaande landcode (5de en 6de teken)."), code="bic_country"
        ) from error
    except schwifty_errors.SchwiftyException as error:
        raise ValidationError(
            _("Een BIC bestaat uit 8 of 11 letters en cijfers, bijvoorbeeld GKCCBEBB."),
            code="bic_format",
        ) from error


def _belgian_bics(iban):
    """8-character BICs that schwifty's bank registry knows for a Belgian IBAN's bank."""
    if iban.country_code != "BE":
        return []
    try:
        candidates = BIC.candidates_from_bank_code("BE", iban.bank_code)
    except schwifty_errors.SchwiftyException:
        return []
    return list(dict.fromkeys(str(bic)[:8] for bic in candidates))


def derive_bic(iban):
    """The BIC of the bank of a Belgian IBAN, or None (other country, unknown bank,
    invalid IBAN)."""
    try:
        parsed = _parse_iban(iban)
    except ValidationError:
        return None
    if parsed.country_code != "BE" or parsed.bic is None:
        return None
    return str(parsed.bic)


def validate_iban_bic_pair(iban, bic):
    """Reject a Belgian IBAN given with the BIC of another bank.

    Only Belgian bank codes map reliably to one bank; for other countries any
    well-formed BIC is accepted.
    """
    parsed = _parse_iban(iban)
    expected = _belgian_bics(parsed)
    if expected and normalise_bic(bic)[:8] not in expected:
        raise ValidationError(
            _(
                "De BIC hoort niet bij de bank van dit rekeningnummer; "
                "voor dit IBAN is dat %(bic)s."
            ),
            code="bic_mismatch",
            params={"bic": derive_bic(parsed) or expected[0]},
        )


# ---------------------------------------------------------------------------
# Postcode and municipality
# ---------------------------------------------------------------------------


def validate_postcode(postcode):
    """A Belgian postcode: 4 digits from 1000 to 9992."""
    value = str(postcode or "").strip()
    if not re.fullmatch(r"\d{4}", value) or not 1000 <= int(value) <= 9992:
        raise ValidationError(
            _("Een Belgische postcode bestaat uit 4 cijfers, van 1000 tot 9992."),
            code="postcode_format",
        )


def dutch_enumeration(names):
    """['A'] -> 'A'; ['A', 'B', 'C'] -> 'A, B of C'."""
    if len(names) == 1:
        return names[0]
    return format_lazy("{} {} {}", ", ".join(names[:-1]), _("of"), names[-1])


# ---------------------------------------------------------------------------
# Phone numbers
# ---------------------------------------------------------------------------


def normalise_phone_number(value, region="BE"):
    """'02 553 17 00' -> '+3225531700' (E.164); numbers without +/00 are read as `region`."""
    try:
        number = phonenumbers.parse(str(value or ""), region)
    except phonenumbers.NumberParseException as error:
        raise ValidationError(
            _("Dit is geen telefoonnummer. Geef het op als 02 553 17 00 of +32 2 553 17 00."),
            code="phone_format",
        ) from error
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Dit telefoonnummer bestaat niet. Kijk het netnummer en het aantal cijfers na."),
            code="phone_invalid",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_phone_number(value):
    normalise_phone_number(value)


def phone_number_e164_or_unchanged(value):
    """'09/225.12.34' -> '+3292251234'; what is no valid number comes back unchanged.

    For values that no form checked (the model field, a data migration, a tel: link):
    they are tidied where possible and never refused or lost.
    """
    if not value:
        return value
    try:
        return normalise_phone_number(value)
    except ValidationError:
        return value


@functools.lru_cache(maxsize=4096)
def format_phone_number(value):
    """'+3225531700' -> '02 553 17 00'; foreign numbers in international format.

    Remembered per number: parsing with phonenumbers costs about 0.1 ms, and a
    page of search results shows twenty numbers.
    """
    try:
        number = phonenumbers.parse(str(value or ""), "BE")
    except phonenumbers.NumberParseException:
        return value
    if not phonenumbers.is_valid_number(number):
        return value
    if phonenumbers.region_code_for_number(number) == "BE":
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


# ---------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------


@deconstructible
class MaxWordLengthValidator:
    """No word longer than `limit` characters: a name is indexed word by word for the
    public search, whose columns hold words of at most 100 characters."""

    def __init__(self, limit):
        self.limit = limit

    def __call__(self, value):
        length = longest_word_length(value)
        if length > self.limit:
            raise ValidationError(
                _(
                    "Een woord mag hoogstens %(limit)d tekens tellen; het langste woord telt "
                    "er %(length)d. Zet spaties tussen de woorden."
                ),
                code="word_too_long",
                params={"limit": self.limit, "length": length},
            )

    def __eq__(self, other):
        return isinstance(other, MaxWordLengthValidator) and other.limit == self.limit
