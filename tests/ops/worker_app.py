"""The portal's Celery app with one task of the tests': a worker started with
`celery -A tests.ops.worker_app worker` runs it (tests/ops/test_celery_request_id.py)."""

import logging

from portal.celery import app

__all__ = ["app", "log_a_line"]


@app.task(name="tests.ops.log_a_line")
def log_a_line(address=None):
    """Logs a line; takes and returns an e-mail address, which no log line may show."""
    logging.getLogger("tests.ops").info("the task ran")
    return address
