"""Sessions end after an idle time and after an absolute lifetime."""

import time

import pytest
from django.urls import reverse

from portal.middleware import SESSION_LAST_ACTIVITY, SESSION_STARTED_AT
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

EXPIRED_MESSAGE = "Uw sessie is verlopen. Meld u opnieuw aan."


@pytest.fixture
def provider_client(client, settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    settings.SESSION_ABSOLUTE_LIFETIME = 8 * 60 * 60
    client.force_login(MembershipFactory().user)
    assert client.get(reverse("portal:provider-menu")).status_code == 200
    return client


def set_clock(client, *, started_ago, idle_for):
    session = client.session
    now = time.time()
    session[SESSION_STARTED_AT] = now - started_ago
    session[SESSION_LAST_ACTIVITY] = now - idle_for
    session.save()


def test_an_active_session_goes_on(provider_client):
    set_clock(provider_client, started_ago=2 * 60 * 60, idle_for=29 * 60)

    response = provider_client.get(reverse("portal:provider-menu"))

    assert response.status_code == 200
    assert time.time() - provider_client.session[SESSION_LAST_ACTIVITY] < 5


def test_it_ends_a_session_left_idle_too_long(provider_client):
    set_clock(provider_client, started_ago=60 * 60, idle_for=31 * 60)

    response = provider_client.get(reverse("portal:provider-menu"), follow=True)

    assert response.redirect_chain[0][0] == reverse("portal:home")
    assert EXPIRED_MESSAGE in response.content.decode()
    assert "_auth_user_id" not in provider_client.session


def test_it_ends_a_session_past_its_absolute_lifetime(provider_client):
    set_clock(provider_client, started_ago=8 * 60 * 60 + 60, idle_for=10)

    response = provider_client.get(reverse("portal:provider-menu"), follow=True)

    assert response.redirect_chain[0][0] == reverse("portal:home")
    assert EXPIRED_MESSAGE in response.content.decode()
    assert "_auth_user_id" not in provider_client.session


def test_an_expired_session_may_sign_in_again_at_once(provider_client, settings):
    set_clock(provider_client, started_ago=60 * 60, idle_for=31 * 60)

    response = provider_client.get(reverse("oidc_authentication_init"))

    assert response.status_code == 302
    assert response["Location"].startswith(settings.OIDC_OP_AUTHORIZATION_ENDPOINT)
    assert "_auth_user_id" not in provider_client.session


def test_a_session_without_a_clock_starts_one(client):
    client.force_login(MembershipFactory().user)

    client.get(reverse("portal:home"))

    assert time.time() - client.session[SESSION_STARTED_AT] < 5
