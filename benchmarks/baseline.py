"""Pages every run measures as a reference: the trivial view and the home page."""

from benchmarks.registry import Scenario, Throughput, register_scenario, register_throughput

register_scenario(
    Scenario(
        name="trivial view",
        group="baseline",
        url_name="portal:health",
        description="/gezondheid/: 'ok', no database, no template",
        p95_ms=None,
        max_queries=0,
    )
)
register_scenario(
    Scenario(
        name="home page",
        group="baseline",
        url_name="portal:home",
        description="the public home page (a template, no data)",
        p95_ms=None,
    )
)
register_throughput(
    Throughput(
        name="trivial view",
        paths=lambda: ["/gezondheid/"],
        description="/gezondheid/: answers 'ok', no database, no template",
    )
)
register_throughput(
    Throughput(
        name="home page",
        paths=lambda: ["/"],
        description="the home page: a template, no database; what rendering alone costs",
    )
)
