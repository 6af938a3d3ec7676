"""`manage.py benchmark`: seed a large data set into PostgreSQL and measure the pages.

See docs/performance.md for what is measured, the targets and the latest figures,
and benchmarks/__init__.py for how to add a scenario.
"""

import os
import re
import shlex
import sys

import environ
import psycopg
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.test import Client
from django.test.utils import override_settings
from django.urls import NoReverseMatch

from benchmarks import load_modules
from benchmarks.measure import (
    DEFAULT_REDIS_CACHE_URL,
    LOADER,
    choose_cache_url,
    database_url,
    measure_scenarios,
    measure_throughput,
    require_wrk,
    scenario_path,
)
from benchmarks.registry import SCENARIOS, SEEDERS, THROUGHPUTS
from benchmarks.report import (
    machine_info,
    markdown_report,
    text_report,
    update_markdown_file,
)
from benchmarks.seeding import (
    BenchmarkDatabaseError,
    guard_against_real_data,
    require_postgresql,
    seed,
)

DEFAULT_SEED = "kmo-benchmark"


def use_database(url):
    """Point the default connection at `url`, creating the database when it is missing.

    Done before the first query, so everything after (migrate, seeding, the test
    client, the gunicorn workers) uses the benchmark database.
    """
    config = environ.Env.db_url_config(url)
    if "postgresql" not in config["ENGINE"]:
        raise BenchmarkDatabaseError(
            f"--database-url must be a PostgreSQL URL (postgres://...), not {url!r}."
        )
    try:
        with psycopg.connect(
            host=config.get("HOST") or None,
            port=config.get("PORT") or None,
            user=config.get("USER") or None,
            password=config.get("PASSWORD") or None,
            dbname="postgres",
            autocommit=True,
        ) as admin:
            exists = admin.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
            ).fetchone()
            if not exists:
                admin.execute(f'CREATE DATABASE "{config["NAME"]}"')
    except psycopg.Error as error:
        raise BenchmarkDatabaseError(f"Cannot reach PostgreSQL at {url!r}: {error}") from error
    connections["default"].close()
    connections.settings["default"] = {**connections.settings["default"], **config}
    connections["default"] = connections.create_connection("default")


