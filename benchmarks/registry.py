"""The benchmark's extension point: seeders fill the database, scenarios measure a page.

A later feature (the dossier overview and its CSV export, say) adds a module to
benchmarks with one `@register_seeder` function and a few `register_scenario`
calls, and lists that module in `benchmarks.MODULES`. The command, the table
and docs/performance.md pick it up without further changes.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

# A seeder: seed(*, volumes, rng_seed, log) -> None, inside the command's transaction.
SEEDERS = {}
SCENARIOS = []
# Pages whose throughput under gunicorn is measured: name -> Throughput.
THROUGHPUTS = {}


@dataclass(frozen=True)
class Seeder:
    """Fills the benchmark database for one group of scenarios.

    `volumes` names the command-line options (and their defaults) that size the
    data set, e.g. {"providers": 50_000}. `seed` must be deterministic for a given
    random seed and volumes; `after_seed` runs after every seeder (derived data
    such as search documents); `reset_tables` are truncated by --reseed.
    """

    name: str
    seed: Callable
    volumes: dict
    reset_tables: tuple = ()
    after_seed: Callable | None = None


@dataclass(frozen=True)
class Scenario:
    """One request to time: a URL name with GET parameters and the targets it must meet.

    `prepare_client(client)` can sign a user in for a provider-side page (it runs
    once, before the warm-up). `max_queries` and `p95_ms` are the targets; None
    means "report only". `settings` overrides settings while the scenario's
    requests run (e.g. the search's results cache, which the command turns off).
    """

    name: str
    group: str
    url_name: str
    params: tuple = ()
    description: str = ""
    p95_ms: float | None = 100.0
    max_queries: int | None = None
    prepare_client: Callable | None = None
    url_kwargs: dict = field(default_factory=dict)
    settings: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Throughput:
    """A set of public URLs served under gunicorn; requests rotate over `paths`.

    `environment` is added to the gunicorn's environment: throughputs with the same
    environment share one gunicorn, others get one of their own.
    """

    name: str
    paths: Callable  # () -> list of paths, resolved after Django is set up
    description: str = ""
    environment: dict = field(default_factory=dict)


def register_seeder(name, *, volumes, reset_tables=(), after_seed=None):
    def decorator(function):
        SEEDERS[name] = Seeder(
            name=name,
            seed=function,
            volumes=dict(volumes),
            reset_tables=tuple(reset_tables),
            after_seed=after_seed,
        )
        return function

    return decorator


def register_scenario(scenario):
    if any(existing.name == scenario.name for existing in SCENARIOS):
        raise ValueError(f"benchmark scenario {scenario.name!r} registered twice")
    SCENARIOS.append(scenario)
    return scenario


def register_throughput(throughput):
    THROUGHPUTS[throughput.name] = throughput
    return throughput
