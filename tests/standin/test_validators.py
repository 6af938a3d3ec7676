import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from standin import validators as national_numbers


def error_of(function, *args):
    with pytest.raises(ValidationError) as caught:
        function(*args)
    return caught.value


# --- Rijksregisternummer --------------------------------------------------------


def test_it_accepts_a_rijksregisternummer_of_someone_born_before_2000():
    assert national_numbers.normalise_national_number("90.04.18-123.91") == "90041812391"
    assert national_numbers.birth_date_from_national_number("90041812391") == datetime.date(
        1990, 4, 18
    )


def test_it_accepts_a_rijksregisternummer_of_someone_born_from_2000():
    assert national_numbers.normalise_national_number("15 03 02 045 66") == "15030204566"
    assert national_numbers.birth_date_from_national_number("15030204566") == datetime.date(
        2015, 3, 2
    )


def test_the_same_birth_date_with_the_old_check_digits_means_born_in_the_1900s():
    assert national_numbers.birth_date_from_national_number("15030204537") == datetime.date(
        1915, 3, 2
    )


def test_it_rejects_a_rijksregisternummer_with_a_wrong_check_digit():
    error = error_of(national_numbers.validate_national_number, "90.04.18-123.45")
    assert error.code == "national_number_check_digit"
    assert error.messages == ["Het rijksregisternummer klopt niet: het controlegetal is fout."]


def test_it_rejects_a_rijksregisternummer_with_an_impossible_month():
    error = error_of(national_numbers.validate_national_number, "90.15.18-123.45")
    assert error.code == "national_number_date"


@pytest.mark.parametrize("typed", ["9004181239", "900418123911", "90.04.18-123.9A"])
def test_it_rejects_a_rijksregisternummer_of_the_wrong_length(typed):
    error = error_of(national_numbers.validate_national_number, typed)
    assert error.code == "national_number_format"


def test_it_accepts_a_bis_number_and_reads_its_birth_date():
    national_numbers.validate_national_number("90.24.18-123.37")
    assert national_numbers.birth_date_from_national_number("90241812337") == datetime.date(
        1990, 4, 18
    )


def test_it_accepts_an_unknown_birth_date_but_derives_no_date_from_it():
    national_numbers.validate_national_number("90.00.00-123.21")
    assert national_numbers.birth_date_from_national_number("90000012321") is None


def test_it_derives_no_birth_date_from_an_invalid_number():
    assert national_numbers.birth_date_from_national_number("90.04.18-123.45") is None


def test_it_masks_all_but_the_birth_date_of_a_rijksregisternummer():
    assert national_numbers.mask_national_number("90041812391") == "90.04.18-***.**"


def test_it_masks_an_invalid_rijksregisternummer_completely():
    assert "123" not in national_numbers.mask_national_number("90.04.18-123.45")


birth_parts = st.tuples(
    st.integers(min_value=0, max_value=99),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=1, max_value=28),
    st.integers(min_value=1, max_value=997),
)


@given(birth_parts, st.sampled_from([1900, 2000]))
def test_any_rijksregisternummer_with_its_century_check_digits_is_valid(parts, century):
    yy, mm, dd, serial = parts
    base = int(f"{yy:02d}{mm:02d}{dd:02d}{serial:03d}")
    check = 97 - ((2_000_000_000 if century == 2000 else 0) + base) % 97
    number = f"{base:09d}{check:02d}"
    assert national_numbers.normalise_national_number(number) == number
    assert national_numbers.birth_date_from_national_number(number) == datetime.date(
        century + yy, mm, dd
    )


@given(birth_parts, st.integers(min_value=0, max_value=99))
def test_any_check_digits_matching_neither_century_make_a_rijksregisternummer_invalid(
    parts, check
):
    yy, mm, dd, serial = parts
    base = int(f"{yy:02d}{mm:02d}{dd:02d}{serial:03d}")
    assume(check not in (97 - base % 97, 97 - (2_000_000_000 + base) % 97))
    error = error_of(national_numbers.validate_national_number, f"{base:09d}{check:02d}")
    assert error.code == "national_number_check_digit"
