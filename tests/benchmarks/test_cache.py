"""The benchmark and the search's results cache: the in-process search scenarios
measure the search itself (cache off), one extra scenario a cache hit; the gunicorn
run measures the search with and without the cache, and the report says which is
which and which cache the workers shared."""

import uuid

import pytest

from benchmarks import load_modules, measure
from benchmarks.measure import (
    DEFAULT_REDIS_CACHE_URL,
    LOCMEM_CACHE_URL,
    ThroughputResult,
    choose_cache_url,
    flush_search_cache,
    measure_scenario,
    measure_throughput,
    redis_answers,
)
from benchmarks.registry import SCENARIOS, THROUGHPUTS, Throughput
from benchmarks.report import (
    LONG_TAIL_CACHED,
    LONG_TAIL_UNCACHED,
    SEARCH_CACHED,
    SEARCH_UNCACHED,
    Machine,
    markdown_report,
    text_report,
    throughput_ratio,
)

pytestmark = pytest.mark.django_db

TEST_REDIS = "redis://127.0.0.1:6379/15"
needs_redis = pytest.mark.skipif(not redis_answers(TEST_REDIS), reason="no Redis on 6379")


def scenario(name):
    load_modules()
    return next(item for item in SCENARIOS if item.name == name)


def test_one_scenario_measures_a_hit_of_the_warmed_results_cache(settings):
    settings.RATELIMIT_ENABLE = False
    settings.DIRECTORY_CACHE_SECONDS = 0  # as the command sets it
    cached = scenario("common word, cached")

    hit = measure_scenario(cached, repeats=2, warmup=1)
    real = measure_scenario(scenario("common word"), repeats=1, warmup=1)

    assert cached.group != "search"
    assert cached.params == (("q", "advies"),)
    assert hit.status == 200 and hit.queries == 0
    assert real.queries > 0


def test_the_search_is_measured_with_and_without_the_cache():
    load_modules()

    cached, uncached = THROUGHPUTS[SEARCH_CACHED], THROUGHPUTS[SEARCH_UNCACHED]

    assert cached.paths() == uncached.paths()
    assert len(cached.paths()) == 13
    assert cached.environment == {}
    assert uncached.environment == {"DIRECTORY_CACHE_SECONDS": "0"}
    assert "search" not in THROUGHPUTS


class FakeServer:
    started = []

    def __init__(self, *, database_url, workers, cache_url, environment):
        self.port = 9000 + len(self.started)
        self.cache_url = cache_url
        self.environment = environment
        self.started.append(self)
        self.cpu = 0.0

    def cpu_seconds(self):
        return self.cpu

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return None


def test_each_environment_gets_a_gunicorn_of_its_own_with_the_cache_url(monkeypatch):
    FakeServer.started = []
    calls = []
    monkeypatch.setattr(measure, "GunicornServer", FakeServer)
    monkeypatch.setattr(
        measure,
        "_wrk_load",
        lambda port, paths, *, seconds, concurrency, offset: (
            calls.append((port, paths)) or (10, 0, 1.0)
        ),
    )
    throughputs = [
        Throughput(name="trivial view", paths=lambda: ["/gezondheid/"]),
        Throughput(name=SEARCH_CACHED, paths=lambda: ["/zoeken/?q=a"]),
        Throughput(
            name=SEARCH_UNCACHED,
            paths=lambda: ["/zoeken/?q=a"],
            environment={"DIRECTORY_CACHE_SECONDS": "0"},
        ),
    ]

    results = measure_throughput(
        throughputs,
        database_url="postgres://x/y",
        workers=1,
        seconds=3,
        concurrency=1,
        cache_url=LOCMEM_CACHE_URL,
    )

    assert [server.environment for server in FakeServer.started] == [
        {},
        {"DIRECTORY_CACHE_SECONDS": "0"},
    ]
    assert {server.cache_url for server in FakeServer.started} == {LOCMEM_CACHE_URL}
    ports = {path[0]: port for port, path in calls}
    assert ports["/gezondheid/"] == FakeServer.started[0].port
    uncached_ports = {port for port, path in calls if path == ["/zoeken/?q=a"]}
    assert uncached_ports == {server.port for server in FakeServer.started}
    # The warm-up is not counted.
    assert all(result.requests == 10 * measure.THROUGHPUT_ROUNDS for result in results)


