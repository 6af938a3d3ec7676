"""A task's log lines carry the request id of the request that queued it: through a real
broker (Redis) to a real worker, and when the task runs in the request (no broker)."""

import json
import logging
import subprocess
import time
import uuid

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django_guid.context import guid
from django_guid.middleware import guid_middleware

from portal.celery import app
from portal.logs import RequestIdFilter
from tests.ops.conftest import BASE_DIR, VENV_BIN, service_environment, stop_process
from tests.ops.worker_app import log_a_line


def queue_in_a_request(request_id, **apply_options):
    """A request with nginx's X-Request-ID whose view queues the task."""

    def view(request):
        log_a_line.apply_async(**apply_options)
        return HttpResponse("queued")

    request = RequestFactory().get("/", HTTP_X_REQUEST_ID=request_id)
    return guid_middleware(view)(request)


@pytest.fixture
def worker(tmp_path, redis_server):
    broker = redis_server.url(3)
    log = (tmp_path / "worker.log").open("w+")
    process = subprocess.Popen(  # noqa: S603
        [
            str(VENV_BIN / "celery"),
            "-A",
            "tests.ops.worker_app",
            "--quiet",
            "worker",
            "--pool",
            "solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=BASE_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=service_environment(
            CELERY_BROKER_URL=broker,
            LOG_FORMAT="json",
            DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        ),
    )
    yield {"broker": broker, "log": log}
    stop_process(process)
    log.close()


def worker_lines(log):
    log.flush()
    log.seek(0)
    lines = []
    for line in log.read().splitlines():
        try:
            lines.append(json.loads(line))
        except ValueError:
            pytest.fail(f"a worker log line that is not JSON: {line!r}")
    return lines


def test_the_worker_logs_the_task_with_the_id_of_the_request_that_queued_it(worker):
    request_id = uuid.uuid4().hex
    always_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        with app.connection_for_write(worker["broker"]) as connection:
            response = queue_in_a_request(
                request_id, connection=connection, args=["griet.vandenbroucke@example.be"]
            )
    finally:
        app.conf.task_always_eager = always_eager
    assert response["X-Request-ID"] == request_id

    deadline = time.monotonic() + 30
    ran = []
    while not ran and time.monotonic() < deadline:
        time.sleep(0.2)
        ran = [line for line in worker_lines(worker["log"]) if line["message"] == "the task ran"]
    assert ran, "the worker did not run the task within 30 s"
    assert ran[0]["request_id"] == request_id
    assert ran[0]["logger"] == "tests.ops"
    # Celery's own lines ("received", "succeeded: <return value>") without the address.
    time.sleep(0.5)
    lines = worker_lines(worker["log"])
    assert any(line["message"].startswith("Task tests.ops.log_a_line[") for line in lines)
    assert "griet.vandenbroucke" not in json.dumps(lines)


def test_a_task_run_in_the_request_logs_under_its_id_and_leaves_it_in_place(caplog):
    request_id = uuid.uuid4().hex
    seen_after = []

    def view(request):
        log_a_line.delay()  # CELERY_TASK_ALWAYS_EAGER: no broker in the tests
        seen_after.append(guid.get())
        return HttpResponse("done")

    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.INFO, logger="tests.ops"):
        guid_middleware(view)(RequestFactory().get("/", HTTP_X_REQUEST_ID=request_id))

    [record] = [record for record in caplog.records if record.getMessage() == "the task ran"]
    assert record.request_id == request_id
    # django-guid clears the id when a task ends: the rest of the request keeps it.
    assert seen_after == [request_id]
