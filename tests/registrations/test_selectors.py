"""Who the public may see: listed_service_providers is the only answer the public search uses."""

import datetime

import pytest
from django.utils import timezone

from registrations.models import Registration
from registrations.selectors import listed_registrations, listed_service_providers
from tests.factories import RegistrationFactory, ServiceProviderFactory

pytestmark = pytest.mark.django_db

Status = Registration.Status
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_provider_with_an_approved_registration_in_force_is_listed():
    registration = RegistrationFactory(approved=True)

    assert list(listed_service_providers()) == [registration.service_provider]
    assert list(listed_registrations()) == [registration]


@pytest.mark.parametrize(
    "status",
    [
        Status.REQUESTED,
        Status.REFUSED,
        Status.CANCELLED,
        Status.SUSPENDED,
        Status.WITHDRAWN,
        Status.EXCLUDED,
    ],
    ids=str,
)
def test_a_provider_whose_only_registration_is_not_approved_is_not_listed(status):
    # Dates that include today, as the registration had before it was suspended etc.
    RegistrationFactory(approved=True, status=status)

    assert list(listed_service_providers()) == []
    assert list(listed_registrations()) == []


def test_a_provider_whose_registration_has_lapsed_is_not_listed():
    today = timezone.localdate()
    RegistrationFactory(
        approved=True, valid_from=today - datetime.timedelta(days=1826), valid_until=today - DAY
    )

    assert list(listed_service_providers()) == []


def test_a_provider_whose_registration_has_not_started_yet_is_not_listed():
    today = timezone.localdate()
    RegistrationFactory(
        approved=True, valid_from=today + DAY, valid_until=today + datetime.timedelta(days=1826)
    )

    assert list(listed_service_providers()) == []


def test_a_registration_counts_through_its_last_day_and_not_the_day_after():
    registration = RegistrationFactory(
        approved=True,
        valid_from=datetime.date(2025, 1, 1),
        valid_until=datetime.date(2029, 12, 31),
    )

    assert list(listed_service_providers(on=datetime.date(2025, 1, 1))) == [
        registration.service_provider
    ]
    assert list(listed_service_providers(on=datetime.date(2029, 12, 31))) == [
        registration.service_provider
    ]
    assert list(listed_service_providers(on=datetime.date(2030, 1, 1))) == []
    assert list(listed_service_providers(on=datetime.date(2024, 12, 31))) == []


def test_the_service_types_filter_lists_only_providers_registered_for_those_types():
    trainer = RegistrationFactory(approved=True, service_type="O").service_provider
    adviser = RegistrationFactory(approved=True, service_type="A").service_provider
    both = ServiceProviderFactory()
    RegistrationFactory(approved=True, service_provider=both, service_type="O")
    RegistrationFactory(approved=True, service_provider=both, service_type="A")

    assert set(listed_service_providers(service_types=["O"])) == {trainer, both}
    assert set(listed_service_providers(service_types=["A"])) == {adviser, both}
    assert set(listed_service_providers(service_types=["O", "A"])) == {trainer, adviser, both}
    assert set(listed_service_providers()) == {trainer, adviser, both}


def test_a_provider_is_listed_only_for_the_type_that_is_in_force():
    provider = ServiceProviderFactory()
    RegistrationFactory(approved=True, service_provider=provider, service_type="O")
    RegistrationFactory(
        approved=True, status=Status.SUSPENDED, service_provider=provider, service_type="A"
    )

    assert list(listed_service_providers(service_types=["O"])) == [provider]
    assert list(listed_service_providers(service_types=["A"])) == []


def test_a_provider_with_two_registrations_in_force_is_listed_once():
    provider = ServiceProviderFactory()
    RegistrationFactory(approved=True, service_provider=provider, service_type="O")
    RegistrationFactory(approved=True, service_provider=provider, service_type="A")

    assert list(listed_service_providers()) == [provider]


def test_an_old_refused_request_does_not_hide_a_registration_in_force():
    provider = ServiceProviderFactory()
    RegistrationFactory(service_provider=provider, status=Status.REFUSED)
    RegistrationFactory(approved=True, service_provider=provider)

    assert list(listed_service_providers()) == [provider]


def test_the_listing_is_one_query_whatever_the_number_of_providers(
    django_assert_num_queries,
):
    RegistrationFactory(approved=True)
    with django_assert_num_queries(1):
        assert len(list(listed_service_providers())) == 1
    for _ in range(10):
        RegistrationFactory(approved=True)
    with django_assert_num_queries(1):
        assert len(list(listed_service_providers())) == 11
