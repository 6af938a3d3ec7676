"""The "attest van registratie" PDF, read back with pypdf."""

import datetime
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from registrations.certificate import latin1, registration_certificate_pdf
from tests.factories import OrganisationFactory, RegistrationFactory, ServiceProviderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def registration():
    organisation = OrganisationFactory(kbo_number="0123456749")
    provider = ServiceProviderFactory(
        organisation=organisation,
        name="Adviesbureau Leie & Partners",
        kbo_number="0123456749",
        postcode="9000",
        municipality="Gent",
        street="Korenlei",
        house_number="7",
        box="B2",
    )
    return RegistrationFactory(
        service_provider=provider,
        service_type="A",
        approved=True,
        number="DV.A000123",
        valid_from=datetime.date(2025, 3, 1),
        valid_until=datetime.date(2030, 2, 28),
    )


def text_of(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return " ".join(reader.pages[0].extract_text().split())


def test_the_certificate_is_a_pdf():
    assert registration_certificate_pdf(RegistrationFactory(approved=True)).startswith(b"%PDF-")


def test_the_certificate_names_provider_number_validity_and_issue_date(registration):
    text = text_of(registration_certificate_pdf(registration, issued_on=datetime.date(2025, 3, 5)))

    for expected in (
        "Agentschap Innoveren & Ondernemen",
        "Attest van registratie",
        "Adviesbureau Leie & Partners",
        "0123.456.749",
        "Korenlei 7 B2",
        "9000 Gent",
        "Type dienstverlening advies",
        "Registratienummer DV.A000123",
        "Geldig vanaf 1 maart 2025",
        "Geldig tot en met 28 februari 2030",
        "Datum van uitgifte 5 maart 2025",
    ):
        assert expected in text


def test_the_certificate_says_it_only_counts_while_listed_in_the_public_search(registration):
    text = text_of(registration_certificate_pdf(registration))

    assert "enkel geldig zolang de dienstverlener" in text
    assert "zoekmodule" in text
    assert f"Datum van uitgifte {timezone.localdate().day} " in text


def test_a_starter_certificate_says_so(registration):
    registration.is_starter = True

    assert "Starter" in text_of(registration_certificate_pdf(registration))


def test_names_outside_latin1_do_not_break_the_certificate(registration):
    provider = registration.service_provider
    provider.name = "Őrség – “Consult” €uro 🚀"
    provider.save()

    text = text_of(registration_certificate_pdf(registration))

    assert 'Orség - "Consult" EURuro' in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Gent – Brugge", "Gent - Brugge"),
        ("\u2018quote\u2019 \u201cdubbel\u201d", "'quote' \"dubbel\""),
        ("€ 7.500…", "EUR 7.500..."),
        ("Łódź", "Lódz"),
        ("café Düsseldorf", "café Düsseldorf"),
        ("漢字", ""),
    ],
)
def test_latin1_keeps_what_it_can_and_replaces_the_rest(text, expected):
    result = latin1(text)

    assert result == expected
    result.encode("latin-1")
