"""gunicorn as production runs it (portal/gunicorn.conf.py): JSON access lines with the
request id and without the query string, and /metrics that adds up all the workers
(Prometheus' multiprocess mode)."""

import json
import re
import subprocess
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.ops.conftest import (
    BASE_DIR,
    VENV_BIN,
    free_port,
    service_environment,
    stop_process,
    wait_for_port,
)

REQUESTS = 40
HEALTH_COUNTER = re.compile(
    r'^django_http_requests_total_by_view_transport_method_total\{[^}]*view="portal:health"[^}]*\}'
    r" (?P<count>[0-9.e+]+)$",
    re.MULTILINE,
)


@pytest.fixture(params=["own directory", "given directory"])
def gunicorn(request, tmp_path):
    """gunicorn with two workers; PROMETHEUS_MULTIPROC_DIR unset (gunicorn.conf.py makes
    one) or given."""
    port = free_port()
    given = request.param == "given directory"
    metrics_directory = tmp_path / "prometheus" if given else None
    log = (tmp_path / "gunicorn.log").open("w+")
    process = subprocess.Popen(  # noqa: S603
        [
            str(VENV_BIN / "gunicorn"),
            "-c",
            str(BASE_DIR / "portal" / "gunicorn.conf.py"),
            "portal.wsgi",
        ],
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=service_environment(
            GUNICORN_BIND=f"127.0.0.1:{port}",
            GUNICORN_WORKERS="2",
            GUNICORN_THREADS="2",
            LOG_FORMAT="json",
            METRICS_HOSTS="metrics.internal",
            PROMETHEUS_MULTIPROC_DIR=str(metrics_directory) if given else None,
            DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        ),
    )
    try:
        wait_for_port(port, timeout=30, process=process)
        yield {"url": f"http://127.0.0.1:{port}", "log": log, "metrics": metrics_directory}
    finally:
        stop_process(process)
        log.close()


def logged_lines(log):
    log.flush()
    log.seek(0)
    lines = []
    for line in log.read().splitlines():
        try:
            lines.append(json.loads(line))
        except ValueError:
            pytest.fail(f"a log line that is not JSON: {line!r}")
    return lines


def test_the_access_log_is_json_with_the_request_id_and_without_the_query(gunicorn):
    request_id = uuid.uuid4().hex
    response = requests.get(
        f"{gunicorn['url']}/gezondheid/",
        params={"q": "Vandenbroucke"},
        headers={"X-Request-ID": request_id},
        timeout=10,
    )
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == request_id

    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        access = [
            line for line in logged_lines(gunicorn["log"]) if line["logger"] == "gunicorn.access"
        ]
        if access:
            break
        time.sleep(0.1)
    [line] = access
    assert line["request_id"] == request_id
    assert (line["method"], line["path"], line["status"]) == ("GET", "/gezondheid/", 200)
    assert isinstance(line["duration_ms"], int | float)
    text = json.dumps(line)
    assert "Vandenbroucke" not in text and "q=" not in text
    assert "127.0.0.1" not in text  # no client address


def test_metrics_add_up_the_requests_of_every_worker(gunicorn):
    url = f"{gunicorn['url']}/gezondheid/"
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(
            pool.map(lambda _: requests.get(url, timeout=10).status_code, range(REQUESTS))
        )
    assert statuses == [200] * REQUESTS

    if gunicorn["metrics"] is not None:
        # Each worker writes its own files, named by its pid: both served requests.
        files = gunicorn["metrics"].glob("counter_*.db")
        pids = {path.stem.rsplit("_", 1)[-1] for path in files}
        assert len(pids) == 2, pids

    scraped = []
    for _ in range(4):  # whichever worker answers, it reports the total
        response = requests.get(
            f"{gunicorn['url']}/metrics", headers={"Host": "metrics.internal"}, timeout=10
        )
        assert response.status_code == 200
        scraped.append(float(HEALTH_COUNTER.search(response.text)["count"]))
    assert scraped == [REQUESTS] * 4

    public = requests.get(f"{gunicorn['url']}/metrics", timeout=10)
    assert public.status_code == 404
