import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from core import validators


def error_of(function, *args):
    with pytest.raises(ValidationError) as caught:
        function(*args)
    return caught.value


# --- KBO number -------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["BE0123.456.749", "0123 456 749", "BE 0123456749", "0123456749", "be0123-456-749"]
)
def test_it_normalises_the_usual_ways_of_writing_a_kbo_number(typed):
    assert validators.normalise_kbo_number(typed) == "0123456749"


def test_it_rejects_a_kbo_number_with_a_wrong_check_digit():
    error = error_of(validators.validate_kbo_number, "0123.456.748")
    assert error.code == "kbo_check_digit"
    assert error.messages == ["Het ondernemingsnummer klopt niet: het controlegetal is fout."]


@pytest.mark.parametrize("typed", ["123.456.749", "123456749", "BE 123 456 749"])
def test_the_old_nine_digit_notation_gets_its_leading_zero(typed):
    assert validators.compact_kbo_number(typed) == "0123456749"
    assert validators.normalise_kbo_number(typed) == "0123456749"


def test_it_rejects_a_kbo_number_that_starts_with_another_digit_than_0_or_1():
    error = error_of(validators.validate_kbo_number, "2123456749")
    assert error.code == "kbo_first_digit"
    assert "begint met 0 of 1" in error.messages[0]


@pytest.mark.parametrize("typed", ["", "12345", "0123.456.7490", "0123.45A.749", "NL0123456749"])
def test_it_rejects_a_kbo_number_of_the_wrong_length_or_characters(typed):
    error = error_of(validators.validate_kbo_number, typed)
    assert error.code == "kbo_format"
    assert "10 cijfers" in error.messages[0]


def test_it_rejects_a_kbo_number_written_in_digits_of_another_script():
    # 0123456749 with Arabic-Indic digits after the 0: int() reads them, the database
    # would keep them as typed and no search would find the number.
    error = error_of(
        validators.validate_kbo_number, "0\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0664\u0669"
    )
    assert error.code == "kbo_format"


def test_compacting_takes_out_separators_and_the_country_prefix_without_checking():
    assert validators.compact_kbo_number(" be 0123.456-749/") == "0123456749"
    assert validators.compact_kbo_number("0417.49") == "041749"


def test_it_formats_a_kbo_number_with_dots():
    assert validators.format_kbo_number("0123456749") == "0123.456.749"
    assert validators.format_kbo_number("BE 0123 456 749") == "0123.456.749"


def test_it_leaves_an_invalid_kbo_number_alone_when_formatting():
    assert validators.format_kbo_number("12345") == "12345"


@given(st.integers(min_value=0, max_value=19_999_999))
def test_any_prefix_starting_with_0_or_1_with_its_check_digits_is_a_valid_kbo_number(prefix):
    number = f"{prefix:08d}{97 - prefix % 97:02d}"
    assert validators.normalise_kbo_number(number) == number


@given(st.integers(min_value=0, max_value=19_999_999), st.integers(min_value=0, max_value=99))
def test_any_other_check_digits_make_a_kbo_number_invalid(prefix, check):
    assume(check != 97 - prefix % 97)
    error = error_of(validators.validate_kbo_number, f"{prefix:08d}{check:02d}")
    assert error.code == "kbo_check_digit"


# --- IBAN and BIC ---------------------------------------------------------------

VALID_IBANS = [
    "BE71096123456769",
    "BE48001123456727",
    "NL91ABNA0417164300",
    "DE89370400440532013000",
    "FR1420041010050500013M02606",
]


def test_it_accepts_a_valid_belgian_iban_written_in_groups():
    validators.validate_iban("BE71 0961 2345 6769")


def test_it_normalises_an_iban_to_compact_upper_case():
    assert validators.normalise_iban(" be71 0961 2345 6769 ") == "BE71096123456769"


def test_it_rejects_the_placeholder_iban_from_the_old_screen_for_its_checksum():
    error = error_of(validators.validate_iban, "BE25 1001 2345 0789")
    assert error.code == "iban_checksum"
    assert error.messages == ["Het IBAN klopt niet: het controlegetal is fout."]


def test_it_rejects_a_valid_iban_from_outside_the_sepa_zone():
    # A valid Turkish IBAN: schwifty accepts it, but Turkey is not in SEPA.
    error = error_of(validators.validate_iban, "TR33 0006 1005 1978 6457 8413 26")
    assert error.code == "iban_not_sepa"
    assert "TR" in error.messages[0]
    assert "SEPA" in error.messages[0]


