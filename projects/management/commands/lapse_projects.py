"""`manage.py lapse_projects`: record the lapse of dossiers whose own share was not paid
within 30 days of the provider's confirmation. Safe to run daily, and twice.

The same work as beat's daily task (projects.tasks), for people without a scheduler."""

from django.core.management.base import BaseCommand

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
        lapsed = projects_lapse_due(on=today)
        self.stdout.write(f"Dossiers lapsed: {lapsed}")
