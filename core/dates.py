"""Dates: whole years and months on the calendar, the day as the portal writes it, and
the `--today` option of the daily commands (act as if today were another date)."""

import argparse
import datetime

from dateutil.relativedelta import relativedelta


def add_years(day, years):
    """The same calendar day `years` later (or earlier); 29 February becomes 28 February."""
    return day + relativedelta(years=years)


def add_months(day, months):
    """The same day `months` later (or earlier), or the month's last day if it is shorter."""
    return day + relativedelta(months=months)


def format_day(value):
    """ "04/03/2026": a date as the portal writes it in lists and exports (dd/mm/jjjj),
    "" for none. The same text as Django's `date:"d/m/Y"`, which parses its format
    again on every call: ten times the cost, hundreds of times on a long list."""
    if not value:
        return ""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def parse_date(value):
    """An argparse type: a date written as YYYY-MM-DD, else a clear usage error."""
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            f"expected a date as YYYY-MM-DD, not {value!r}"
        ) from error


def add_today_argument(parser):
    """Add `--today YYYY-MM-DD` (default None: the real today) to a command's parser."""
    parser.add_argument(
        "--today",
        type=parse_date,
        default=None,
        help="Act as if today were this date (YYYY-MM-DD); for tests and catching up.",
    )