class Command(BaseCommand):
    help = (
        "Seed the benchmark data set into a dedicated PostgreSQL database (once) and measure "
        "server time, SQL queries and throughput of the benchmarked pages."
    )

    def add_arguments(self, parser):
        load_modules()
        parser.add_argument(
            "--database-url",
            help="A dedicated PostgreSQL database, created when missing "
            "(e.g. postgres://postgres@127.0.0.1:5432/kmo_benchmark). Default: DATABASE_URL.",
        )
        volumes = {}
        for seeder in SEEDERS.values():
            volumes.update(seeder.volumes)
        for name, default in volumes.items():
            parser.add_argument(
                f"--{name}",
                type=int,
                default=default,
                help=f"How many {name} (default {default:,}).",
            )
        parser.add_argument("--seed", default=DEFAULT_SEED, help="Seed of the random generator.")
        parser.add_argument(
            "--reseed", action="store_true", help="Empty the benchmark tables and seed again."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed into a database that holds other data (its tables are emptied).",
        )
        parser.add_argument("--seed-only", action="store_true", help="Seed, measure nothing.")
        parser.add_argument(
            "--scenario",
            action="append",
            default=[],
            help="Measure only this scenario or group (repeatable), e.g. --scenario search.",
        )
        parser.add_argument("--repeats", type=int, default=30, help="Timed runs per query.")
        parser.add_argument("--warmup", type=int, default=3, help="Untimed runs per query first.")
        parser.add_argument(
            "--no-throughput", action="store_true", help="Skip the gunicorn throughput runs."
        )
        parser.add_argument(
            "--throughput-seconds", type=float, default=15.0, help="Length of each load run."
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="gunicorn sync workers (default: the CPU count).",
        )
        parser.add_argument(
            "--concurrency", type=int, default=8, help="Open connections of the load generator."
        )
        parser.add_argument(
            "--cache-url",
            default="auto",
            help="CACHE_URL of the gunicorn workers, for the search's results cache; its "
            f"search keys are emptied first. Default (auto): {DEFAULT_REDIS_CACHE_URL} when "
            "a Redis answers there, else a per-process cache (said so in the report).",
        )
        parser.add_argument(
            "--long-tail",
            type=int,
            default=0,
            metavar="N",
            help="Also time the first N searches of the long tail one by one in-process "
            "(results cache off) and print where their time goes: SQL and Python, per kind "
            "of search.",
        )
        parser.add_argument(
            "--explain",
            action="store_true",
            help="Print EXPLAIN (ANALYZE, BUFFERS) of each query's slowest SQL statement.",
        )
        parser.add_argument(
            "--markdown",
            nargs="?",
            const=str(settings.BASE_DIR / "docs" / "performance.md"),
            help="Write the figures into this Markdown file (default docs/performance.md) "
            "between its benchmark markers.",
        )

    def handle(self, *args, **options):
        try:
            self._handle(options)
        except BenchmarkDatabaseError as error:
            raise CommandError(str(error)) from error

    def _handle(self, options):
        load_modules()
        if options["database_url"]:
            use_database(options["database_url"])
        require_postgresql()
        machine = machine_info()
        guard_against_real_data(force=options["force"])
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)

        volumes = {name: options[name] for seeder in SEEDERS.values() for name in seeder.volumes}
        seed(
            list(SEEDERS.values()),
            volumes=volumes,
            rng_seed=options["seed"],
            reseed=options["reseed"],
            log=self.stdout.write,
        )
        if options["seed_only"]:
            return

        scenarios = self._scenarios(options["scenario"])
        # The whole benchmark comes from one client address: the per-IP rate limit
        # would answer 429 after a few requests. It is off for the measurement only.
        # The search's results cache is off too: the p95 target is about the search
        # itself (a scenario that measures a cache hit turns it back on for itself).
        with override_settings(
            RATELIMIT_ENABLE=False,
            ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
            DIRECTORY_CACHE_SECONDS=0,
        ):
            self.stdout.write(
                f"Measuring {len(scenarios)} queries, {options['repeats']} rounds ..."
            )
            results = measure_scenarios(
                scenarios,
                repeats=options["repeats"],
                warmup=options["warmup"],
                explain=options["explain"],
            )
            tail = None
            if options["long_tail"]:
                # Imported here: the search's benchmark module is loaded by load_modules.
                from benchmarks.directory import long_tail_profile

                tail = long_tail_profile(options["long_tail"], client=Client())
        for result in results:
            if result.explain:
                self.stdout.write(f"EXPLAIN of the slowest query of {result.scenario.name}:")
                self.stdout.write(result.slowest_sql)
                self.stdout.write(result.explain)

        throughputs = []
        cache_url = None
        if not options["no_throughput"]:
            try:
                loader = require_wrk() and LOADER
            except RuntimeError as error:
                raise CommandError(str(error)) from error
            cache_url = choose_cache_url(options["cache_url"])
            targets = [t for t in THROUGHPUTS.values() if self._paths_resolve(t)]
            self.stdout.write(
                f"Throughput of {', '.join(t.name for t in targets)} under gunicorn "
                f"({options['workers']} workers, {loader}) ..."
            )
            throughputs = measure_throughput(
                targets,
                database_url=options["database_url"] or database_url(),
                workers=options["workers"],
                seconds=options["throughput_seconds"],
                concurrency=options["concurrency"],
                cache_url=cache_url,
            )

        report = {
            "machine": machine,
            "results": results,
            "throughputs": throughputs,
            "volumes": volumes,
            "repeats": options["repeats"],
            "warmup": options["warmup"],
            "cache_url": cache_url,
        }
        self.stdout.write("")
        self.stdout.write(text_report(**report))
        if tail is not None:
            self.stdout.write("")
            self.stdout.write("\n".join(tail.lines()))
        if options["markdown"]:
            update_markdown_file(
                options["markdown"],
                markdown_report(
                    **report,
                    command=self._command_line(),
                    workers=options["workers"],
                    seconds=options["throughput_seconds"],
                    concurrency=options["concurrency"],
                ),
            )
            self.stdout.write(f"Figures written to {options['markdown']}")

    def _scenarios(self, wanted):
        chosen = []
        for scenario in SCENARIOS:
            if wanted and scenario.name not in wanted and scenario.group not in wanted:
                continue
            try:
                scenario_path(scenario)
            except NoReverseMatch:
                self.stderr.write(
                    f"Skipped {scenario.name}: the URL {scenario.url_name!r} does not exist (yet)."
                )
                continue
            chosen.append(scenario)
        return chosen

    def _paths_resolve(self, throughput):
        try:
            return bool(throughput.paths())
        except NoReverseMatch:
            self.stderr.write(
                f"Skipped the throughput of {throughput.name}: its URL does not exist."
            )
            return False

    @staticmethod
    def _command_line():
        """The command as it was typed, for the docs, without a password."""
        arguments = [re.sub(r"(://[^:/@]+):[^@]+@", r"\1:***@", arg) for arg in sys.argv[1:]]
        return shlex.join(["python", "manage.py", *arguments])
