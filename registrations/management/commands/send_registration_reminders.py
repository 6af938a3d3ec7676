"""`manage.py send_registration_reminders`: e-mail providers 6 and 3 months before a
registration ends. Safe to run daily, and twice: each reminder goes out once.

The same work as beat's daily task (registrations.tasks), for people without a
scheduler; the mails leave through the outbox (core.mail)."""

from django.core.management.base import BaseCommand

from core.dates import add_today_argument
from registrations.reminders import expiry_reminders_send


class Command(BaseCommand):
    help = (
        "Send the reminders before registrations expire (6 and 3 months before their end). "
        "Run it daily; running it again sends nothing twice."
    )

    def add_arguments(self, parser):
        add_today_argument(parser)

    def handle(self, *args, today=None, **options):
        summary = expiry_reminders_send(today=today)
        self.stdout.write(
            f"Expiry reminders sent: {summary.sent} "
            f"(6 months: {summary.six_months}, 3 months: {summary.three_months})"
        )
