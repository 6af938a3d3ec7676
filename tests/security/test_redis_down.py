"""Redis down or hanging: every page works without the cache (portal/cache.py).

The caches are configured the way production configures them (portal.cache.cache_config
of a redis:// URL), pointed at a local port nothing listens on (a stopped Redis) or at a
listener that accepts and never answers (a hanging one). Rate limits fail open.
"""

import logging
import shutil
import socket
import subprocess
import threading
import time

import pytest
from django.core.cache import caches
from django.urls import reverse

from directory import cache as search_cache
from establishments.models import Establishment
from portal import cache as portal_cache
from tests.directory.search_support import provider
from tests.factories import MembershipFactory, OrganisationFactory
from tests.portal.oidc_support import FakeOP
from tests.security.test_headers import WALKS

pytestmark = pytest.mark.django_db

SEARCH = "/zoeken/"
SECRET_SEARCH = "geheimezoekterm"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def use_redis_at(settings, port, socket_timeout=0.25):
    settings.CACHES = {
        "default": portal_cache.cache_config(
            f"redis://127.0.0.1:{port}/0", socket_timeout=socket_timeout
        ),
        "ratelimit": portal_cache.cache_config(
            f"redis://127.0.0.1:{port}/1", socket_timeout=socket_timeout
        ),
    }


@pytest.fixture(autouse=True)
def no_outage_remembered():
    portal_cache.reset_outages()
    yield
    portal_cache.reset_outages()


@pytest.fixture
def redis_down(settings):
    """Both caches at a Redis that is not running; rate limits on."""
    use_redis_at(settings, free_port())
    settings.RATELIMIT_ENABLE = True
    settings.DIRECTORY_CACHE_SECONDS = 300
    return settings


@pytest.fixture
def cache_warnings(caplog):
    caplog.set_level(logging.INFO, logger="portal.cache")

    def warnings():
        return [
            record
            for record in caplog.records
            if record.name == "portal.cache" and record.levelno == logging.WARNING
        ]

    return warnings


@pytest.fixture
def listed():
    return provider("Vormingscentrum Schelde", place=("2000", "Antwerpen"))


def test_the_search_works_with_redis_down(client, redis_down, listed, cache_warnings):
    first = client.get(SEARCH, {"q": "Schelde"})
    second = client.get(SEARCH, {"q": SECRET_SEARCH})
    detail = client.get(reverse("directory:detail", args=[listed.pk]))

    assert first.status_code == 200
    assert "Vormingscentrum Schelde" in first.text
    assert second.status_code == 200
    assert detail.status_code == 200
    assert len(cache_warnings()) == 1


def test_the_warning_names_the_server_and_no_personal_data(
    client, redis_down, listed, cache_warnings
):
    client.get(SEARCH, {"q": SECRET_SEARCH}, REMOTE_ADDR="192.0.2.77")

    [warning] = cache_warnings()
    message = warning.getMessage()
    assert message.startswith("Cache at 127.0.0.1:")
    assert "ConnectionError" in message
    assert SECRET_SEARCH not in message
    assert "192.0.2.77" not in message


def test_rate_limits_fail_open_when_their_store_is_down(client, redis_down, listed):
    redis_down.DIRECTORY_RATE_LIMIT = "1/m"

    statuses = [client.get(SEARCH).status_code for _ in range(3)]

    assert statuses == [200, 200, 200]


def test_the_sign_in_works_with_redis_down(client, redis_down, cache_warnings):
    with FakeOP(redis_down) as op:
        response = op.sign_in(client)
        client.logout()
        again = op.sign_in(client)

    assert response.status_code == 302
    assert again.status_code == 302
    assert "_auth_user_id" in client.session
    # Without a cache the OP's keys are fetched at every sign-in.
    assert op.jwks_requests == 2
    assert len(cache_warnings()) == 1


def test_adding_an_establishment_works_with_redis_down(
    client, redis_down, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory(postcode="2000", municipality="Antwerpen")
    client.force_login(MembershipFactory(organisation=organisation).user)
    data = {
        "postcode": "9000",
        "municipality": "Gent",
        "street": "Veldstraat",
        "house_number": "1",
    }

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("establishments:create"), data)

    establishment = Establishment.objects.get(organisation=organisation, postcode="9000")
    assert response.status_code == 302
    assert response["Location"] == reverse("establishments:detail", args=[establishment.pk])
    # The search cache's version bump ran on commit, and did not fail.
    assert callbacks