@pytest.mark.parametrize("typed", ["BE71 0961 2345 676", "BE71 0961 2345 676A", "BE"])
def test_it_rejects_an_iban_of_the_wrong_length_or_format(typed):
    error = error_of(validators.validate_iban, typed)
    assert error.code == "iban_format"


def test_it_rejects_an_iban_with_an_unknown_country():
    error = error_of(validators.validate_iban, "XX71096123456769")
    assert error.code == "iban_country"


@given(st.sampled_from(VALID_IBANS), st.data())
def test_an_iban_with_two_different_digits_swapped_fails_the_checksum(iban, data):
    digit_positions = [i for i, char in enumerate(iban) if i >= 2 and char.isdigit()]
    first = data.draw(st.sampled_from(digit_positions))
    second = data.draw(st.sampled_from(digit_positions))
    assume(iban[first] != iban[second])
    chars = list(iban)
    chars[first], chars[second] = chars[second], chars[first]
    error = error_of(validators.validate_iban, "".join(chars))
    assert error.code == "iban_checksum"


def test_it_formats_an_iban_in_groups_of_four():
    assert validators.format_iban("be71096123456769") == "BE71 0961 2345 6769"


def test_it_masks_all_but_the_country_and_the_last_four_digits_of_an_iban():
    assert validators.mask_iban("BE71 0961 2345 6769") == "BE** **** **** 6769"


@pytest.mark.parametrize("typed", ["GKCCBEBB", "gkcc bebb", "GKCCBEBBXXX"])
def test_it_accepts_a_well_formed_bic(typed):
    validators.validate_bic(typed)


@pytest.mark.parametrize("typed", ["GKCC", "GKCCBEBBX", "GKCC-BEBB"])
def test_it_rejects_a_bic_of_the_wrong_length_or_characters(typed):
    assert error_of(validators.validate_bic, typed).code == "bic_format"


def test_it_rejects_a_bic_with_an_unknown_country():
    assert error_of(validators.validate_bic, "GKCCXXBB").code == "bic_country"


def test_it_derives_the_bic_of_a_belgian_bank_from_the_iban():
    assert validators.derive_bic("BE71 0961 2345 6769") == "GKCCBEBB"
    assert validators.derive_bic("BE48 0011 2345 6727") == "GEBABEBB"


def test_it_derives_no_bic_for_a_foreign_or_invalid_iban():
    assert validators.derive_bic("NL91ABNA0417164300") is None
    assert validators.derive_bic("BE25 1001 2345 0789") is None


def test_it_rejects_a_belgian_iban_with_the_bic_of_another_bank():
    error = error_of(validators.validate_iban_bic_pair, "BE71 0961 2345 6769", "GEBABEBB")
    assert error.code == "bic_mismatch"
    assert error.messages == [
        "De BIC hoort niet bij de bank van dit rekeningnummer; voor dit IBAN is dat GKCCBEBB."
    ]


@pytest.mark.parametrize("bic", ["GKCCBEBB", "gkccbebb", "GKCCBEBBXXX"])
def test_it_accepts_a_belgian_iban_with_its_own_banks_bic(bic):
    validators.validate_iban_bic_pair("BE71 0961 2345 6769", bic)


# --- Phone numbers --------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("02 553 17 00", "+3225531700"),
        ("+32 2 553 17 00", "+3225531700"),
        ("0032 2 553 17 00", "+3225531700"),
        ("0470 12 34 56", "+32470123456"),
        ("+31 20 123 4567", "+31201234567"),
    ],
)
def test_it_normalises_a_phone_number_to_e164(typed, e164):
    assert validators.normalise_phone_number(typed) == e164


def test_it_reads_a_number_without_country_code_in_the_given_region():
    assert validators.normalise_phone_number("020 123 4567", region="NL") == "+31201234567"


def test_it_rejects_text_that_is_no_phone_number():
    assert error_of(validators.validate_phone_number, "bel me").code == "phone_format"


@pytest.mark.parametrize("typed", ["12", "02 553 17", "+32 2 553 17 00 00 00"])
def test_it_rejects_a_phone_number_that_cannot_exist(typed):
    assert error_of(validators.validate_phone_number, typed).code == "phone_invalid"


def test_it_shows_a_belgian_number_in_national_format():
    assert validators.format_phone_number("+3225531700") == "02 553 17 00"
    assert validators.format_phone_number("+32470123456") == "0470 12 34 56"


def test_it_shows_a_foreign_number_in_international_format():
    assert validators.format_phone_number("+31201234567") == "+31 20 123 4567"
