import datetime

import pytest
from django.utils.formats import date_format

from core.dates import format_day


@pytest.mark.parametrize(
    "day",
    [datetime.date(2026, 3, 4), datetime.date(2025, 12, 31), datetime.date(999, 1, 1)],
)
def test_a_day_is_written_as_djangos_date_filter_writes_d_m_y(day):
    assert format_day(day) == date_format(day, "d/m/Y")


@pytest.mark.parametrize("nothing", [None, ""])
def test_no_day_is_written_as_nothing(nothing):
    assert format_day(nothing) == ""