def test_each_load_run_goes_on_where_the_last_one_stopped(monkeypatch):
    # A long tail of searches must not restart at its first paths in every run, or the
    # results cache would answer the later runs.
    FakeServer.started = []
    offsets = []
    monkeypatch.setattr(measure, "GunicornServer", FakeServer)
    monkeypatch.setattr(
        measure,
        "_wrk_load",
        lambda port, paths, *, seconds, concurrency, offset: (
            offsets.append(offset) or (10, 2, 1.0)
        ),
    )

    measure_throughput(
        [Throughput(name="long tail", paths=lambda: [f"/zoeken/?q={n}" for n in range(100)])],
        database_url="postgres://x/y",
        workers=1,
        seconds=3,
        concurrency=1,
        cache_url=LOCMEM_CACHE_URL,
    )

    # The warm-up, then THROUGHPUT_ROUNDS runs: each starts 12 requests further.
    assert offsets == [12 * n for n in range(1 + measure.THROUGHPUT_ROUNDS)]


def test_each_page_is_charged_the_cpu_time_of_its_server_and_of_the_database(monkeypatch):
    FakeServer.started = []
    database = [0.0]
    monkeypatch.setattr(measure, "GunicornServer", FakeServer)
    monkeypatch.setattr(measure, "database_cpu_seconds", lambda: database[0])

    def load(port, paths, *, seconds, concurrency, offset):
        # While a page is measured its own server and the database work; the warm-up
        # (the first call per page) too, but it is not counted.
        server = next(server for server in FakeServer.started if server.port == port)
        server.cpu += 0.2 if paths == ["/gezondheid/"] else 3.0
        database[0] += 0.0 if paths == ["/gezondheid/"] else 1.5
        return 100, 0, 1.0

    monkeypatch.setattr(measure, "_wrk_load", load)
    results = measure_throughput(
        [
            Throughput(name="trivial view", paths=lambda: ["/gezondheid/"]),
            Throughput(
                name=LONG_TAIL_UNCACHED,
                paths=lambda: ["/zoeken/?q=a"],
                environment={"DIRECTORY_CACHE_SECONDS": "0"},
            ),
        ],
        database_url="postgres://x/y",
        workers=1,
        seconds=3,
        concurrency=1,
        cache_url=LOCMEM_CACHE_URL,
    )

    trivial, tail = results
    assert trivial.app_cpu_ms == pytest.approx(2.0)
    assert trivial.database_cpu_ms == pytest.approx(0.0)
    assert tail.app_cpu_ms == pytest.approx(30.0)
    assert tail.database_cpu_ms == pytest.approx(15.0)


def test_without_a_local_database_its_cpu_time_is_unknown(monkeypatch):
    FakeServer.started = []
    monkeypatch.setattr(measure, "GunicornServer", FakeServer)
    monkeypatch.setattr(measure, "database_cpu_seconds", lambda: None)
    monkeypatch.setattr(
        measure, "_wrk_load", lambda port, paths, *, seconds, concurrency, offset: (10, 0, 1.0)
    )

    (result,) = measure_throughput(
        [Throughput(name="trivial view", paths=lambda: ["/gezondheid/"])],
        database_url="postgres://x/y",
        workers=1,
        seconds=3,
        concurrency=1,
        cache_url=LOCMEM_CACHE_URL,
    )

    assert result.database_cpu_ms is None


def test_cpu_seconds_are_read_from_proc_for_a_process_and_its_children():
    import os
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(5)"])
    try:
        assert child.pid in measure.child_pids(os.getpid())
        assert measure.process_cpu_seconds(os.getpid()) > 0
    finally:
        child.kill()
        child.wait()
    assert measure.process_cpu_seconds(child.pid) == 0.0  # gone


def test_the_workers_keep_their_database_connections_for_the_whole_benchmark(monkeypatch):
    # The database's CPU is read from its backends before and after each run: a backend
    # that closes in between (DB_CONN_MAX_AGE) would take its CPU out of the sum.
    started = {}

    class Process:
        pid = 0

        def poll(self):
            return 0

    def popen(command, **kwargs):
        started["env"] = kwargs["env"]
        return Process()

    monkeypatch.setattr(measure.subprocess, "Popen", popen)
    monkeypatch.setattr(measure.GunicornServer, "_wait_until_ready", lambda self: None)
    with measure.GunicornServer(database_url="postgres://example/db", workers=2):
        pass
    assert int(started["env"]["DB_CONN_MAX_AGE"]) >= 3600


