"""The demo data, loaded once per test module.

Loading 20 organisations with their providers, registrations and staff takes a
second or two; every test of a module reads the same data. The module's fixture
loads it inside a transaction that it rolls back when the module is done, and
each test runs in a savepoint inside it (pytest-django's `db`), so a test that
changes something leaves the next one the data as loaded.
"""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

COUNT = 20


@pytest.fixture(scope="module")
def media_root(tmp_path_factory):
    """Where the demo's audit reports are written for this module."""
    path = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=path):
        yield path


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker, media_root):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo_data", organisations=COUNT, force=True, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _media_root_for_each_test(media_root, settings):
    """pytest-django's `settings` restores MEDIA_ROOT after each test: keep the module's."""
    settings.MEDIA_ROOT = media_root
