"""Registration numbers (registrations.numbers): the one format and the one parser,
and that every place where someone types a number reads it the same way."""

import pytest

from directory.selectors import provider_search
from projects.selectors import application_provider_candidates
from registrations.models import ServiceType
from registrations.numbers import format_registration_number, parse_registration_number
from tests.projects.domain_support import registered_provider

ACCEPTED = [
    ("DV.O000123", "DV.O000123"),
    ("dv.o000123", "DV.O000123"),
    ("DV.A000045", "DV.A000045"),
    ("DVO000123", "DV.O000123"),
    ("DVA123", "DV.A000123"),
    ("dva123", "DV.A000123"),
    ("DV O 123", "DV.O000123"),
    ("dv o 123", "DV.O000123"),
    ("DV. O 000123", "DV.O000123"),
    ("DV .O. 123", "DV.O000123"),
    ("DV-A-000045", "DV.A000045"),
    ("DV.A-45", "DV.A000045"),
    ("DV.O1", "DV.O000001"),
    ("  DV.O000123  ", "DV.O000123"),
]
REFUSED = [
    "",
    "   ",
    None,
    "DV",
    "DV.O",
    "DVO",
    "DV.X000001",  # no such service type
    "DV.M000001",
    "BE.O000123",  # another prefix
    "O000123",
    "000123",
    "DV.O0000123",  # seven digits
    "DV..O000123",
    "DV.O 000 123",
    "DV.O000123A",
    "nummer DV.O000123",
    "DV.O000123 opleiding",
    "DV.O-12.3",
]


def test_the_format_is_dv_the_service_type_and_six_digits():
    assert format_registration_number("O", 123) == "DV.O000123"
    assert format_registration_number("A", 45) == "DV.A000045"
    assert format_registration_number(ServiceType.TRAINING, 1) == "DV.O000001"
    assert format_registration_number(ServiceType.ADVICE, 999_999) == "DV.A999999"


def test_the_format_is_what_the_approval_service_writes():
    """registrations.services._format_number (to be replaced by this function) writes
    f"DV.{service_type}{number:06d}"; both must give the same for every service type."""
    for service_type in ServiceType.values:
        for number in (0, 1, 45, 123, 100_000, 999_999):
            assert format_registration_number(service_type, number) == (
                f"DV.{service_type}{number:06d}"
            )


def test_an_unknown_service_type_is_not_formatted():
    with pytest.raises(ValueError):
        format_registration_number("X", 1)


@pytest.mark.parametrize(("text", "number"), ACCEPTED)
def test_every_accepted_spelling_gives_the_stored_form(text, number):
    assert parse_registration_number(text) == number


@pytest.mark.parametrize("text", REFUSED)
def test_what_is_not_a_registration_number_gives_none(text):
    assert parse_registration_number(text) is None


def test_a_parsed_number_parses_to_itself():
    for text, number in ACCEPTED:
        assert parse_registration_number(number) == number, text


# --- One reading everywhere ------------------------------------------------------------


def spellings(number):
    """The spellings of ACCEPTED, written for `number` ("DV.O000007")."""
    kind, digits = number[3], number[4:]
    short = str(int(digits))
    return [
        number,
        number.lower(),
        f"DV{kind}{digits}",
        f"DV{kind}{short}",
        f"dv{kind.lower()}{short}",
        f"DV {kind} {short}",
        f"DV. {kind} {digits}",
        f"DV-{kind}-{digits}",
        f"DV.{kind}-{short}",
        f"  {number}  ",
    ]


@pytest.mark.django_db
def test_the_sme_chooser_and_the_public_search_accept_the_same_spellings():
    provider = registered_provider(name="Vormingscentrum Schelde")
    registered_provider(name="Adviesbureau Leie")
    number = provider.registrations.get(service_type="A").number

    for text in spellings(number):
        assert parse_registration_number(text) == number, text
        chosen = list(application_provider_candidates(text=text))
        result = provider_search(text=text)
        searched = list(result.page(1).object_list)
        assert chosen == [provider], text
        assert searched == [provider], text
        assert result.lookup == "registration", text


@pytest.mark.django_db
def test_the_sme_chooser_and_the_public_search_refuse_the_same_spellings():
    provider = registered_provider(name="Vormingscentrum Schelde")
    number = provider.registrations.get(service_type="A").number
    kind, digits = number[3], number[4:]

    for text in (f"DV.X{digits}", f"DV.{kind}0{digits}", f"nummer {number}"):
        assert parse_registration_number(text) is None, text
        assert list(application_provider_candidates(text=text)) == [], text
        result = provider_search(text=text)
        assert result.lookup is None, text
        assert list(result.page(1).object_list) == [], text