def test_the_cache_url_is_the_redis_database_when_one_answers(monkeypatch):
    monkeypatch.setattr(measure, "redis_answers", lambda url: True)
    assert choose_cache_url("auto") == DEFAULT_REDIS_CACHE_URL

    monkeypatch.setattr(measure, "redis_answers", lambda url: False)
    assert choose_cache_url("auto") == LOCMEM_CACHE_URL
    assert choose_cache_url("redis://elsewhere:6379/2") == "redis://elsewhere:6379/2"


@needs_redis
def test_flushing_empties_only_the_search_keys():
    import redis

    client = redis.Redis.from_url(TEST_REDIS)
    mine = f":1:directory:search:{uuid.uuid4().hex}"
    other = f"benchmark-test-other-{uuid.uuid4().hex}"
    client.set(mine, "page")
    client.set(other, "keep")
    try:
        assert flush_search_cache(TEST_REDIS) >= 1
        assert client.get(mine) is None
        assert client.get(other) == b"keep"
    finally:
        client.delete(mine, other)


MACHINE = Machine(
    cpus=2,
    cpu_model="test",
    memory_gib=1,
    postgresql="15",
    python="3.11",
    django="5.2",
    load=(0.1, 0.1, 0.1),
)


def _throughputs():
    def result(name, requests, app_cpu=0.0, database_cpu=0.0):
        return ThroughputResult(
            name=name,
            paths=[],
            requests=requests,
            seconds=10,
            loader="wrk",
            app_cpu_seconds=app_cpu,
            database_cpu_seconds=database_cpu,
        )

    return [
        result("trivial view", 20000, app_cpu=15.0),
        result("home page", 7000),
        result(SEARCH_CACHED, 6000),
        result(SEARCH_UNCACHED, 150),
        result(LONG_TAIL_CACHED, 1100),
        result(LONG_TAIL_UNCACHED, 900, app_cpu=18.0, database_cpu=9.0),
    ]


def test_the_target_is_read_on_the_cached_search_and_the_cold_figure_is_next_to_it():
    throughputs = _throughputs()

    text = text_report(
        machine=MACHINE,
        results=[],
        throughputs=throughputs,
        volumes={"providers": 1},
        repeats=1,
        warmup=1,
        cache_url="redis://:secret@127.0.0.1:6379/3",
    )
    markdown = markdown_report(
        machine=MACHINE,
        results=[],
        throughputs=throughputs,
        volumes={"providers": 1},
        repeats=1,
        warmup=1,
        command="python manage.py benchmark",
        workers=2,
        seconds=15,
        concurrency=8,
        cache_url="redis://:secret@127.0.0.1:6379/3",
    )

    assert throughput_ratio(throughputs) == pytest.approx(0.30)
    assert "search (results cache) / trivial view: 30.0% (target >= 25%: yes; warm cache)" in text
    assert "search (no cache) / trivial view: 0.8%" in text
    assert "| search (results cache) | 600.0 | 30.0% | yes (≥ 25%) | 6000 | 0 | 0.00 | 0.00 |" in (
        markdown
    )
    assert "| search (no cache) | 15.0 | 0.8% | - | 150 | 0 | 0.00 | 0.00 |" in markdown
    # The long tail has its own target, with and without the cache.
    assert "long tail (results cache) / trivial view: 5.5% (target >= 5%: yes)" in text
    assert "long tail (no cache) / trivial view: 4.5% (target >= 5%: NO)" in text
    tail_row = "| long tail (no cache) | 90.0 | 4.5% | NO (≥ 5%) | 900 | 0 | 20.00 | 10.00 |"
    assert tail_row in markdown
    # What a request costs in CPU, and what it may cost at the target: 20 times the
    # trivial view's 0.75 ms at 5 %.
    budget = (
        "long tail (no cache): 30.0 ms of CPU per request (app 20.0, PostgreSQL 10.0); "
        "at 5% of the trivial view about 15.0 ms"
    )
    assert budget in text
    assert f"- {budget}" in markdown
    assert "**30.0%** with the results cache (target ≥ 25%: yes), without it **0.8%**" in markdown
    assert "warm cache" in markdown
    assert "secret" not in text + markdown
    assert "Redis redis://:***@127.0.0.1:6379/3" in markdown


def test_the_report_says_when_the_workers_had_no_shared_cache():
    text = text_report(
        machine=MACHINE,
        results=[],
        throughputs=_throughputs(),
        volumes={"providers": 1},
        repeats=1,
        warmup=1,
        cache_url=LOCMEM_CACHE_URL,
    )

    assert "no Redis answered, so each gunicorn worker had a cache of its own" in text
