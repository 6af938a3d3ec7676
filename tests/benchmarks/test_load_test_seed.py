"""The load test's seeds (ops/load/): the portal's `load_test_seed` and the stand-in's
`standin_load_test_seed`, deterministic and idempotent, with the same identities."""

from io import StringIO

import pytest
from django.core.management import call_command

from demo import loadtest
from organisations.models import Organisation
from providers.models import ServiceProvider
from registrations.models import Registration
from registrations.selectors import listed_service_providers
from standin.models import Person, UserRight
from standin.validators import validate_national_number
from tests.factories import MembershipFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """The seeded registrations' audit reports go to a temporary directory."""
    settings.MEDIA_ROOT = tmp_path


def seed_portal(**options):
    output = StringIO()
    call_command("load_test_seed", providers=4, smes=6, stdout=output, **options)
    return output.getvalue()


def test_the_identities_are_valid_distinct_and_the_same_every_time():
    identities = [*loadtest.providers(), *loadtest.smes()]
    assert identities == [*loadtest.providers(), *loadtest.smes()]
    assert len({identity.kbo_number for identity in identities}) == len(identities)
    assert len({identity.national_number for identity in identities}) == len(identities)
    for identity in identities:
        validate_national_number(identity.national_number)


def test_each_provider_is_listed_with_a_registration_in_force_so_that_smes_can_choose_it():
    seed_portal()
    kbo_numbers = [identity.kbo_number for identity in loadtest.providers(4)]
    listed = listed_service_providers().filter(kbo_number__in=kbo_numbers)
    assert listed.count() == 4
    assert all(provider.vakgebieden.exists() for provider in listed)
    smes = Organisation.objects.filter(
        kbo_number__in=[identity.kbo_number for identity in loadtest.smes(6)]
    )
    assert smes.count() == 6
    assert not ServiceProvider.objects.filter(organisation__in=smes).exists()


def test_a_second_seed_changes_nothing_but_cancels_the_requests_an_earlier_run_filed():
    seed_portal()
    office = ServiceProvider.objects.get(kbo_number=loadtest.providers(1)[0].kbo_number)
    filer = MembershipFactory(organisation=office.organisation).user
    pending = RegistrationFactory(service_provider=office, service_type="A", declared_by=filer)
    counts = (Organisation.objects.count(), ServiceProvider.objects.count())
    output = seed_portal()
    assert (Organisation.objects.count(), ServiceProvider.objects.count()) == counts
    assert "0 registrations new, 1 pending requests" in output
    pending.refresh_from_db()
    assert pending.status == Registration.Status.CANCELLED


def test_a_request_whose_filer_no_longer_acts_for_the_provider_is_left_as_it_is():
    seed_portal()
    office = ServiceProvider.objects.get(kbo_number=loadtest.providers(1)[0].kbo_number)
    pending = RegistrationFactory(service_provider=office, service_type="A")
    output = seed_portal()
    assert "0 pending requests" in output
    pending.refresh_from_db()
    assert pending.status == Registration.Status.REQUESTED


def test_the_stand_in_gives_each_person_one_right_in_force_with_the_right_profile():
    for _run in range(2):
        call_command("standin_load_test_seed", providers=3, smes=2, stdout=StringIO())
    assert Person.objects.count() == 5
    provider, sme = loadtest.providers(1)[0], loadtest.smes(1)[0]
    right = UserRight.objects.valid_on(UserRight.objects.first().begin_date).get(
        work_relationship__person__national_number=provider.national_number
    )
    assert right.profile_provider and not right.profile_sme
    assert right.work_relationship.organisation.kbo_number == provider.kbo_number
    right = UserRight.objects.get(work_relationship__person__national_number=sme.national_number)
    assert right.profile_sme and not right.profile_provider
