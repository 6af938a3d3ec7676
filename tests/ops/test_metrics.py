"""Prometheus metrics, /metrics (portal/metrics.py): only for an internal host name and
never through the reverse proxy; everyone else gets the portal's 404."""

import re

import pytest

pytestmark = pytest.mark.django_db

INTERNAL = "portal-1.internal:8000"
HEALTH_COUNTER = re.compile(
    r'^django_http_requests_total_by_view_transport_method_total\{[^}]*view="portal:health"[^}]*\}'
    r" (?P<count>[0-9.e+]+)$",
    re.MULTILINE,
)


@pytest.fixture(autouse=True)
def metrics_hosts(settings):
    settings.METRICS_HOSTS = [INTERNAL]
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "portal-1.internal"]


def health_requests_counted(client):
    response = client.get("/metrics", HTTP_HOST=INTERNAL)
    assert response.status_code == 200
    match = HEALTH_COUNTER.search(response.content.decode())
    return float(match["count"]) if match else 0.0


def test_the_public_host_gets_a_404(client):
    response = client.get("/metrics", HTTP_HOST="127.0.0.1")

    assert response.status_code == 404
    assert b"django_http" not in response.content


def test_a_request_through_the_proxy_gets_a_404_even_with_the_internal_host_name(client):
    # A client that sends `Host: portal-1.internal:8000` to the public nginx.
    response = client.get("/metrics", HTTP_HOST=INTERNAL, HTTP_X_FORWARDED_FOR="203.0.113.7")

    assert response.status_code == 404


def test_without_metrics_hosts_there_are_no_metrics_at_all(client, settings):
    settings.METRICS_HOSTS = []

    assert client.get("/metrics", HTTP_HOST=INTERNAL).status_code == 404


def test_the_internal_host_gets_the_request_counter(client):
    before = health_requests_counted(client)
    for _ in range(3):
        client.get("/gezondheid/")

    assert health_requests_counted(client) == before + 3


def test_a_metrics_host_without_port_matches_any_port(client, settings):
    settings.METRICS_HOSTS = ["portal-1.internal"]

    assert client.get("/metrics", HTTP_HOST="portal-1.internal:9100").status_code == 200


def test_the_metrics_label_requests_by_view_never_by_path_or_query(client):
    client.get("/zoeken/", {"q": "Vandenbroucke"})

    text = client.get("/metrics", HTTP_HOST=INTERNAL).content.decode()
    assert 'view="directory:search"' in text
    assert "Vandenbroucke" not in text
    assert "/zoeken/" not in text
