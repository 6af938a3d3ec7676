"""`manage.py backup`: the database and the private files, into one new directory."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup_create
from core.storage import StorageUnavailable


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump custom format, or a copy of the SQLite file) and "
        "every private file (the bucket, or MEDIA_ROOT) into a new directory "
        "kmo-backup-<UTC timestamp> under --output. Restore it with `manage.py restore`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=str(settings.BASE_DIR / "var" / "backups"),
            help="Directory that receives the backup directory (default var/backups).",
        )

    def handle(self, *args, output, **options):
        try:
            summary = backup_create(output_dir=output)
        except (BackupError, StorageUnavailable, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backup written: {summary.path} ({summary.vendor} database, "
            f"{summary.files} files, {summary.bytes} bytes)"
        )
