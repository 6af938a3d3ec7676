"""The `--today` option of the daily commands: act as if today were another date."""

import argparse
import datetime


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
