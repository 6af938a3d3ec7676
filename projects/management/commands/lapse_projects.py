"""`manage.py lapse_projects`: record the lapse of dossiers whose own share was not paid
within 30 days of the provider's confirmation. Safe to run daily, and twice."""

import argparse
import datetime

from django.core.management.base import BaseCommand, CommandError

from projects.services import projects_lapse_due


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            f"expected a date as YYYY-MM-DD, not {value!r}"
        ) from error


class Command(BaseCommand):
    help = (
        "Record 'vervallen' for confirmed dossiers whose own share was not paid within 30 days "
        "of the confirmation, with an event and an e-mail to the SME and the provider. The "
        "portal already treats them as lapsed from the dates; run this daily. Running it "
        "again records nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=_date,
            default=None,
            help="Act as if today were this date (YYYY-MM-DD); for tests and catching up.",
        )

    def handle(self, *args, today=None, **options):
        lapsed, mail_failed = projects_lapse_due(on=today)
        self.stdout.write(f"Dossiers lapsed: {lapsed}")
        if mail_failed:
            self.stderr.write(self.style.ERROR(f"E-mails not sent: {mail_failed} (see the log)."))
            raise CommandError("Some e-mails could not be sent.", returncode=1)
