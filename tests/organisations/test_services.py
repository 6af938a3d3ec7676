"""organisation_get_or_create: what the sign-in code may do to an organisation's name."""

import pytest

from organisations.models import Organisation
from organisations.services import organisation_get_or_create
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

KBO = "0403170701"
PROVISIONAL = "Onderneming 0403.170.701"


def test_it_creates_an_unknown_organisation_without_address():
    organisation = organisation_get_or_create(
        kbo_number="0403.170.701", name="Nieuw BV", provisional_name=PROVISIONAL
    )

    assert (organisation.kbo_number, organisation.name, organisation.street) == (
        KBO,
        "Nieuw BV",
        "",
    )


def test_it_gives_an_organisation_with_the_provisional_name_its_real_name():
    organisation_get_or_create(kbo_number=KBO, name=PROVISIONAL, provisional_name=PROVISIONAL)

    organisation_get_or_create(kbo_number=KBO, name="Nieuw BV", provisional_name=PROVISIONAL)

    organisation = Organisation.objects.get(kbo_number=KBO)
    assert organisation.name == "Nieuw BV"
    assert organisation.history.count() == 2


def test_it_never_renames_an_organisation_whose_name_was_chosen():
    OrganisationFactory(kbo_number=KBO, name="Nieuw BV")

    organisation_get_or_create(kbo_number=KBO, name="NIEUW", provisional_name=PROVISIONAL)

    assert Organisation.objects.get(kbo_number=KBO).name == "Nieuw BV"


def test_without_a_provisional_name_a_known_organisation_is_left_alone():
    organisation_get_or_create(kbo_number=KBO, name=PROVISIONAL)

    organisation_get_or_create(kbo_number=KBO, name="Nieuw BV")

    assert Organisation.objects.get(kbo_number=KBO).name == PROVISIONAL
