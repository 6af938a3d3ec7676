"""Measuring: server time and query count in-process, throughput under gunicorn.

Server time is what the Django test client takes for a GET (middleware, view,
queries, template), so it excludes the network and the HTTP server. The query
count comes from a separate, untimed request under CaptureQueriesContext, which
forces the debug cursor and would otherwise add to the times.

Throughput is measured with real HTTP on loopback: gunicorn with the portal's
settings (the rate limit turned off through RATELIMIT_ENABLE) and one sync worker per
CPU, driven by wrk (Debian's package; a Lua script rotates over many different
URLs, which is how the long tail of searches is measured). Both the search page and
a trivial view are measured the same way, so their ratio says what the search costs
over Django's own overhead. The search
is measured twice, each on a gunicorn of its own: with the shared results cache
(CACHE_URL, Redis when one answers) and without it (DIRECTORY_CACHE_SECONDS=0).
"""

import contextlib
import http.client
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse


def scenario_path(scenario):
    path = reverse(scenario.url_name, kwargs=scenario.url_kwargs or None)
    return f"{path}?{urlencode(scenario.params)}" if scenario.params else path


def percentile(values, fraction):
    """Nearest-rank percentile: the smallest value with `fraction` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


@dataclass
class ScenarioResult:
    scenario: object
    path: str
    status: int = 0
    queries: int = 0
    times_ms: list = field(default_factory=list)
    slowest_sql: str = ""
    slowest_sql_ms: float = 0.0
    # All SQL of the counted request: what the server time spends outside Python.
    sql_ms: float = 0.0
    explain: str = ""

    @property
    def p50(self):
        return percentile(self.times_ms, 0.50)

    @property
    def p95(self):
        return percentile(self.times_ms, 0.95)

    @property
    def max(self):
        return max(self.times_ms)

    @property
    def ok(self):
        return self.status == 200

    @property
    def meets_time(self):
        target = self.scenario.p95_ms
        return target is None or (self.ok and self.p95 <= target)

    @property
    def meets_queries(self):
        target = self.scenario.max_queries
        return target is None or (self.ok and self.queries <= target)


def _get(client, path):
    response = client.get(path)
    if response.streaming:
        # A streamed export is only served once its last row is out.
        b"".join(response.streaming_content)
    # No response.close(): it would send request_finished, whose handler closes the
    # database connection, and every timed request would pay for a new one. The
    # test client already closes the response without that handler.
    return response


def _prepare(scenario, *, warmup):
    """A client for the scenario, warmed up, and the result with its query count."""
    client = Client()
    if scenario.prepare_client:
        scenario.prepare_client(client)
    result = ScenarioResult(scenario=scenario, path=scenario_path(scenario))
    with override_settings(**scenario.settings):
        for _ in range(warmup):
            _get(client, result.path)
        with CaptureQueriesContext(connection) as captured:
            response = _get(client, result.path)
    result.status = response.status_code
    result.queries = len(captured.captured_queries)
    result.sql_ms = sum(float(query["time"]) for query in captured.captured_queries) * 1000
    if captured.captured_queries:
        slowest = max(captured.captured_queries, key=lambda query: float(query["time"]))
        result.slowest_sql = slowest["sql"]
        result.slowest_sql_ms = float(slowest["time"]) * 1000
    return client, result


def _time_once(client, result):
    with override_settings(**result.scenario.settings):
        started = time.perf_counter()
        _get(client, result.path)
        result.times_ms.append((time.perf_counter() - started) * 1000)


def _explain(result):
    if result.slowest_sql and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {result.slowest_sql}")
            result.explain = "\n".join(row[0] for row in cursor.fetchall())


def measure_scenario(scenario, *, repeats, warmup, explain=False):
    """Time `repeats` GETs of the scenario after `warmup` untimed ones."""
    client, result = _prepare(scenario, warmup=warmup)
    for _ in range(repeats):
        _time_once(client, result)
    if explain:
        _explain(result)
    return result


def measure_scenarios(scenarios, *, repeats, warmup, explain=False):
    """Like measure_scenario for each, but the timed runs take turns (one request of
    every scenario, then the next round): a burst of other work on the machine then
    spreads over all scenarios instead of spoiling one."""
    prepared = [_prepare(scenario, warmup=warmup) for scenario in scenarios]
    for _ in range(repeats):
        for client, result in prepared:
            _time_once(client, result)
    results = [result for _, result in prepared]
    if explain:
        for result in results:
            _explain(result)
    return results


# --- Throughput under gunicorn -------------------------------------------------------


@dataclass
class ThroughputResult:
    name: str
    paths: list
    environment: dict = field(default_factory=dict)
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    loader: str = ""
    # The next path to ask for: each run goes on where the last one stopped.
    offset: int = 0
    # CPU seconds spent while the page was measured: by gunicorn (master and workers)
    # and by PostgreSQL's processes on this machine (None: none is local).
    app_cpu_seconds: float = 0.0
    database_cpu_seconds: float | None = 0.0

    @property
    def rate(self):
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def app_cpu_ms(self):
        """gunicorn's CPU time per request, in milliseconds."""
        return self.app_cpu_seconds / self.requests * 1000 if self.requests else 0.0

    @property
    def database_cpu_ms(self):
        """PostgreSQL's CPU time per request, in milliseconds (None: not local)."""
        if self.database_cpu_seconds is None or not self.requests:
            return None
        return self.database_cpu_seconds / self.requests * 1000


