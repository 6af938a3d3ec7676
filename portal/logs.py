"""The portal's logs: one line per event, plain or JSON, each with the request's id.

`logging_config()` builds the LOGGING dict for Django (portal/settings.py), the Celery
worker and beat (django-guid's Celery integration applies the same dict) and gunicorn
(portal/gunicorn.conf.py). It imports nothing of Django, so gunicorn's master process
can use it before the application is loaded.

- LOG_FORMAT=plain (the development default): `time level logger [request id] message`;
  LOG_FORMAT=json (production, .env.example): one JSON object per line with the fields
  time, level, logger, request_id, message and whatever a call passes in `extra`.
- The request id is django-guid's: its middleware takes nginx's X-Request-ID header
  when it is a UUID (nginx's $request_id is one, 32 hex digits) and generates one
  otherwise, keeps it in a context variable for the request, and returns it in the
  response's X-Request-ID header; a task queued during the request carries it to the
  worker (portal/celery.py). `RequestIdFilter` puts it on every record.
- gunicorn's access log (`AccessLogger`): method, path without the query string,
  status, duration and the request id. No client address, user agent or referrer:
  see "Logs" in docs/operations.md for why.

Nothing personal in any log: the portal's own messages name objects by their primary
key; the query string (the public search's terms may be a person's name) is never
logged; django-guid's own messages, one of which quotes a rejected X-Request-ID
header (the client's text), are silenced.
"""

import logging
import re

from django_guid.context import guid
from gunicorn.glogging import Logger as GunicornLogger

FORMATS = ("plain", "json")
PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s"
JSON_RENAMED = {"asctime": "time", "levelname": "level", "name": "logger"}
NO_REQUEST_ID = "-"
# What the access log accepts as a request id from a request header: a UUID, with or
# without dashes (nginx's $request_id is 32 hex digits). Anything else is the client's
# text and is not logged.
REQUEST_ID_PATTERN = re.compile(
    r"[0-9a-fA-F]{32}|[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}"
)


class RequestIdFilter(logging.Filter):
    """Puts the current request's (or task's) id on the record as `request_id`.

    A record that already carries one (gunicorn's access log passes the id of the
    response it logs) keeps it; outside a request and a task the id is "-".
    """

    def filter(self, record):
        if not getattr(record, "request_id", None):
            record.request_id = guid.get() or NO_REQUEST_ID
        return True


class RequestWithoutQueryFilter(logging.Filter):
    """Replaces a record's `request` (Django's request logger passes the HttpRequest in
    `extra`) by its method and path: its repr holds the query string, which the JSON
    format would write out."""

    def filter(self, record):
        request = getattr(record, "request", None)
        if request is not None and not isinstance(request, str):
            method = getattr(request, "method", None) or "-"
            path = getattr(request, "path", None) or "-"
            record.request = f"{method} {path}"
        return True


class CeleryTaskDataFilter(logging.Filter):
    """Hides a task's arguments and return value in Celery's own lines ("Task ...
    received", "... succeeded in 0.01s: <return value>"): Celery passes them in the
    record's arguments and, for the JSON format, in `extra` (`data`). A task's log lines
    name it and its id; what it worked on is the task's own business to log (by key)."""

    HIDDEN = ("args", "kwargs", "return_value")

    def filter(self, record):
        if record.name.startswith("celery"):
            for context in (record.args, getattr(record, "data", None)):
                if isinstance(context, dict):
                    for key in self.HIDDEN:
                        if key in context:
                            context[key] = "-"
        return True


def logging_config(log_format="plain", level="INFO"):
    """The dictConfig of every process of the portal, in `log_format` (plain or json)."""
    if log_format not in FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(FORMATS)}, not {log_format!r}")
    handler = {
        "class": "logging.StreamHandler",
        "formatter": log_format,
        "filters": ["request_id", "request_without_query", "celery_task_data"],
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "portal.logs.RequestIdFilter"},
            "request_without_query": {"()": "portal.logs.RequestWithoutQueryFilter"},
            "celery_task_data": {"()": "portal.logs.CeleryTaskDataFilter"},
        },
        "formatters": {
            "plain": {"format": PLAIN_FORMAT},
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "format": JSON_FIELDS,
                "rename_fields": JSON_RENAMED,
                "json_ensure_ascii": False,
            },
        },
        "handlers": {"console": handler},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # django-axes: its warnings (failures, lockouts; no username or address) only.
            "axes": {"level": "WARNING"},
            # django-guid logs every request's id at INFO and quotes a rejected
            # X-Request-ID header (the client's text) in a warning.
            "django_guid": {"level": "ERROR"},
            # django-health-check: a traceback per failed check of every probe during an
            # outage; portal.health logs one line per failed check instead.
            "health_check": {"level": "CRITICAL"},
            # gunicorn's own loggers, with the same handler (portal/gunicorn.conf.py).
            "gunicorn.error": {"handlers": ["console"], "level": level, "propagate": False},
            "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }


def _header(headers, name):
    """The value of header `name` in gunicorn's list of (name, value) pairs, or None."""
    name = name.lower()
    return next((value for key, value in headers if key.lower() == name), None)


class AccessLogger(GunicornLogger):
    """gunicorn's logger with an access line that holds no personal data.

    Fields: request_id (the response's X-Request-ID as django-guid set it, else the
    request's header from nginx), method, path (PATH_INFO: never the query string),
    status, duration_ms. gunicorn's `access_log_format` is not used.
    """

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        request_id = _header(resp.headers, "X-Request-ID") or _header(req.headers, "X-Request-ID")
        if request_id and not REQUEST_ID_PATTERN.fullmatch(request_id):
            request_id = None
        method = environ.get("REQUEST_METHOD", "-")
        path = environ.get("PATH_INFO", "-")
        duration_ms = round(request_time.total_seconds() * 1000, 1)
        self.access_log.info(
            "%s %s %s %sms",
            method,
            path,
            status,
            duration_ms,
            extra={
                "request_id": request_id or NO_REQUEST_ID,
                "method": method,
                "path": path,
                "status": int(status) if str(status).isdigit() else status,
                "duration_ms": duration_ms,
            },
        )
