"""`manage.py send_queued_mail`: deliver the mails of the outbox that are due, as beat's
sweep does every minute (core.mail.outbox_sweep). For people without a scheduler: run it
every few minutes from cron. Safe to run twice, and next to a worker: each mail is sent
once."""

from django.core.management.base import BaseCommand

from core import mail


class Command(BaseCommand):
    help = (
        "Deliver the e-mails of the outbox that are due (new, to retry, or left by a worker "
        "that stopped). Beat does this every minute; run it from cron without a scheduler."
    )

    def handle(self, *args, **options):
        asked = mail.outbox_sweep()
        self.stdout.write(f"Mails due: {asked}")
