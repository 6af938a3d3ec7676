"""`manage.py rebuild_search_index`: rewrite every search document and the vocabulary."""

import time

from django.core.management.base import BaseCommand

from directory.cache import bump_on_commit
from directory.index import search_documents_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the public search's documents (one per service provider) and its "
        "vocabulary. Saves keep them up to date; run this after bulk imports that bypass "
        "the models' save(), or to repair them. Safe to run at any time (one transaction)."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        log = self.stdout.write if options["verbosity"] > 1 else None
        count = search_documents_rebuild(log=log)
        # Bulk writes that preceded the rebuild sent no signals: drop the cached results.
        bump_on_commit()
        seconds = time.monotonic() - started
        self.stdout.write(f"Search documents rebuilt: {count:,} in {seconds:.1f} s.")
