"""gunicorn's configuration for the portal: `gunicorn -c portal/gunicorn.conf.py portal.wsgi`.

Every value can be overridden on the command line (`--bind`, `--workers`, ...) or in
GUNICORN_CMD_ARGS. What it adds to gunicorn's defaults:

- logs in the portal's format (LOG_FORMAT=plain|json, LOG_LEVEL), with an access line
  per request that carries the request id and no query string, address or user agent
  (portal.logs.AccessLogger);
- Prometheus' multiprocess mode when PROMETHEUS_MULTIPROC_DIR is set: every worker
  writes its metrics to files in that directory and /metrics adds them up. The
  directory belongs to this one gunicorn instance (two instances on one host each need
  their own); it is emptied when the instance starts, and a worker's files are marked
  dead when it exits. See "Metrics" in docs/operations.md.
"""

import os
import shutil
import sys
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

logger_class = "portal.logs.AccessLogger"
accesslog = "-"
errorlog = "-"
logconfig_dict = logging_config(
    os.environ.get("LOG_FORMAT", "plain"), os.environ.get("LOG_LEVEL", "INFO")
)


def on_starting(server):
    """Empty this instance's metrics directory: files of a previous run would count."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        Path(directory).mkdir(parents=True, exist_ok=True)
    elif server.cfg.workers > 1:
        server.log.warning(
            "PROMETHEUS_MULTIPROC_DIR is not set: /metrics shows the one worker that answers"
        )


def child_exit(server, worker):
    """A worker that exits leaves its counters; its gauges must no longer count."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
