"""The exports of 2.4: the filtered dossiers as CSV (streamed) and XLSX."""

import datetime
import io
import re
import zipfile
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects import exports
from projects.exports import COLUMNS, csv_cell
from projects.selectors import EXPORT_FIELDS
from tests.factories import OrganisationFactory, ProjectFactory
from tests.projects.domain_support import registered_provider

pytestmark = pytest.mark.django_db

CSV_URL = reverse("projects:export-csv")
XLSX_URL = reverse("projects:export-xlsx")
SHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def dossier(provider, **fields):
    registration = provider.registrations.get(service_type=fields.get("service_type", "A"))
    return ProjectFactory(service_provider=provider, registration=registration, **fields)


def csv_text(response):
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode("utf-8")


def csv_rows(response):
    text = csv_text(response)
    assert text.startswith("\ufeff")
    return [line.split(";") for line in text[1:].split("\r\n") if line]


def column_index(reference):
    """ "C7" -> 2: the zero-based column of a cell reference."""
    index = 0
    for letter in re.match(r"[A-Z]+", reference).group():
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def xlsx_rows(response):
    """The first sheet as lists of {column index: (cell type, text)}, and whether the
    workbook has a shared-strings table."""
    content = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(content)) as workbook:
        # Our own export, not untrusted input.
        sheet = ElementTree.fromstring(workbook.read("xl/worksheets/sheet1.xml"))  # noqa: S314
        shared = "xl/sharedStrings.xml" in workbook.namelist()
    rows = []
    for row in sheet.iter(f"{SHEET}row"):
        cells = {}
        for cell in row.iter(f"{SHEET}c"):
            text = cell.find(f"{SHEET}is/{SHEET}t")
            value = cell.find(f"{SHEET}v")
            node = text if text is not None else value
            cells[column_index(cell.get("r"))] = (cell.get("t"), node.text)
        rows.append(cells)
    return rows, shared


@pytest.fixture
def training(provider, client_organisation):
    return dossier(
        provider,
        client=client_organisation,
        service_type="O",
        title="Bakken met zuurdesem",
        amount_excl_vat=Decimal("1250.50"),
        subsidy_amount=Decimal("375.15"),
        own_share=Decimal("875.35"),
        start_date=datetime.date(2026, 2, 3),
        end_date=datetime.date(2026, 3, 4),
        filed_on=datetime.date(2026, 2, 10),
    )


def test_the_csv_opens_in_excel_in_belgium(alice_client, training, client_organisation):
    response = alice_client.get(CSV_URL)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="projecten-\d{8}\.csv"', response["Content-Disposition"]
    )
    header, row = csv_rows(response)
    assert header[:4] == ["Dossiernummer", "Aanvraagdatum", "Klant", "Ondernemingsnummer klant"]
    assert "Bedrag excl. btw (EUR)" in header
    assert "Dagen resterend" in header
    values = dict(zip(header, row, strict=True))
    assert values["Dossiernummer"] == training.number
    assert values["Aanvraagdatum"] == "10/02/2026"
    assert values["Klant"] == "Bakkerij De Gouden Korst"
    assert values["Ondernemingsnummer klant"] == client_organisation.kbo_display
    assert values["Type dienstverlening"] == "opleiding"
    assert values["Soort opleiding"] == "klassikaal"
    assert values["Vakgebied"] == training.vakgebied.name
    assert values["Thema"] == "Digitalisering"
    assert values["Startdatum"] == "03/02/2026"
    assert values["Bedrag excl. btw (EUR)"] == "1250,50"
    assert values["Steunpercentage (%)"] == "30,00"
    assert values["Steunbedrag (EUR)"] == "375,15"
    assert values["Eigen aandeel (EUR)"] == "875,35"
    assert values["Status"] == "ingediend"
    assert values["Registratienummer"] == training.registration.number


def test_the_csv_holds_the_filtered_rows_of_the_organisation_only(alice_client, provider):
    advice = dossier(provider)
    training = dossier(provider, service_type="O")
    other = dossier(registered_provider(name="Adviesbureau Leie"))

    text = csv_text(alice_client.get(CSV_URL, {"type": "O"}))

    assert training.number in text
    assert advice.number not in text
    assert other.number not in text


