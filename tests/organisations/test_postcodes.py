import pytest
from django.core.exceptions import ValidationError

from core.validators import validate_postcode
from organisations.models import Organisation, validate_postcode_municipality


def error_of(function, *args):
    with pytest.raises(ValidationError) as caught:
        function(*args)
    return caught.value


@pytest.mark.parametrize("postcode", ["999", "10300", "0999", "9993", "A030", ""])
def test_it_rejects_a_postcode_that_is_not_four_digits_from_1000_to_9992(postcode):
    error = error_of(validate_postcode, postcode)
    assert error.code == "postcode_format"
    assert error.messages == ["Een Belgische postcode bestaat uit 4 cijfers, van 1000 tot 9992."]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("postcode", "municipality"),
    [
        ("1030", "Schaarbeek"),
        ("1030", "schaerbeek"),
        ("9000", "Gent"),
        ("1020", "Laken"),
        ("1020", "Brussel"),
        (" 2000 ", "Antwerpen "),
    ],
)
def test_it_accepts_a_real_postcode_and_place(postcode, municipality):
    validate_postcode_municipality(postcode, municipality)


@pytest.mark.django_db
def test_it_rejects_a_postcode_with_a_municipality_it_does_not_belong_to():
    error = error_of(validate_postcode_municipality, "1030", "Gent")
    assert error.code == "postcode_municipality_mismatch"
    assert error.messages == ["De postcode 1030 hoort bij Schaarbeek, niet bij Gent."]


@pytest.mark.django_db
def test_it_names_every_place_of_a_postcode_with_several():
    error = error_of(validate_postcode_municipality, "1570", "Gent")
    assert error.messages == [
        "De postcode 1570 hoort bij Galmaarden, Tollembeek of Vollezele, niet bij Gent."
    ]


@pytest.mark.django_db
def test_it_accepts_the_main_municipality_for_a_postcode_of_one_of_its_places():
    validate_postcode_municipality("1570", "Pajottegem")


@pytest.mark.django_db
def test_it_rejects_a_well_formed_postcode_that_does_not_exist():
    error = error_of(validate_postcode_municipality, "1001", "Brussel")
    assert error.code == "postcode_unknown"
    assert error.messages == ["De postcode 1001 bestaat niet."]


@pytest.mark.django_db
def test_an_address_with_a_mismatched_place_fails_model_validation_on_the_municipality():
    organisation = Organisation(
        kbo_number="0123456749",
        name="Voorbeeld",
        postcode="1030",
        municipality="Gent",
        street="Kerkstraat",
        house_number="1",
    )
    with pytest.raises(ValidationError) as caught:
        organisation.full_clean()
    assert caught.value.message_dict["municipality"] == [
        "De postcode 1030 hoort bij Schaarbeek, niet bij Gent."
    ]
