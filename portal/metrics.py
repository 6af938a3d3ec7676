"""Prometheus metrics (django-prometheus) at /metrics, on an internal address only.

django-prometheus' middleware counts every request by view name and method, status
and latency (never a path with its parameters, never a user). The metrics are for the
operators' Prometheus, not for the public: the view answers only

- for a host name in METRICS_HOSTS (the name or name:port by which Prometheus reaches
  this instance directly, e.g. `portal-1.internal:8000`), and
- to a request that did not come through the reverse proxy (no X-Forwarded-For:
  nginx adds it to every request it passes on).

Everything else gets the portal's 404, as if there were no such page. With METRICS_HOSTS
empty (the default) there are no metrics at all. docs/operations.md ("Metrics") shows
how nginx keeps /metrics off the public server, and how Prometheus scrapes each
instance (with PROMETHEUS_MULTIPROC_DIR, all the workers of one gunicorn instance).
"""

from django.conf import settings
from django.http import Http404


def host_name(host):
    """`host` without its port (an IPv6 address keeps its brackets). Used by the
    settings, so this module imports nothing that reads them."""
    if host.endswith("]"):
        return host
    return host.rsplit(":", 1)[0] if ":" in host else host


def is_internal(request):
    """Did this request reach the app server directly, under an internal host name?"""
    if "HTTP_X_FORWARDED_FOR" in request.META:
        return False
    allowed = {host.lower() for host in settings.METRICS_HOSTS}
    if not allowed:
        return False
    # get_host() refuses (400) a host outside ALLOWED_HOSTS; METRICS_HOSTS are in it.
    host = request.get_host().lower()
    return host in allowed or host_name(host) in allowed


def metrics(request):
    """The Prometheus exposition of this instance (all its workers in multiprocess mode)."""
    if not is_internal(request):
        raise Http404
    from django_prometheus.exports import ExportToDjangoView

    return ExportToDjangoView(request)