def test_the_csv_follows_the_lists_order(alice_client, provider):
    cheap = dossier(provider, amount_excl_vat=Decimal("100.00"))
    dear = dossier(provider, amount_excl_vat=Decimal("900.00"))

    _header, *rows = csv_rows(alice_client.get(CSV_URL, {"sorteer": "bedrag", "volgorde": "af"}))

    assert [row[0] for row in rows] == [dear.number, cheap.number]


def test_the_csv_defuses_text_that_a_spreadsheet_would_run_as_a_formula(alice_client, provider):
    dossier(
        provider,
        title='=HYPERLINK("http://evil.example","klik")',
        client=OrganisationFactory(name="+32 Bakkers"),
    )

    text = csv_text(alice_client.get(CSV_URL))

    assert "'=HYPERLINK(" in text
    assert "'+32 Bakkers" in text


def test_the_csv_cells_of_each_kind():
    by_field = {column.field: column for column in COLUMNS}

    assert csv_cell(by_field["amount_excl_vat"], Decimal("7500")) == "7500,00"
    assert csv_cell(by_field["filed_on"], datetime.date(2026, 1, 5)) == "05/01/2026"
    assert csv_cell(by_field["days_left"], -3) == "-3"
    assert csv_cell(by_field["next_deadline"], None) == ""
    assert csv_cell(by_field["client__kbo_number"], "0123456749") == "0123.456.749"
    assert csv_cell(by_field["effective_status"], "lapsed") == "vervallen"


def test_the_columns_follow_the_fields_the_selector_reads():
    assert [column.field for column in COLUMNS] == EXPORT_FIELDS


def test_the_csv_is_streamed_in_pieces_of_many_lines(alice_client, provider, monkeypatch):
    monkeypatch.setattr(exports, "LINES_PER_PIECE", 2)
    numbers = {dossier(provider).number for _ in range(5)}

    pieces = [piece.decode("utf-8") for piece in alice_client.get(CSV_URL).streaming_content]

    # The headers, then 2 + 2 + 1 lines.
    assert [piece.count("\r\n") for piece in pieces] == [1, 2, 2, 1]
    assert {line.split(";")[0] for piece in pieces[1:] for line in piece.splitlines()} == numbers


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
def test_an_export_runs_the_same_number_of_queries_for_1_and_50_rows(alice_client, provider, url):
    registration = provider.registrations.get(service_type="A")
    ProjectFactory(service_provider=provider, registration=registration)
    alice_client.get(url)  # the first request settles the session
    with CaptureQueriesContext(connection) as one:
        b"".join(alice_client.get(url).streaming_content)
    ProjectFactory.create_batch(49, service_provider=provider, registration=registration)

    with CaptureQueriesContext(connection) as fifty:
        content = b"".join(alice_client.get(url).streaming_content)

    assert len(fifty) == len(one), [query["sql"] for query in fifty.captured_queries]
    if url == CSV_URL:
        assert content.decode("utf-8").count("\r\n") == 51


def test_the_xlsx_has_typed_cells_and_is_written_row_by_row(alice_client, training):
    response = alice_client.get(XLSX_URL)

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert re.search(r'filename="projecten-\d{8}\.xlsx"', response["Content-Disposition"])
    rows, shared_strings = xlsx_rows(response)
    # constant_memory mode writes strings inline, without a shared-strings table.
    assert not shared_strings
    header = [rows[0][index][1] for index in sorted(rows[0])]
    assert header == [str(column.header) for column in COLUMNS]
    row = {header[index]: cell for index, cell in rows[1].items()}
    assert row["Dossiernummer"] == ("inlineStr", training.number)
    assert row["Titel"] == ("inlineStr", "Bakken met zuurdesem")
    amount_type, amount = row["Bedrag excl. btw (EUR)"]
    assert amount_type is None  # a number, not text
    assert Decimal(amount) == Decimal("1250.5")
    assert row["Aanvraagdatum"][0] is None  # a date is a number with a date format
    assert row["Status"] == ("inlineStr", "ingediend")
    assert "Soort opleiding" in row
    assert "Verhoogde steun voor" not in row  # empty cells are left out


def test_another_providers_export_is_empty_of_this_organisations_dossiers(client, bob, training):
    client.force_login(bob)

    text = csv_text(client.get(CSV_URL))

    assert training.number not in text
    assert text.count("\r\n") == 1
