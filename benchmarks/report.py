"""The benchmark's output: a plain table for the terminal and a Markdown section for
docs/performance.md (between the two markers, so the surrounding text stays)."""

import os
import platform
import re
from dataclasses import dataclass
from pathlib import Path

import django
from django.db import connection
from django.utils import timezone

START_MARKER = "<!-- benchmark:figures:start -->"
END_MARKER = "<!-- benchmark:figures:end -->"
# The search page must reach this share of the trivial view's throughput.
THROUGHPUT_RATIO_TARGET = 0.25
TRIVIAL_VIEW = "trivial view"
# The throughput that the target is read on, and its cold counterpart (registered by
# benchmarks/directory.py).
SEARCH_CACHED = "search (results cache)"
SEARCH_UNCACHED = "search (no cache)"
# Issue 16: thousands of different searches, as real visitors make them, so that the
# results cache rarely answers; measured with and without it.
LONG_TAIL_CACHED = "long tail (results cache)"
LONG_TAIL_UNCACHED = "long tail (no cache)"
LONG_TAIL_RATIO_TARGET = 0.05
# The share of the trivial view's throughput that each page must reach.
THROUGHPUT_TARGETS = {
    SEARCH_CACHED: THROUGHPUT_RATIO_TARGET,
    LONG_TAIL_CACHED: LONG_TAIL_RATIO_TARGET,
    LONG_TAIL_UNCACHED: LONG_TAIL_RATIO_TARGET,
}
WARM_CACHE_NOTE = (
    "The cached figure is a warm cache: the six queries repeat, so after the 2 s "
    "warm-up every request is a hit (what a popular search costs). Without the cache "
    "(a search nobody made in the last DIRECTORY_CACHE_SECONDS, or the first one after "
    "a change to the listing) every request runs the search."
)


@dataclass
class Machine:
    cpus: int
    cpu_model: str
    memory_gib: float
    postgresql: str
    python: str
    django: str
    load: tuple

    def describe(self):
        return (
            f"{self.cpus} CPUs ({self.cpu_model}), {self.memory_gib:.0f} GiB RAM, "
            f"PostgreSQL {self.postgresql}, Python {self.python}, Django {self.django}; "
            # Other work on the machine shows in the figures: say how busy it was.
            f"load average {' / '.join(f'{value:.1f}' for value in self.load)} (1/5/15 min)"
        )


def machine_info():
    """The machine as the figures need it; the load average is taken before measuring."""
    cpu_model = platform.processor() or "unknown"
    memory_gib = 0.0
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
        cpu_model = found.group(1).strip() if found else cpu_model
        meminfo = Path("/proc/meminfo").read_text()
        memory_gib = int(re.search(r"MemTotal:\s+(\d+) kB", meminfo).group(1)) / 1024**2
    except (OSError, AttributeError):
        pass
    postgresql = "-"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            postgresql = cursor.fetchone()[0]
    return Machine(
        cpus=os.cpu_count() or 1,
        cpu_model=cpu_model,
        memory_gib=memory_gib,
        postgresql=postgresql,
        python=platform.python_version(),
        django=django.get_version(),
        load=os.getloadavg(),
    )


def _yes(flag):
    return "yes" if flag else "NO"


def throughput_ratios(throughputs):
    """{name: rate / the trivial view's rate} of every other throughput."""
    rates = {result.name: result.rate for result in throughputs}
    trivial = rates.get(TRIVIAL_VIEW)
    if not trivial:
        return {}
    return {name: rate / trivial for name, rate in rates.items() if name != TRIVIAL_VIEW}


def _ms(value):
    return "-" if value is None else f"{value:.2f}"


def cpu_budgets(throughputs):
    """{name: text} for each page with a target: its CPU time per request (app server and
    database) and what it may cost to reach its target. On loopback the load shares the
    CPUs, so throughput goes about as the inverse of that sum: at a target of 5 %, a
    page may cost 20 times the trivial view's CPU time."""
    measured = {result.name: result for result in throughputs}
    trivial = measured.get(TRIVIAL_VIEW)
    if trivial is None or not trivial.requests:
        return {}
    budgets = {}
    for name, wanted in THROUGHPUT_TARGETS.items():
        result = measured.get(name)
        if result is None or not result.requests or result.database_cpu_ms is None:
            continue
        spent = result.app_cpu_ms + result.database_cpu_ms
        allowed = (trivial.app_cpu_ms + (trivial.database_cpu_ms or 0.0)) / wanted
        budgets[name] = (
            f"{spent:.1f} ms of CPU per request (app {result.app_cpu_ms:.1f}, PostgreSQL "
            f"{result.database_cpu_ms:.1f}); at {wanted:.0%} of the trivial view about "
            f"{allowed:.1f} ms"
        )
    return budgets


def throughput_ratio(throughputs):
    """The ratio the target is read on: the search with its results cache."""
    return throughput_ratios(throughputs).get(SEARCH_CACHED)


def cache_description(cache_url):
    """Which cache the gunicorn workers shared, for the report."""
    if not cache_url:
        return None
    cache_url = re.sub(r"(://[^:/@]*):[^@]+@", r"\1:***@", cache_url)
    if cache_url.startswith(("redis://", "rediss://")):
        return f"results cache: Redis {cache_url}, its search keys emptied before the run"
    return (
        f"results cache: {cache_url}; no Redis answered, so each gunicorn worker had a "
        "cache of its own (production shares one Redis)"
    )


