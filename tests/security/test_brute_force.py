"""Brute force: the admin's password login locks out (django-axes, portal/lockout.py);
the sign-in through the OP and the stand-in's sign-in are rate-limited per address
(django-ratelimit, portal/ratelimit.py), each answering a Dutch 429 page."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import F
from django.test import RequestFactory
from django.urls import reverse

from standin import demo
from tests.portal.oidc_support import FakeOP

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/admin/login/"
PASSWORD = "het-juiste-wachtwoord"


@pytest.fixture
def sam(sam):
    sam.set_password(PASSWORD)
    sam.save()
    return sam


def admin_login(client, username, password, address="192.0.2.10"):
    return client.post(
        ADMIN_LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def fail(client, username="sam", times=5, address="192.0.2.10"):
    return [admin_login(client, username, "fout", address).status_code for _ in range(times)]


def is_signed_in(client):
    return "_auth_user_id" in client.session


@pytest.fixture
def time_passes():
    """`time_passes(minutes=16)`: the recorded failures become that much older."""

    def older(**delta):
        AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(**delta))

    return older


# --- The admin's password login ------------------------------------------------------------


def test_the_admin_login_locks_out_after_repeated_failures(client, sam):
    statuses = fail(client, times=5)

    assert statuses == [200, 200, 200, 200, 429]
    response = admin_login(client, "sam", PASSWORD)
    assert response.status_code == 429
    assert not is_signed_in(client)


def test_the_lockout_page_says_in_dutch_why_and_for_how_long(client, sam):
    fail(client, times=5)

    response = admin_login(client, "sam", "fout")

    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    text = response.text
    assert "Aanmelden tijdelijk geblokkeerd" in text
    assert "Na 5 mislukte aanmeldpogingen" in text
    assert "Probeer het over 15 minuten opnieuw." in text
    assert "sam" not in text


def test_fewer_failures_than_the_limit_do_not_lock_out(client, sam):
    fail(client, times=4)

    response = admin_login(client, "sam", PASSWORD)

    assert response.status_code == 302
    assert is_signed_in(client)


def test_the_username_is_locked_from_every_address(client, sam):
    fail(client, times=5, address="192.0.2.10")

    assert admin_login(client, "sam", PASSWORD, address="198.51.100.20").status_code == 429


def test_the_address_is_locked_for_every_username(client, sam, tina):
    for username in ("ann", "bert", "carl", "dirk", "eva"):
        admin_login(client, username, "fout")
    tina.set_password(PASSWORD)
    tina.save()

    assert admin_login(client, "tina", PASSWORD).status_code == 429
    assert admin_login(client, "tina", PASSWORD, address="198.51.100.20").status_code == 302


def test_an_unknown_username_is_locked_out_like_a_known_one(client, sam):
    assert fail(client, username="niemand", times=5)[-1] == 429


def test_the_lockout_ends_after_the_cool_off(client, sam, time_passes):
    fail(client, times=5)

    time_passes(minutes=16)

    assert admin_login(client, "sam", PASSWORD, address="198.51.100.20").status_code == 302


def test_a_failure_while_locked_out_does_not_extend_the_lockout(client, sam, time_passes):
    fail(client, times=5)
    time_passes(minutes=10)
    assert fail(client, times=3) == [429, 429, 429]

    time_passes(minutes=6)

    assert admin_login(client, "sam", PASSWORD, address="198.51.100.20").status_code == 302


def test_a_superuser_unlocks_staff_at_once(client, sam):
    fail(client, times=5)

    call_command("axes_reset_username", "sam", verbosity=0)

    assert admin_login(client, "sam", PASSWORD, address="198.51.100.20").status_code == 302


def test_a_successful_login_clears_the_failures(client, sam):
    fail(client, times=4)
    assert admin_login(client, "sam", PASSWORD).status_code == 302
    client.logout()

    assert fail(client, times=4) == [200, 200, 200, 200]
    assert admin_login(client, "sam", PASSWORD).status_code == 302


def test_sign_ins_refused_outside_the_admin_do_not_count(client, sam):
    """A person without rights whom the portal turns away at the OIDC callback does
    not lock their office's address out of the admin."""
    for _ in range(6):
        request = RequestFactory().get("/oidc/callback/", REMOTE_ADDR="192.0.2.10")
        assert authenticate(request, username="sam", password="fout") is None

    assert admin_login(client, "sam", PASSWORD).status_code == 302


# --- Rate limits on the sign-in through the OP and at the stand-in --------------------------


@pytest.fixture
def limited(settings):
    """Two requests a minute per address, counted in the configured (database) cache."""
    settings.RATELIMIT_ENABLE = True
    settings.SIGN_IN_RATE_LIMIT = "2/m"
    settings.STANDIN_SIGN_IN_RATE_LIMIT = "2/m"
    return settings


@pytest.fixture
def op(settings):
    with FakeOP(settings) as fake:
        yield fake


def assert_dutch_429(response):
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "Even geduld" in response.text
    assert "Probeer het over een minuut opnieuw." in response.text


def test_the_oidc_login_start_is_rate_limited(client, op, limited):
    start = reverse("oidc_authentication_init")
    assert [client.get(start).status_code for _ in range(2)] == [302, 302]

    response = client.get(start)

    assert_dutch_429(response)
    assert client.get(start, REMOTE_ADDR="198.51.100.20").status_code == 302


def test_the_oidc_callback_is_rate_limited(client, op, limited):
    callback = reverse("oidc_authentication_callback")
    for _ in range(2):
        assert client.get(callback, {"code": "c", "state": "unknown"}).status_code == 400

    response = client.get(callback, {"code": "c", "state": "unknown"})

    assert_dutch_429(response)
    assert op.token_requests == []


def test_a_whole_sign_in_fits_in_the_limit(client, op, limited):
    response = op.sign_in(client)

    assert response.status_code == 302
    assert is_signed_in(client)


def test_the_standin_sign_in_is_rate_limited(client, limited):
    person = demo.load()["marleen"]
    url = reverse("standin:sign-in-check", args=["itsme"])
    for _ in range(2):
        assert client.post(url, {"person": str(person.uuid)}).status_code == 302

    response = client.post(url, {"person": str(person.uuid)})

    assert_dutch_429(response)
    assert client.get(url).status_code == 200
