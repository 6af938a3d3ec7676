"""A municipality is stored and shown as the postcode list spells it ("gent" -> "Gent"),
whether it comes through a form, a service or the rows stored before."""

import pytest
from django.apps import apps
from django.urls import reverse

from core.data_migrations import municipalities_to_postcode_list
from establishments.forms import EstablishmentForm
from establishments.models import Establishment
from establishments.services import establishment_create
from organisations.models import Organisation, Postcode, validate_postcode_municipality
from providers.forms import ServiceProviderStep1Form
from tests.factories import (
    EstablishmentFactory,
    MembershipFactory,
    OrganisationFactory,
    ServiceProviderFactory,
)
from tests.providers.test_forms import step1

pytestmark = pytest.mark.django_db

ADDRESS = {"postcode": "9000", "street": "Veldstraat", "house_number": "1"}


@pytest.mark.parametrize(
    ("postcode", "typed", "spelling"),
    [
        ("9000", "gent", "Gent"),
        ("9000", "  GENT ", "Gent"),
        ("9000", "gand", "Gand"),
        ("9030", "gent", "Gent"),
        ("9030", "MARIAKERKE", "Mariakerke"),
        ("9100", "sint niklaas", "Sint-Niklaas"),
        ("4000", "luik", "Luik"),
        ("4000", "LIEGE", "Liège"),
        ("1030", "schaerbeek", "Schaerbeek"),
    ],
)
def test_the_postcode_list_gives_its_spelling(postcode, typed, spelling):
    assert validate_postcode_municipality(postcode, typed) == spelling


def test_a_place_that_does_not_belong_to_the_postcode_has_no_spelling():
    assert Postcode.objects.spelling("9000", "Brugge") is None
    assert Postcode.objects.spelling("9000", "") is None


def test_the_form_cleans_the_municipality_to_the_lists_spelling():
    form = EstablishmentForm(data={**ADDRESS, "municipality": "gent"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["municipality"] == "Gent"


def test_the_provider_form_does_too():
    form = ServiceProviderStep1Form(data=step1(postcode="9100", municipality="sint-niklaas"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["municipality"] == "Sint-Niklaas"


def test_a_foreign_address_is_left_as_typed():
    form = ServiceProviderStep1Form(
        data=step1(country="NL", postcode="1012 AB", municipality="amsterdam")
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["municipality"] == "amsterdam"


def test_a_service_stores_the_lists_spelling():
    organisation = OrganisationFactory()
    user = MembershipFactory(organisation=organisation).user
    establishment = establishment_create(
        organisation=organisation, data={**ADDRESS, "municipality": "GENT"}, user=user
    )
    establishment.refresh_from_db()
    assert establishment.municipality == "Gent"
    assert establishment.latitude is not None


def test_what_was_typed_as_gent_is_shown_as_gent(client):
    organisation = OrganisationFactory()
    user = MembershipFactory(organisation=organisation).user
    client.force_login(user)
    client.post(reverse("establishments:create"), {**ADDRESS, "municipality": "gent"})
    establishment = Establishment.objects.get(organisation=organisation, street="Veldstraat")
    html = client.get(reverse("establishments:detail", args=[establishment.pk])).text
    assert "9000 Gent" in html
    assert "9000 gent" not in html


def store_raw(model, pk, municipality):
    """Write a municipality as it was typed before the portal tidied it."""
    model.objects.filter(pk=pk).update(municipality=municipality)


def test_the_migration_tidies_the_rows_that_match_and_leaves_the_rest():
    matching = EstablishmentFactory(postcode="9000", municipality="Gent")
    accented = EstablishmentFactory(postcode="4000", municipality="Luik")
    wrong = EstablishmentFactory(postcode="9000", municipality="Gent")
    store_raw(Establishment, matching.pk, "gent")
    store_raw(Establishment, accented.pk, "LIEGE")
    store_raw(Establishment, wrong.pk, "Brugge")

    changed = municipalities_to_postcode_list(
        apps.get_model("establishments", "Establishment"), Postcode
    )

    names = dict(Establishment.objects.values_list("pk", "municipality"))
    assert (names[matching.pk], names[accented.pk], names[wrong.pk]) == ("Gent", "Liège", "Brugge")
    assert changed == 2


@pytest.mark.parametrize("model", [Organisation, "providers.ServiceProvider"])
def test_the_migration_tidies_organisations_and_providers(model):
    row = OrganisationFactory() if model is Organisation else ServiceProviderFactory()
    model = type(row)
    store_raw(model, row.pk, row.municipality.upper())

    municipalities_to_postcode_list(model, Postcode)

    row.refresh_from_db()
    assert row.municipality in ("Gent", "Schaarbeek")
