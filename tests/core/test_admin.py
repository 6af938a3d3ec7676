"""The admin's search box reads a KBO number in any notation (core.admin)."""

import pytest

from core.admin import normalise_kbo_search_term


@pytest.mark.parametrize(
    ("term", "searched"),
    [
        ("0417.497.106", "0417497106"),
        ("BE 0417 497 106", "0417497106"),
        ("be0417497106", "0417497106"),
        ("417.497.106", "0417497106"),  # the old notation without the leading zero
        ("0417.497", "0417497"),  # part of a number
        ("2023-2024", "2023-2024"),  # a name search, not a number with dashes
    ],
)
def test_a_kbo_looking_term_is_searched_as_its_digits(term, searched):
    assert normalise_kbo_search_term(term) == searched