@pytest.mark.parametrize("group", sorted(WALKS))
def test_every_page_works_with_redis_down(client, redis_down, group):
    broken = {
        name: response.status_code
        for name, response in WALKS[group](client)
        if response.status_code >= 500
    }

    assert broken == {}


def test_the_search_cache_stores_nothing_without_a_version(client, listed, monkeypatch):
    """A listing version that cannot be read (the cache is down, or comes back between
    two calls) means no entry is trusted or stored."""
    monkeypatch.setattr(search_cache, "listing_version", lambda: None)

    assert client.get(SEARCH, {"q": "Schelde"}).status_code == 200

    assert caches["default"].get(search_cache.page_key("q=Schelde")) is None


# --- A hanging Redis ---------------------------------------------------------------------------


class SilentServer:
    """Accepts TCP connections and never answers: a Redis that hangs."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.port = self.socket.getsockname()[1]
        self.accepted = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                connection, _address = self.socket.accept()
            except OSError:
                return
            self.accepted.append(connection)

    def close(self):
        self.socket.close()
        for connection in self.accepted:
            connection.close()


@pytest.fixture
def silent_redis(settings):
    server = SilentServer()
    use_redis_at(settings, server.port, socket_timeout=0.1)
    settings.RATELIMIT_ENABLE = True
    yield server
    server.close()


def test_a_hanging_redis_is_asked_once_per_pause(client, silent_redis, listed, cache_warnings):
    """The first cache call waits for the socket time-out; every other call in the pause
    (RETRY_SECONDS) skips Redis, so the other requests do not wait at all."""
    for _ in range(3):
        assert client.get(SEARCH, {"q": "Schelde"}).status_code == 200

    assert len(silent_redis.accepted) == 1
    assert "TimeoutError" in cache_warnings()[0].getMessage()
    assert len(cache_warnings()) == 1


# --- Redis back ------------------------------------------------------------------------------


@pytest.fixture
def real_redis(settings, monkeypatch):
    """A redis-server of this test's own on a free port (skipped without the binary)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    command += ["--appendonly", "no"]

    def start():
        process = subprocess.Popen(  # noqa: S603 - the system's redis-server, fixed arguments
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for _ in range(100):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    return process
            time.sleep(0.05)
        process.kill()
        pytest.fail("redis-server did not start")

    def stop(process):
        process.terminate()
        process.wait(timeout=10)

    use_redis_at(settings, port)
    monkeypatch.setattr(portal_cache, "RETRY_SECONDS", 0)
    process = start()
    servers = {"process": process, "start": start, "stop": stop}
    yield servers
    stop(servers["process"])


def test_the_cache_is_used_again_when_redis_is_back(real_redis, caplog):
    caplog.set_level(logging.INFO, logger="portal.cache")
    cache = caches["default"]
    cache.set("sleutel", "waarde")
    assert cache.get("sleutel") == "waarde"

    real_redis["stop"](real_redis["process"])
    assert cache.get("sleutel", "afwezig") == "afwezig"
    assert cache.add("andere", 1) is False
    with pytest.raises(ValueError):
        cache.incr("teller")

    real_redis["process"] = real_redis["start"]()
    cache.set("sleutel", "nieuw")
    assert cache.get("sleutel") == "nieuw"
    messages = [record.getMessage() for record in caplog.records if record.name == "portal.cache"]
    assert [message.split(" (")[0].split(":")[0] for message in messages] == [
        "Cache at 127.0.0.1",
        "Cache at 127.0.0.1",
    ]
    assert messages[-1].endswith("available again")


def test_the_process_keeps_one_redis_client_through_an_outage(real_redis):
    # portal.cache.ReusingRedisCacheClient: one redis-py client per pool, not one per call.
    cache = caches["default"]
    cache.set("sleutel", "waarde")
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client() is client

    real_redis["stop"](real_redis["process"])
    assert cache.get("sleutel", "afwezig") == "afwezig"
    real_redis["process"] = real_redis["start"]()
    cache.set("sleutel", "terug")

    assert cache.get("sleutel") == "terug"
    assert cache._cache.get_client() is client
