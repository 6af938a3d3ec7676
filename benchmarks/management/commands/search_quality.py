"""`manage.py search_quality`: recall and precision of the public search on the judged set.

Builds the judged corpus (benchmarks/search_quality.py) in a throwaway test database
(`test_<name>` on PostgreSQL, in memory on SQLite), runs every query and prints a line
per query and the totals; the database is dropped afterwards, so it is safe on any
configured database. See docs/search.md.
"""

from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import setup_databases, teardown_databases

from benchmarks.search_quality import build_corpus, judge, report, summarise

ENGINES = {"postgresql": "PostgreSQL full text", "portable": "portable (SQLite's matcher)"}


class Command(BaseCommand):
    help = (
        "Meet recall en precisie van de publieke zoekfunctie op de beoordeelde zoekvragen "
        "(in een tijdelijke testdatabank)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--matcher",
            choices=["default", *ENGINES],
            default="default",
            help="welke tekstmatcher: die van de databank (standaard), 'portable' of "
            "'postgresql' (alleen op PostgreSQL)",
        )
        parser.add_argument(
            "--min-recall",
            type=float,
            default=None,
            help="eindig met een fout als de gemiddelde recall lager is (bv. 0.95)",
        )
        parser.add_argument(
            "--min-precision",
            type=float,
            default=None,
            help="eindig met een fout als de gemiddelde precisie lager is (bv. 0.95)",
        )

    def handle(self, *args, matcher, min_recall, min_precision, **options):
        state = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        try:
            pks = build_corpus()
            text_search = None if matcher == "default" else matcher
            judgements = judge(pks, text_search=text_search)
            name = ENGINES.get(text_search or "", f"{connection.vendor}'s default")
            self.stdout.write(report(judgements, title=f"Judged search set, matcher: {name}"))
        finally:
            teardown_databases(state, verbosity=0)
        summary = summarise(judgements)
        if (min_recall is not None and summary.recall < min_recall) or (
            min_precision is not None and summary.precision < min_precision
        ):
            raise SystemExit(1)
