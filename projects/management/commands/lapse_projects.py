"""`manage.py lapse_projects`: record the lapse of dossiers whose own share was not paid
within 30 days of the provider's confirmation. Safe to run daily, and twice."""

from django.core.management.base import BaseCommand, CommandError

from core.dates import add_today_argument
from projects.services import projects_lapse_due


class Command(BaseCommand):
    help = (
        "Record 'vervallen' for confirmed dossiers whose own share was not paid within 30 days "
        "of the confirmation, with an event and an e-mail to the SME and the provider. The "
        "portal already treats them as lapsed from the dates; run this daily. Running it "
        "again records nothing twice."
    )

    def add_arguments(self, parser):
        add_today_argument(parser)

    def handle(self, *args, today=None, **options):
        lapsed, mail_failed = projects_lapse_due(on=today)
        self.stdout.write(f"Dossiers lapsed: {lapsed}")
        if mail_failed:
            self.stderr.write(self.style.ERROR(f"E-mails not sent: {mail_failed} (see the log)."))
            raise CommandError("Some e-mails could not be sent.", returncode=1)