def text_report(*, machine, results, throughputs, volumes, repeats, warmup, cache_url=None):
    lines = [
        f"Machine: {machine.describe()}",
        f"Volumes: {', '.join(f'{key} {value:,}' for key, value in volumes.items())}; "
        f"{repeats} timed runs per query after {warmup} warm-up runs; rate limit off.",
        "",
        f"{'scenario':<22} {'status':>6} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'max ms':>8}  targets met",
    ]
    for result in results:
        lines.append(
            f"{result.scenario.name:<22} {result.status:>6} {result.queries:>7} "
            f"{result.p50:>8.1f} {result.p95:>8.1f} {result.max:>8.1f}  "
            f"time {_yes(result.meets_time)}, queries {_yes(result.meets_queries)}"
        )
    for result in results:
        lines.append(f"  {result.scenario.name}: {result.path}")
        if result.slowest_sql_ms:
            lines.append(
                f"    SQL {result.sql_ms:.0f} ms in all, slowest statement "
                f"{result.slowest_sql_ms:.0f} ms: {result.slowest_sql[:150]}..."
            )
    if throughputs:
        lines.append("")
        lines.append(
            f"{'throughput':<22} {'req/s':>8} {'requests':>9} {'errors':>7} "
            f"{'app CPU ms':>10} {'DB CPU ms':>9}"
        )
        for result in throughputs:
            lines.append(
                f"{result.name:<22} {result.rate:>8.1f} {result.requests:>9} {result.errors:>7} "
                f"{result.app_cpu_ms:>10.2f} {_ms(result.database_cpu_ms):>9}"
            )
        for name, ratio in throughput_ratios(throughputs).items():
            target = ""
            if name in THROUGHPUT_TARGETS:
                wanted = THROUGHPUT_TARGETS[name]
                warm = "; warm cache" if name == SEARCH_CACHED else ""
                target = f" (target >= {wanted:.0%}: {_yes(ratio >= wanted)}{warm})"
            lines.append(f"{name} / trivial view: {ratio:.1%}{target}")
        lines += [f"{name}: {text}" for name, text in cpu_budgets(throughputs).items()]
        if cache_description(cache_url):
            lines.append(cache_description(cache_url))
    return "\n".join(lines)


def markdown_report(
    *,
    machine,
    results,
    throughputs,
    volumes,
    repeats,
    warmup,
    command,
    workers,
    seconds,
    concurrency,
    cache_url=None,
):
    info = machine
    lines = [
        START_MARKER,
        "",
        f"Measured on {timezone.localdate().isoformat()}: {info.describe()}.",
        "",
        f"Data: {', '.join(f'{value:,} {key}' for key, value in volumes.items())}. "
        f"Command: `{command}`.",
        "",
        f"### Server time and queries ({repeats} runs per query after {warmup} warm-up runs)",
        "",
        "| query | URL | status | SQL queries | SQL time (ms) | p50 (ms) | p95 (ms) | max (ms) "
        "| p95 ≤ target | queries ≤ target |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for result in results:
        scenario = result.scenario
        time_target = (
            f"{_yes(result.meets_time)} (≤ {scenario.p95_ms:.0f})" if scenario.p95_ms else "-"
        )
        query_target = (
            f"{_yes(result.meets_queries)} (≤ {scenario.max_queries})"
            if scenario.max_queries
            else "-"
        )
        lines.append(
            f"| {scenario.name} | `{result.path}` | {result.status} | {result.queries} "
            f"| {result.sql_ms:.0f} | {result.p50:.1f} | {result.p95:.1f} | {result.max:.1f} "
            f"| {time_target} | {query_target} |"
        )
    if throughputs:
        loader = throughputs[0].loader
        lines += [
            "",
            f"### Throughput under gunicorn ({workers} sync workers, {concurrency} connections, "
            f"{seconds:.0f} s each, load generator: {loader}, on loopback)",
            "",
            "| page | requests/s | / trivial view | target | requests | errors "
            "| app CPU ms/request | PostgreSQL CPU ms/request |",
            "|---|---|---|---|---|---|---|---|",
        ]
        ratios = throughput_ratios(throughputs)
        for result in throughputs:
            ratio = f"{ratios[result.name]:.1%}" if result.name in ratios else "-"
            wanted = THROUGHPUT_TARGETS.get(result.name)
            target = (
                f"{_yes(ratios[result.name] >= wanted)} (≥ {wanted:.0%})"
                if wanted is not None and result.name in ratios
                else "-"
            )
            lines.append(
                f"| {result.name} | {result.rate:.1f} | {ratio} | {target} | {result.requests} "
                f"| {result.errors} | {result.app_cpu_ms:.2f} | {_ms(result.database_cpu_ms)} |"
            )
        budgets = cpu_budgets(throughputs)
        if budgets:
            lines += ["", "CPU time per request (gunicorn's processes and PostgreSQL's):", ""]
            lines += [f"- {name}: {text}" for name, text in budgets.items()]
        ratio = throughput_ratio(throughputs)
        if ratio is not None:
            cold = ratios.get(SEARCH_UNCACHED)
            cold_text = f", without it **{cold:.1%}**" if cold is not None else ""
            lines += [
                "",
                f"Search page / trivial view: **{ratio:.1%}** with the results cache "
                f"(target ≥ {THROUGHPUT_RATIO_TARGET:.0%}: "
                f"{_yes(ratio >= THROUGHPUT_RATIO_TARGET)}){cold_text}. {WARM_CACHE_NOTE}",
            ]
        description = cache_description(cache_url)
        if description:
            lines += ["", f"{description[0].upper()}{description[1:]}."]
    lines += ["", END_MARKER]
    return "\n".join(lines)


def update_markdown_file(path, section):
    """Replace the figures between the markers, or append them when there are none."""
    path = Path(path)
    text = path.read_text() if path.exists() else "# Performance\n"
    if START_MARKER in text and END_MARKER in text:
        before, rest = text.split(START_MARKER, 1)
        after = rest.split(END_MARKER, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n## Figures\n\n" + section + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