# --- CPU time of processes (Linux /proc) ----------------------------------------------
# Where a page's cost lies under load: the CPU seconds of the app server's processes and
# of the database's, read before and after each run. On loopback both share the CPUs, so
# a page's throughput follows their sum per request.

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def process_cpu_seconds(pid):
    """User and system CPU seconds of a process so far; 0 when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    # The fields after the command name (which may hold spaces), from field 3 on.
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


def child_pids(pid):
    """The pids of a process's children (gunicorn's workers)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        return [int(child) for child in children.split()]
    except OSError:
        return []


def database_pids():
    """The pids of this machine's PostgreSQL processes (empty: the database is elsewhere)."""
    pids = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if (entry / "comm").read_text().strip() == "postgres":
                pids.append(int(entry.name))
        except OSError:
            continue
    return pids


def database_cpu_seconds():
    """CPU seconds of this machine's PostgreSQL processes so far, None when it has none.
    Backends come and go; the connections of the gunicorn workers stay for the whole
    benchmark (GunicornServer sets DB_CONN_MAX_AGE)."""
    pids = database_pids()
    return sum(process_cpu_seconds(pid) for pid in pids) if pids else None


def database_url():
    """The URL of the database this process uses, for the gunicorn workers."""
    db = connection.settings_dict
    credentials = db["USER"] or ""
    if db["PASSWORD"]:
        credentials = f"{credentials}:{db['PASSWORD']}"
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{db['NAME']}"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# What the gunicorn workers cache in when no Redis answers: one cache per process.
LOCMEM_CACHE_URL = "locmemcache://"
DEFAULT_REDIS_CACHE_URL = "redis://127.0.0.1:6379/3"


def redis_answers(url):
    """Whether a Redis server answers at `url` (a redis:// URL)."""
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping())
    except (redis.RedisError, OSError, ValueError):
        return False


def choose_cache_url(preference="auto"):
    """The CACHE_URL for the gunicorn workers: `preference`, or with "auto" the
    benchmark's Redis database when a Redis answers there, else a per-process cache."""
    if preference != "auto":
        return preference
    return DEFAULT_REDIS_CACHE_URL if redis_answers(DEFAULT_REDIS_CACHE_URL) else LOCMEM_CACHE_URL


def flush_search_cache(cache_url):
    """Delete the search's cached pages (and listing version) from a Redis cache, so
    that the run starts cold; other keys in that database are left alone."""
    if not cache_url.startswith(("redis://", "rediss://")):
        return 0
    import redis

    from directory.cache import KEY_PREFIX

    client = redis.Redis.from_url(cache_url)
    deleted = 0
    for key in client.scan_iter(match=f"*{KEY_PREFIX}*", count=1000):
        deleted += client.delete(key)
    return deleted


