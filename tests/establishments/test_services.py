import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.locking import ConflictError
from establishments.models import Establishment
from establishments.services import (
    establishment_create,
    establishment_deactivate,
    establishment_reactivate,
    establishment_update,
    registered_office_sync,
)
from organisations.services import organisation_get_or_create, organisation_update
from tests.factories import EstablishmentFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

GENT = {"postcode": "9000", "municipality": "Gent", "street": "Veldstraat", "house_number": "1"}


@pytest.fixture
def organisation():
    organisation = OrganisationFactory(postcode="2000", municipality="Antwerpen")
    registered_office_sync(organisation=organisation)
    return organisation


@pytest.fixture
def alice(alice, organisation):
    """A provider user of the organisation: the services write for her."""
    MembershipFactory(user=alice, organisation=organisation)
    return alice


def test_the_registered_office_follows_the_organisations_address(organisation, alice):
    office = Establishment.objects.get(organisation=organisation)
    assert office.is_registered_office
    assert (office.postcode, office.municipality) == ("2000", "Antwerpen")
    assert office.latitude is not None

    organisation_update(
        organisation=organisation, data={"postcode": "9000", "municipality": "Gent"}, user=alice
    )

    office.refresh_from_db()
    assert (office.postcode, office.municipality) == ("9000", "Gent")
    assert office.version == 2
    assert Establishment.objects.filter(organisation=organisation).count() == 1


def test_syncing_an_unchanged_address_writes_nothing(organisation):
    office = Establishment.objects.get(organisation=organisation)
    registered_office_sync(organisation=organisation)
    assert office.history.count() == 1


def test_an_organisation_from_sign_in_has_no_registered_office_until_it_has_an_address():
    organisation = organisation_get_or_create(kbo_number="0403170701", name="Nieuw BV")
    assert organisation.establishments.count() == 0
    assert organisation.name == "Nieuw BV"


def test_a_new_establishment_gets_coordinates_from_its_postcode(organisation, alice):
    establishment = establishment_create(organisation=organisation, data=GENT, user=alice)

    assert not establishment.is_registered_office
    assert establishment.latitude is not None and establishment.longitude is not None
    assert establishment.history.get().history_user == alice


def test_a_wrong_municipality_is_refused_in_dutch(organisation, alice):
    with pytest.raises(ValidationError) as error:
        establishment_create(
            organisation=organisation, data={**GENT, "municipality": "Brugge"}, user=alice
        )
    assert error.value.message_dict["municipality"][0].startswith("De postcode 9000 hoort bij")


def test_a_stale_update_gets_a_conflict(organisation, alice):
    establishment = establishment_create(organisation=organisation, data=GENT, user=alice)
    establishment_update(
        establishment=establishment,
        data={"phone": "+3292101010"},
        expected_version=1,
        user=alice,
    )

    with pytest.raises(ConflictError) as conflict:
        establishment_update(
            establishment=establishment, data={"name": "X"}, expected_version=1, user=alice
        )

    assert [change.label for change in conflict.value.changes] == ["Telefoonnummer"]
    establishment.refresh_from_db()
    assert establishment.name == ""


def test_the_registered_office_cannot_be_deactivated(organisation, alice):
    office = Establishment.objects.get(organisation=organisation)
    with pytest.raises(ValidationError) as error:
        establishment_deactivate(establishment=office, user=alice)
    assert "maatschappelijke zetel" in error.value.messages[0]


def test_the_database_refuses_an_inactive_registered_office(organisation):
    with pytest.raises(IntegrityError), transaction.atomic():
        Establishment.objects.filter(organisation=organisation).update(is_active=False)


def test_the_registered_office_address_cannot_be_changed_here(organisation, alice):
    office = Establishment.objects.get(organisation=organisation)
    with pytest.raises(ValidationError) as error:
        establishment_update(
            establishment=office, data=GENT, expected_version=office.version, user=alice
        )
    assert "volgt het adres van uw onderneming" in error.value.message_dict["postcode"][0]


def test_the_registered_office_name_can_be_changed(organisation, alice):
    office = Establishment.objects.get(organisation=organisation)
    establishment_update(
        establishment=office, data={"name": "Hoofdzetel"}, expected_version=1, user=alice
    )
    office.refresh_from_db()
    assert office.name == "Hoofdzetel"


def test_an_establishment_can_be_deactivated_and_reactivated(organisation, alice):
    establishment = EstablishmentFactory(organisation=organisation)
    establishment_deactivate(establishment=establishment, user=alice)
    establishment.refresh_from_db()
    assert not establishment.is_active
    assert Establishment.objects.for_organisation(organisation).active().count() == 1

    establishment_reactivate(establishment=establishment, user=alice)
    establishment.refresh_from_db()
    assert establishment.is_active
    assert establishment.version == 3
