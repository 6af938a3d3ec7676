"""gunicorn's configuration for the portal: `gunicorn -c portal/gunicorn.conf.py portal.wsgi`.

Every value can be overridden on the command line (`--bind`, `--workers`, ...) or in
GUNICORN_CMD_ARGS. What it adds to gunicorn's defaults:

- logs in the portal's format (LOG_FORMAT=plain|json, LOG_LEVEL), with an access line
  per request that carries the request id and no query string, address or user agent
  (portal.logs.AccessLogger);
- Prometheus' multiprocess mode: every worker writes its metrics to files in
  PROMETHEUS_MULTIPROC_DIR and /metrics adds them up. The directory belongs to this
  one gunicorn instance (two instances on one host each need their own): by default a
  new temporary directory, removed when the instance stops; a given one is emptied
  when the instance starts. A worker's files are marked dead when it exits. Set it
  here only, never in .env: manage.py and Celery would write into it too. See
  "Metrics" in docs/operations.md.
"""

import os
import shutil
import sys
import tempfile
from pathlib import Path

# The portal's packages, when gunicorn is started from another directory.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal.logs import logging_config

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
# Threads: the portal calls the OP (token endpoint) while it handles the sign-in's
# callback; with one thread per worker a stand-in served by the same workers deadlocks.
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Behind nginx: a stopped instance finishes what it is doing within this time.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Idle keep-alive connections stay open this long. Behind nginx, which keeps idle
# connections to each app server for 60 s (keepalive_timeout of the upstream block in
# ops/nginx/portal.conf.template), it must be longer: gunicorn's default (2 s) closes
# connections that nginx then reuses, and the request sent on one gets a reset (nginx
# retries a GET on the other app server, a POST fails with a 502).
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "75"))

logger_class = "portal.logs.AccessLogger"
accesslog = "-"
errorlog = "-"
logconfig_dict = logging_config(
    os.environ.get("LOG_FORMAT", "plain"), os.environ.get("LOG_LEVEL", "INFO")
)


# Before any worker imports prometheus_client (workers inherit the environment).
_OWN_METRICS_DIRECTORY = "PROMETHEUS_MULTIPROC_DIR" not in os.environ
if _OWN_METRICS_DIRECTORY:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="kmo-portal-metrics-")


def on_starting(server):
    """Empty this instance's metrics directory: files of a previous run would count."""
    directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(directory, ignore_errors=True)
    Path(directory).mkdir(parents=True, exist_ok=True)


def on_exit(server):
    if _OWN_METRICS_DIRECTORY:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)


def child_exit(server, worker):
    """A worker that exits leaves its counters; its gauges must no longer count."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
