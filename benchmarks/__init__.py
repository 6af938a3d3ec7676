"""A reproducible benchmark: seed a large data set into PostgreSQL, then measure pages.

`manage.py benchmark` (benchmarks/management/commands/benchmark.py) runs it; the
figures go to docs/performance.md. The parts:

- registry.py: seeders, scenarios and throughput targets (the extension point);
- seeding.py: the guard against a database with real data, the marker that makes
  seeding idempotent, the transaction and ANALYZE around the seeders;
- measure.py: server time and query count in-process, throughput under gunicorn;
- report.py: the terminal table and the Markdown section;
- one module per feature with its seeder and scenarios, listed in MODULES.

To benchmark a new page (issue 7: the dossier overview and its CSV export), add a
module with a `@register_seeder("dossiers", volumes={"dossiers": 1_000_000})`
function and `register_scenario(Scenario(...))` calls, and list it below.
"""

import importlib

MODULES = [
    "benchmarks.baseline",
    "benchmarks.directory",
    "benchmarks.projects",
]


def load_modules():
    """Import every benchmark module so that its seeders and scenarios register."""
    for module in MODULES:
        importlib.import_module(module)
