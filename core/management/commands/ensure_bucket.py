"""`manage.py ensure_bucket`: make sure the private files have somewhere to go.

A release step, run once before the app servers start (next to `migrate`): with
object storage it creates the bucket (private) unless it exists; without, it
creates MEDIA_ROOT. Safe to run on every release.
"""

from django.core.management.base import BaseCommand, CommandError

from core.storage import StorageUnavailable, private_storage


class Command(BaseCommand):
    help = (
        "Create the bucket of the private files (or MEDIA_ROOT without object storage) "
        "unless it exists. Run it as a release step; running it again changes nothing."
    )

    def handle(self, *args, **options):
        bucket = getattr(private_storage, "bucket_name", None)
        where = f"bucket {bucket}" if bucket else f"directory {private_storage.location}"
        try:
            created = private_storage.ensure_exists()
        except (StorageUnavailable, OSError) as error:
            raise CommandError(f"Could not create or reach the {where}: {error}") from error
        self.stdout.write(f"Private files: {where} {'created' if created else 'exists'}.")
