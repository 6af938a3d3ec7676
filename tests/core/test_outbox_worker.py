"""The outbox with a real broker and a real Celery worker: Redis on a port of its own
(never the shared 6379), the worker in a thread (celery.contrib.testing), the mail at
aiosmtpd. And the broker down: the request does not notice, the mail waits.

The portal's Celery app is switched from running tasks in the process (the test
settings have no broker) to the broker for these tests only, and back.
"""

import shutil
import subprocess
import time

import kombu.pools
import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.db import OperationalError, transaction

from core import mail
from core.models import OutboxMail
from portal.celery import app
from providers.services import bank_account_change_request
from tests.factories import MembershipFactory, OrganisationFactory, ServiceProviderFactory
from tests.mailserver import free_port

# The worker thread has its own database connection: it must see what the test commits.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

Status = OutboxMail.Status


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """A redis-server of this module's own, on a free port; stopped afterwards."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is needed (apt-get install redis-server)")
    port = free_port()
    directory = tmp_path_factory.mktemp("redis")
    command = [server, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    command += ["--appendonly", "no", "--dir", str(directory)]
    process = subprocess.Popen(  # noqa: S603 - the system's redis-server, fixed arguments
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(50):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("redis-server did not start")
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def broker(request):
    """The portal's Celery app on a broker (the URL given), not in-process."""

    def use(url):
        forget_connections()
        app.conf.update(broker_url=url, task_always_eager=False, worker_hijack_root_logger=False)

    previous = {
        key: app.conf[key]
        for key in ("broker_url", "task_always_eager", "worker_hijack_root_logger")
    }
    yield use
    forget_connections()
    app.conf.update(previous)


def forget_connections():
    """Drop the app's connections and producers, so that the next use connects to the
    broker_url of that moment."""
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    kombu.pools.reset()


@pytest.fixture
def empty_queue(redis_url):
    """The broker's queue, emptied: no task of an earlier test reaches this one."""
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield lambda: client.llen("celery") == 0
    client.flushdb()


@pytest.fixture
def worker(broker, redis_url, empty_queue):
    broker(redis_url)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:
        yield worker


@pytest.fixture
def provider(db):
    organisation = OrganisationFactory(name="Acme", email="zetel@acme.example")
    return ServiceProviderFactory(
        organisation=organisation, email="info@acme.example", iban="BE71096123456769"
    )


def request_change(provider):
    with transaction.atomic():
        bank_account_change_request(
            service_provider=provider,
            iban="BE48001123456727",
            bic="",
            requested_by=MembershipFactory(organisation=provider.organisation).user,
        )
        # Read before the commit asks the worker for it: read while the worker claims the
        # row, SQLite's shared cache reports the table locked to the worker (table_locked),
        # and the mail then waits for a sweep (seen once in CI, on a loaded machine).
        return OutboxMail.objects.latest("pk")


def table_locked(error):
    """SQLite's in-memory test database is shared by the test's connection and the
    worker thread's in shared-cache mode, where a table that the other connection is
    writing is reported locked at once instead of waited for (busy_timeout does not
    apply). PostgreSQL, which production runs, simply waits: such a read or sweep is
    tried again."""
    return isinstance(error, OperationalError) and "table is locked" in str(error)


def wait_for(condition, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except OperationalError as error:
            if not table_locked(error):
                raise
        time.sleep(0.05)
    return False


def sweep():
    """mail.outbox_sweep(), once the worker's write is done (table_locked)."""
    for _ in range(100):
        try:
            return mail.outbox_sweep()
        except OperationalError as error:
            if not table_locked(error):
                raise
        time.sleep(0.05)
    return mail.outbox_sweep()


def test_the_worker_delivers_a_bank_account_change_mail_to_the_smtp_server(
    worker, provider, smtp_server
):
    row = request_change(provider)

    assert wait_for(lambda: len(smtp_server.messages) == 1)
    assert wait_for(lambda: OutboxMail.objects.get(pk=row.pk).status == Status.SENT)
    assert smtp_server.message_ids() == [row.message_id]


def test_the_worker_sends_once_a_task_it_gets_three_times(
    worker, empty_queue, provider, smtp_server
):
    row = request_change(provider)
    # Redelivery, and a sweep that asks while the first request is on its way.
    mail.request_delivery(row.pk)
    mail.request_delivery(row.pk)
    sweep()

    assert wait_for(lambda: OutboxMail.objects.get(pk=row.pk).status == Status.SENT)
    assert wait_for(empty_queue)  # the other requests reached the worker too
    time.sleep(0.5)  # and it is done with the last one
    assert smtp_server.message_ids() == [row.message_id]
    assert OutboxMail.objects.get(pk=row.pk).attempts == 1


def test_with_the_broker_down_the_change_commits_and_its_mail_waits_for_the_sweep(
    broker, redis_url, empty_queue, provider, smtp_server
):
    broker(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there

    started = time.monotonic()
    row = request_change(provider)
    took = time.monotonic() - started

    # The commit did not fail and did not wait long for the broker.
    assert took < 3, f"the commit waited {took:.1f} s for a broker that is down"
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.QUEUED, 0)
    assert smtp_server.messages == []

    # The broker (and a worker) back: beat's sweep asks for it, the worker delivers it.
    broker(redis_url)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        assert sweep() == 1
        # The mail server first, then the row: polling the row while the worker claims it
        # can make SQLite report the table locked to the worker (table_locked), which left
        # the row queued and this test waiting (seen once, on a loaded machine).
        assert wait_for(lambda: len(smtp_server.messages) == 1)
        assert wait_for(lambda: OutboxMail.objects.get(pk=row.pk).status == Status.SENT)
    assert smtp_server.message_ids() == [row.message_id]
