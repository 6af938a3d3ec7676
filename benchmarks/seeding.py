"""Running the seeders safely and only once.

The benchmark writes hundreds of thousands of rows, and --reseed truncates the
tables it fills, so it must never run against a database with real data. A
benchmark database carries a marker, a JSON comment on the database itself
(COMMENT ON DATABASE: no table of its own, nothing in the migrations), that
records which seeders ran with which volumes. Same volumes again: nothing to do.
"""

import json
import time

from django.db import connection, transaction

from organisations.models import Organisation

MARKER_KEY = "kmo_benchmark"
# Bump when a seeder changes what it writes: older benchmark data then needs --reseed.
SEED_VERSION = 2


class BenchmarkDatabaseError(Exception):
    """The database cannot be used for the benchmark; the message says why and what to do."""


def require_postgresql():
    if connection.vendor != "postgresql":
        raise BenchmarkDatabaseError(
            f"The benchmark runs on PostgreSQL only, and this database is {connection.vendor}. "
            "Give a dedicated database, e.g. "
            "--database-url postgres://postgres@127.0.0.1:5432/kmo_benchmark "
            "(created when missing), or set DATABASE_URL."
        )


def read_marker():
    """The seeders recorded on this database: {name: {"volumes": ..., ...}}, or None."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
            "WHERE datname = current_database()"
        )
        row = cursor.fetchone()
    try:
        return json.loads(row[0])[MARKER_KEY] if row and row[0] else None
    except (ValueError, KeyError, TypeError):
        return None


def write_marker(state):
    text = json.dumps({MARKER_KEY: state}, sort_keys=True)
    literal = "'" + text.replace("'", "''") + "'"
    name = connection.ops.quote_name(connection.settings_dict["NAME"])
    with connection.cursor() as cursor:
        cursor.execute(f"COMMENT ON DATABASE {name} IS {literal}")


def guard_against_real_data(*, force):
    """Refuse a database that holds organisations the benchmark did not write."""
    if Organisation._meta.db_table not in connection.introspection.table_names():
        return
    if read_marker() is None and Organisation.objects.exists() and not force:
        raise BenchmarkDatabaseError(
            f"The database {connection.settings_dict['NAME']!r} holds organisations that the "
            "benchmark did not write. Use a dedicated database (--database-url "
            "postgres://postgres@127.0.0.1:5432/kmo_benchmark) or, if these rows may be "
            "deleted, pass --force."
        )


def _wanted(seeder, volumes, rng_seed):
    return {
        "volumes": {key: volumes[key] for key in seeder.volumes},
        "seed": rng_seed,
        "version": SEED_VERSION,
    }


def _truncate(seeders):
    models = [model for seeder in seeders for model in seeder.reset_tables]
    if not any(model.objects.exists() for model in models):
        return
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
    with connection.cursor() as cursor:
        # Deferred foreign-key checks of earlier writes in this transaction would
        # make TRUNCATE fail ("pending trigger events"): run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # CASCADE also empties what refers to them (vakgebieden links, events, dossiers).
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


def seed(seeders, *, volumes, rng_seed, reseed=False, log=print):
    """Run the seeders that have not run with these volumes; returns the names seeded.

    All of it in one transaction: an interrupted run leaves the database as it was.
    """
    state = read_marker() or {}
    pending = []
    for seeder in seeders:
        recorded = state.get(seeder.name)
        wanted = _wanted(seeder, volumes, rng_seed)
        if recorded == wanted and not reseed:
            log(f"{seeder.name}: already seeded with {wanted['volumes']}, skipped")
            continue
        if recorded and not reseed:
            raise BenchmarkDatabaseError(
                f"{seeder.name} was seeded with {recorded.get('volumes')} "
                f"(seed {recorded.get('seed')!r}, version {recorded.get('version')}); "
                f"run again with --reseed to start over with {wanted['volumes']}."
            )
        pending.append(seeder)
    if not pending:
        return []
    if reseed or any(seeder.name in state for seeder in pending):
        # A seeder's rows may depend on an earlier one's (dossiers on providers):
        # start over from the first one that has to run again.
        first = seeders.index(pending[0])
        pending = list(seeders[first:])
    started = time.monotonic()
    with transaction.atomic():
        _truncate(pending)
        for seeder in pending:
            seeder.seed(volumes=volumes, rng_seed=rng_seed, log=log)
            state[seeder.name] = _wanted(seeder, volumes, rng_seed)
        for seeder in pending:
            if seeder.after_seed:
                seeder.after_seed(log)
        write_marker(state)
    with connection.cursor() as cursor:
        # Fresh statistics, or the planner guesses from empty tables; and the
        # visibility map that autovacuum keeps on a live database, or index-only
        # scans visit the heap for every row of a freshly loaded table.
        # (VACUUM cannot run in a transaction: inside a test, ANALYZE alone.)
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    names = ", ".join(seeder.name for seeder in pending)
    log(f"Seeded {names} in {time.monotonic() - started:.0f} s")
    return [seeder.name for seeder in pending]
