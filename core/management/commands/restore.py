"""`manage.py restore <backup directory>`: into an empty database and storage."""

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup_restore
from core.storage import StorageUnavailable


class Command(BaseCommand):
    help = (
        "Restore a backup of `manage.py backup` into this portal's database and private "
        "file storage. Refuses a database with tables or a storage with files unless "
        "--force, which replaces them."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", help="The kmo-backup-<timestamp> directory.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the database's contents and every private file (destructive).",
        )

    def handle(self, *args, backup, force, **options):
        try:
            summary = backup_restore(source=backup, force=force)
        except (BackupError, StorageUnavailable, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored {summary.path} ({summary.vendor} database, {summary.files} files, "
            f"{summary.bytes} bytes)"
        )