class GunicornServer:
    """gunicorn on 127.0.0.1 with the portal's settings, for the length of a `with` block."""

    def __init__(self, *, database_url, workers, cache_url=LOCMEM_CACHE_URL, environment=None):
        self.port = _free_port()
        self.workers = workers
        self.database_url = database_url
        self.cache_url = cache_url
        self.environment = environment or {}
        self.process = None
        # Kept open for the server's lifetime; closed (and removed) in __exit__.
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115
            prefix="benchmark-gunicorn-", suffix=".log"
        )

    def __enter__(self):
        hosts = os.environ.get("DJANGO_ALLOWED_HOSTS", "")
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DATABASE_URL": self.database_url,
            # Every request of the load generator comes from 127.0.0.1: with the
            # per-IP limit on, this would measure the 429 page.
            "RATELIMIT_ENABLE": "false",
            "DJANGO_DEBUG": "false",
            "DJANGO_ALLOWED_HOSTS": ",".join(filter(None, [hosts, "127.0.0.1"])),
            "CACHE_URL": self.cache_url,
            # Each worker keeps its database connection for the whole benchmark: the
            # database's CPU is read from its backends before and after each run, and a
            # backend that closed in between (DB_CONN_MAX_AGE, 60 s by default) took all
            # of its CPU with it, so PostgreSQL's share was counted short.
            "DB_CONN_MAX_AGE": str(24 * 3600),
            **self.environment,
        }
        self.process = subprocess.Popen(  # noqa: S603 - our own fixed command line
            [
                sys.executable,
                "-m",
                "gunicorn",
                "portal.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--worker-class",
                "sync",
                "--log-level",
                "warning",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self._wait_until_ready()
        return self

    def _wait_until_ready(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                status, _ = _request("127.0.0.1", self.port, "/gezondheid/")
                if status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError(f"gunicorn did not start:\n{self.output()}")

    def output(self):
        return Path(self.log.name).read_text(errors="replace")[-3000:]

    def cpu_seconds(self):
        """CPU seconds of gunicorn's master and workers so far."""
        pid = self.process.pid
        return sum(process_cpu_seconds(each) for each in [pid, *child_pids(pid)])

    def __exit__(self, *exc_info):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def _request(host, port, path, connection_=None):
    conn = connection_ or http.client.HTTPConnection(host, port, timeout=30)
    conn.request("GET", path, headers={"Accept-Language": "nl-BE"})
    response = conn.getresponse()
    response.read()
    if connection_ is None:
        conn.close()
    return response.status, response.getheader("Connection", "")


# `counter` starts where the previous run of the same page stopped (the script's
# argument), so that a long tail of searches is not the same first few in every run.
WRK_SCRIPT = """
paths = {%s}
counter = 0
init = function(args)
  counter = tonumber(args[1]) or 0
end
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1], {["Accept-Language"] = "nl-BE"})
end
"""


def _wrk_load(port, paths, *, seconds, concurrency, offset=0):
    lua_paths = ", ".join('"' + path.replace('"', '\\"') + '"' for path in paths)
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(WRK_SCRIPT % lua_paths)
        script.flush()
        output = subprocess.run(  # noqa: S603 - wrk from PATH, fixed arguments
            [  # noqa: S607
                "wrk",
                "-t1",
                f"-c{concurrency}",
                f"-d{max(1, round(seconds))}s",
                # wrk gives up on a response after 2 s by default: a slow page
                # would count as an error instead of as a slow success.
                "--timeout",
                "30s",
                "-s",
                script.name,
                f"http://127.0.0.1:{port}/",
                "--",
                str(offset),
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 60,
        ).stdout
    requests = int(re.search(r"(\d+) requests in ([\d.]+)(m?s)", output).group(1))
    duration = re.search(r"requests in ([\d.]+)(ms|s|m)", output)
    elapsed = float(duration.group(1)) * {"ms": 0.001, "s": 1, "m": 60}[duration.group(2)]
    errors = 0
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        errors += int(non_2xx.group(1))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if socket_errors:
        # gunicorn's sync workers close every connection; wrk counts that as a read error.
        errors += int(socket_errors.group(1)) + int(socket_errors.group(4))
    return requests - errors, errors, elapsed


THROUGHPUT_ROUNDS = 3


LOADER = "wrk"


def require_wrk():
    """wrk's path, or a RuntimeError that says how to install it."""
    path = shutil.which(LOADER)
    if path is None:
        raise RuntimeError(
            "The throughput is measured with wrk: install it (apt-get install wrk; "
            "`make benchmark` does that as root) or pass --no-throughput."
        )
    return path


def measure_throughput(
    throughputs, *, database_url, workers, seconds, concurrency, cache_url=None
):
    """Requests per second of each Throughput, taking turns; throughputs with the
    same environment share a gunicorn, the servers run side by side (an idle one
    costs nothing)."""
    load = _wrk_load
    cache_url = cache_url or LOCMEM_CACHE_URL
    results = [
        ThroughputResult(
            name=throughput.name,
            paths=throughput.paths(),
            environment=dict(throughput.environment),
            loader=LOADER,
        )
        for throughput in throughputs
    ]
    environments = []
    for result in results:
        if result.environment not in environments:
            environments.append(result.environment)
    flush_search_cache(cache_url)
    with contextlib.ExitStack() as stack:
        servers = [
            stack.enter_context(
                GunicornServer(
                    database_url=database_url,
                    workers=workers,
                    cache_url=cache_url,
                    environment=environment,
                )
            )
            for environment in environments
        ]
        result_servers = [servers[environments.index(result.environment)] for result in results]
        ports = [server.port for server in result_servers]
        for result, port in zip(results, ports, strict=True):
            # Warm up every worker (imports, templates, connections, caches).
            requests, errors, _elapsed = load(
                port, result.paths, seconds=2, concurrency=concurrency, offset=result.offset
            )
            result.offset += requests + errors
        # The pages take turns in THROUGHPUT_ROUNDS short runs, so that a burst of
        # other work on the machine does not fall on one page only and skew the ratio.
        for _ in range(THROUGHPUT_ROUNDS):
            for result, port, server in zip(results, ports, result_servers, strict=True):
                app_before, database_before = server.cpu_seconds(), database_cpu_seconds()
                requests, errors, elapsed = load(
                    port,
                    result.paths,
                    seconds=seconds / THROUGHPUT_ROUNDS,
                    concurrency=concurrency,
                    offset=result.offset,
                )
                result.offset += requests + errors
                result.requests += requests
                result.errors += errors
                result.seconds += elapsed
                result.app_cpu_seconds += server.cpu_seconds() - app_before
                database_after = database_cpu_seconds()
                if database_before is None or database_after is None:
                    result.database_cpu_seconds = None
                elif result.database_cpu_seconds is not None:
                    result.database_cpu_seconds += max(0.0, database_after - database_before)
    return results
