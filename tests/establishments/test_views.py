import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from establishments.models import Establishment
from establishments.services import establishment_update, registered_office_sync
from tests.factories import (
    EstablishmentFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NEW = {"postcode": "9000", "municipality": "Gent", "street": "Veldstraat", "house_number": "1"}


@pytest.fixture
def organisation():
    organisation = OrganisationFactory(postcode="2000", municipality="Antwerpen")
    registered_office_sync(organisation=organisation)
    return organisation


@pytest.fixture
def signed_in(client, organisation):
    alice = UserFactory(first_name="Alice", last_name="Peeters")
    MembershipFactory(user=alice, organisation=organisation)
    client.force_login(alice)
    return client


@pytest.fixture
def office(organisation):
    return Establishment.objects.get(organisation=organisation, is_registered_office=True)


def test_the_overview_shows_the_registered_office_and_the_seeds_texts(signed_in):
    content = signed_in.get(reverse("establishments:list")).content.decode()
    for text in (
        "Vestigingen: overzicht",
        "De eerste vestiging is automatisch uw maatschappelijke zetel. "
        "U kunt vestigingen toevoegen.",
        "KLIK HIER VOOR EEN NIEUWE VESTIGING",
        "2000 Antwerpen",
        "maatschappelijke zetel",
    ):
        assert text in content


def test_the_overview_runs_the_same_number_of_queries_for_1_and_50_rows(signed_in, organisation):
    url = reverse("establishments:list")
    signed_in.get(url)
    with CaptureQueriesContext(connection) as one:
        signed_in.get(url)
    EstablishmentFactory.create_batch(49, organisation=organisation)
    with CaptureQueriesContext(connection) as fifty:
        response = signed_in.get(url)
    assert len(response.context["object_list"]) == 50
    assert len(fifty) == len(one)


def test_adding_an_establishment_locates_it(signed_in, organisation):
    response = signed_in.post(reverse("establishments:create"), NEW)

    establishment = Establishment.objects.get(organisation=organisation, postcode="9000")
    assert response["Location"] == reverse(
        "establishments:detail", kwargs={"pk": establishment.pk}
    )
    assert establishment.latitude is not None
    assert "9000 Gent" in signed_in.get(reverse("establishments:list")).content.decode()


def test_a_wrong_municipality_is_named_in_dutch_and_the_input_kept(signed_in):
    response = signed_in.post(reverse("establishments:create"), {**NEW, "municipality": "Brugge"})
    content = response.content.decode()
    assert "De postcode 9000 hoort bij" in content
    assert 'value="Veldstraat"' in content
    assert 'href="#id_municipality"' in content


def test_a_stale_update_shows_the_conflict_and_keeps_the_input(signed_in, organisation):
    establishment = EstablishmentFactory(organisation=organisation)
    url = reverse("establishments:update", kwargs={"pk": establishment.pk})
    colleague = MembershipFactory(organisation=organisation).user
    establishment_update(
        establishment=establishment,
        data={"phone": "+3292101010"},
        expected_version=1,
        user=colleague,
    )

    data = {
        **NEW,
        "postcode": establishment.postcode,
        "municipality": establishment.municipality,
        "name": "Mijn naam",
        "version": 1,
    }
    response = signed_in.post(url, data)

    content = response.content.decode()
    assert "Iemand anders heeft deze vestiging intussen gewijzigd" in content
    assert "Telefoonnummer" in content
    assert 'value="Mijn naam"' in content
    establishment.refresh_from_db()
    assert establishment.name == ""
    assert signed_in.post(url, {**data, "version": 2}).status_code == 302


def test_the_registered_office_cannot_be_deactivated(signed_in, office):
    response = signed_in.post(
        reverse("establishments:deactivate", kwargs={"pk": office.pk}), follow=True
    )
    office.refresh_from_db()
    assert office.is_active
    assert "kunt ze niet deactiveren" in response.content.decode()


def test_another_establishment_can_be_deactivated(signed_in, organisation):
    establishment = EstablishmentFactory(organisation=organisation)
    signed_in.post(reverse("establishments:deactivate", kwargs={"pk": establishment.pk}))
    establishment.refresh_from_db()
    assert not establishment.is_active


def test_the_registered_office_address_fields_are_not_editable(signed_in, office):
    url = reverse("establishments:update", kwargs={"pk": office.pk})
    response = signed_in.post(url, {**NEW, "name": "Hoofdzetel", "version": office.version})
    office.refresh_from_db()
    assert response.status_code == 302
    assert (office.name, office.postcode) == ("Hoofdzetel", "2000")


def test_an_establishment_with_a_name_has_it_as_its_heading(signed_in, organisation):
    named = EstablishmentFactory(organisation=organisation, name="Opleidingscentrum Gent")
    unnamed = EstablishmentFactory(organisation=organisation, name="")

    named_page = signed_in.get(reverse("establishments:detail", args=[named.pk])).content.decode()
    unnamed_page = signed_in.get(
        reverse("establishments:detail", args=[unnamed.pk])
    ).content.decode()

    assert "<h1>Opleidingscentrum Gent</h1>" in named_page
    assert "<title>Opleidingscentrum Gent –" in named_page
    assert f"<h1>Vestiging {unnamed.place_line}</h1>" in unnamed_page


def test_the_phone_number_is_shown_in_the_national_format_and_called_in_e164(
    signed_in, organisation
):
    establishment = EstablishmentFactory(organisation=organisation, phone="+3292251234")

    page = signed_in.get(
        reverse("establishments:detail", args=[establishment.pk])
    ).content.decode()

    assert '<a href="tel:+3292251234">09 225 12 34</a>' in page
