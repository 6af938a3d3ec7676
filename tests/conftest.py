"""Fixtures shared by the whole suite."""

import io
import os
import re
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def portal_language():
    """Every test starts in the portal's language. A request in English leaves English
    active in the thread (LocaleMiddleware activates it and nothing deactivates it), and
    the next test on that worker would read English messages."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


# --- The people of the suite ------------------------------------------------------
# Alice works for a provider; Sam and Tina work for the agency (VLAIO), in the working
# roles of portal.roles (reviewer of registrations, processor of dossiers, verifier of
# bank accounts), as the demo's `medewerker`. A module gives Alice her organisation,
# or Sam more rights, by overriding the fixture with one that takes it
# (`def alice(alice, organisation): ...`).


@pytest.fixture
def alice(db):
    from tests.factories import UserFactory

    return UserFactory(username="alice", first_name="Alice", last_name="Peeters")


def _agency_staff(username, first_name):
    from django.contrib.auth.models import Group

    from portal.roles import PROCESSOR, REVIEWER, VERIFIER
    from tests.factories import UserFactory

    user = UserFactory(username=username, first_name=first_name, last_name="VLAIO", is_staff=True)
    user.groups.set(Group.objects.filter(name__in=[REVIEWER.name, PROCESSOR.name, VERIFIER.name]))
    return user


@pytest.fixture
def sam(db):
    return _agency_staff("sam", "Sam")


@pytest.fixture
def tina(db):
    return _agency_staff("tina", "Tina")


# --- Object storage: a real SeaweedFS (ops/seaweedfs.sh) -------------------------------


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory):
    """One SeaweedFS for the session (per xdist worker), on free ports, with its own
    access keys; stopped at the end."""
    from tests.seaweedfs_support import SeaweedFS

    server = SeaweedFS(tmp_path_factory.mktemp("seaweedfs")).start()
    yield server
    server.stop()


@pytest.fixture
def object_storage(seaweedfs, settings, tmp_path):
    """The private files go to a new, empty bucket of the session's SeaweedFS (created
    as the release step does, by `ensure_bucket`). MEDIA_ROOT points at an empty
    directory, so a test can show that nothing lands on disk. Returns the bucket name."""
    from django.core.management import call_command

    values = seaweedfs.storage_settings(seaweedfs.new_bucket())
    for name, value in values.items():
        if name.startswith("S3_"):
            setattr(settings, name, value)
    settings.STORAGES = {**settings.STORAGES, "private": values["PRIVATE_STORAGE"]}
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("ensure_bucket", stdout=io.StringIO())
    return values["S3_BUCKET"]


@pytest.fixture(autouse=True)
def _empty_default_cache():
    """The locmem cache outlives a test (the public search's results are in it)."""
    from django.core.cache import caches

    caches["default"].clear()


@pytest.fixture(autouse=True)
def _forget_process_caches():
    """The per-process copies of reference data (core.process_cache: today's eligibility
    restrictions, the vakgebieden of the search form) would outlive a test that changed
    the data in a rolled-back transaction."""
    from core.process_cache import ProcessCache

    yield
    ProcessCache.forget_all()


# --- Browser tests: Playwright driving the machine's Chromium -----------------
# Playwright cannot download its own browser here; Debian's package is used.
# /usr/lib/chromium/chromium is the binary itself, /usr/bin/chromium a wrapper script.
CHROMIUM_PATHS = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SERIOUS_IMPACTS = {"serious", "critical"}
# Console messages of Chromium about the portal's security headers.
SECURITY_HEADER_REPORTS = re.compile("Content Security Policy|Permissions-Policy")


def chromium_path():
    return next((path for path in CHROMIUM_PATHS if Path(path).exists()), None)


def pytest_collection_modifyitems(config, items):
    # A live-server or transactional test flushes the database afterwards. Without
    # serialized rollback the flush re-runs post_migrate (new content types, which the
    # next serialized test then restores a second time) and drops the reference data
    # from migrations (postcodes, vakgebieden, rates): every such test gets serialized
    # rollback.
    for item in items:
        marker = item.get_closest_marker("django_db") or pytest.mark.django_db.mark
        flushes = marker.kwargs.get("transaction") or "live_server" in getattr(
            item, "fixturenames", ()
        )
        if flushes and not marker.kwargs.get("serialized_rollback"):
            # Before the test's own marker (which would otherwise stay the closest), with
            # its other arguments (databases, reset_sequences).
            serialized = {**marker.kwargs, "transaction": True, "serialized_rollback": True}
            item.add_marker(pytest.mark.django_db(*marker.args, **serialized), append=False)
    # In CI a missing browser must fail the run, not quietly skip the journeys.
    if chromium_path() or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(
        reason="no Chromium at /usr/lib/chromium/chromium or /usr/bin/chromium "
        "(`apt-get install chromium`, or run `make test` as root)"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser(django_db_setup):
    """One headless system Chromium for the whole session."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if executable is None:
        pytest.fail(f"browser tests need Chromium at one of {', '.join(CHROMIUM_PATHS)}")
    # Playwright's sync API keeps an asyncio loop running in this thread from
    # start() to stop(); Django's ORM would refuse every query in between.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from django.db import connections

    # sync_playwright().start() switches this thread's context, and
    # django.db.connections is context-local: the connection wrappers seen
    # afterwards lack the serialized test database that serialized_rollback
    # restores after a transactional test's flush. Carry it over.
    serialized = {
        alias: getattr(connections[alias], "_test_serialized_contents", None)
        for alias in connections
    }
    playwright = sync_playwright().start()
    for alias, contents in serialized.items():
        if contents is not None and not hasattr(connections[alias], "_test_serialized_contents"):
            connections[alias]._test_serialized_contents = contents
    chromium = playwright.chromium.launch(
        executable_path=executable, headless=True, args=CHROMIUM_ARGS
    )
    yield chromium
    chromium.close()
    playwright.stop()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server_static_files):
    """A fresh browser context (no cookies) per test, asking for Dutch.

    The pages' Content-Security-Policy is enforced, not bypassed: the axe scan runs
    through Playwright's evaluate (the DevTools protocol), which a CSP does not govern.
    Anything the policy refuses on the way (a script, a style, a form's redirect) is
    reported in the console, as is a Permissions-Policy the browser cannot read, and
    fails the journey.
    """
    context = browser.new_context(locale="nl-BE")
    context.set_default_timeout(10_000)
    page = context.new_page()
    reported = []
    page.on(
        "console",
        lambda message: (
            reported.append(message.text) if SECURITY_HEADER_REPORTS.search(message.text) else None
        ),
    )
    yield page
    context.close()
    if reported:
        pytest.fail("the browser reports on the security headers:\n" + "\n".join(reported))


@pytest.fixture
def live_server_static_files(settings):
    """Let the live server serve static files the way `runserver` does.

    Tests run with DEBUG off, so templates would ask for the hashed names of
    the collectstatic manifest, which the live server's static handler (it
    reads the app and project static directories) does not know. Plain
    storage gives it names it can find, so pages get their real CSS and the
    contrast checks of the accessibility scan mean something.
    """
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _describe_violations(violations):
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {node['target']}" for node in violation["nodes"])
    return "\n".join(lines)


def check_no_serious_axe_violations(page):
    """Run axe-core on the page; fail listing every serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in SERIOUS_IMPACTS]
    if serious:
        pytest.fail(
            f"axe found serious accessibility violations on {page.url}:\n"
            + _describe_violations(serious),
            pytrace=False,
        )


@pytest.fixture
def assert_no_serious_axe_violations():
    """The axe scan as a fixture: `assert_no_serious_axe_violations(page)`."""
    return check_no_serious_axe_violations


@pytest.fixture
def standin_application(db):
    """Factory that registers an OIDC client at the ACM/IDM stand-in.

    `standin_application(redirect_uris=[f"{live_server.url}/oidc/callback/"],
    post_logout_redirect_uris=[f"{live_server.url}/"])` returns the DOT
    Application (confidential, authorization code, RS256, no consent screen) with
    client id and secret from settings.OIDC_RP_CLIENT_ID / OIDC_RP_CLIENT_SECRET
    unless given.
    """
    from django.conf import settings

    from standin.demo import register_client

    def register(
        redirect_uris,
        post_logout_redirect_uris=(),
        client_id=None,
        client_secret=None,
    ):
        return register_client(
            client_id=client_id or settings.OIDC_RP_CLIENT_ID,
            client_secret=client_secret or settings.OIDC_RP_CLIENT_SECRET,
            redirect_uris=list(redirect_uris),
            post_logout_redirect_uris=list(post_logout_redirect_uris),
            name="Test client",
        )

    return register


# --- A real SMTP server (aiosmtpd) ----------------------------------------------------


@pytest.fixture
def smtp_server(settings):
    """A running SMTP server (tests/mailserver.py) that Django's SMTP backend sends to.

    Instead of the locmem backend of the test run: what arrives was really sent.
    """
    from tests.mailserver import MailServer

    server = MailServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()
