"""Exports of the 2.4 overview: the filtered dossiers as CSV and as XLSX.

Both read the rows through projects.selectors.project_export_rows (one query,
read in chunks, a tuple per dossier with a value per column of COLUMNS) and never
hold the whole list in memory:

- CSV is streamed (StreamingHttpResponse) in the conventions Excel uses in
  Belgium: UTF-8 with a byte-order mark (else Excel reads the accents as
  Windows-1252), ";" as separator, a decimal comma without thousands separator
  (1250,50) and dates as dd/mm/jjjj. Those are the conventions of the people who
  open it; a program that wants typed values reads the XLSX.
- XLSX is written by xlsxwriter in constant_memory mode (each row is flushed to
  a temporary file as it is written) into a temporary file that is then sent;
  amounts are numbers and dates are dates, formatted for reading.

The column headers are Dutch, like the screens. Text typed by people (a title,
a client's name) could start with "=" and become a formula in a spreadsheet:
CSV cells are defused with a leading apostrophe, XLSX cells are written as
strings.
"""

import csv
import functools
import itertools
import tempfile
from dataclasses import dataclass

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import validators
from core.dates import format_day
from projects.models import HigherRateTopic, Project, Theme, TrainingKind
from projects.selectors import project_export_rows
from registrations.models import ServiceType

CHUNK_SIZE = 2000
# Lines per piece of the streamed CSV: a piece per line would cost the response a
# conversion to bytes per line (a tenth of the time of a 10,000-row export).
LINES_PER_PIECE = 500
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    header: object
    field: str
    kind: str = "text"  # text | date | money | percentage | integer
    choices: dict | None = None
    width: int = 16


def _labels(choices):
    return dict(choices.choices)


# One column per field of projects.selectors.EXPORT_FIELDS, in the same order.
COLUMNS = [
    Column(_("Dossiernummer"), "number", width=18),
    Column(_("Aanvraagdatum"), "filed_on", "date", width=13),
    Column(_("Klant"), "client__name", width=30),
    Column(_("Ondernemingsnummer klant"), "client__kbo_number", "kbo", width=16),
    Column(_("Dienstverlener"), "service_provider__name", width=30),
    Column(_("Registratienummer"), "registration__number", width=14),
    Column(_("Type dienstverlening"), "service_type", choices=_labels(ServiceType), width=12),
    Column(_("Titel"), "title", width=40),
    Column(_("Soort opleiding"), "training_kind", choices=_labels(TrainingKind), width=14),
    Column(_("Vakgebied"), "vakgebied__name", width=28),
    Column(_("Thema"), "theme", choices=_labels(Theme), width=24),
    Column(
        _("Verhoogde steun voor"), "higher_rate_topic", choices=_labels(HigherRateTopic), width=18
    ),
    Column(_("Startdatum"), "start_date", "date", width=12),
    Column(_("Einddatum"), "end_date", "date", width=12),
    Column(_("Bedrag excl. btw (EUR)"), "amount_excl_vat", "money", width=14),
    Column(_("Steunpercentage (%)"), "subsidy_percentage", "percentage", width=10),
    Column(_("Steunbedrag (EUR)"), "subsidy_amount", "money", width=14),
    Column(_("Eigen aandeel (EUR)"), "own_share", "money", width=14),
    Column(_("Reeds betaald (EUR)"), "amount_paid", "money", width=14),
    Column(_("Status"), "effective_status", choices=_labels(Project.Status), width=22),
    Column(_("Volgende termijn"), "next_deadline", "date", width=13),
    Column(_("Dagen resterend"), "days_left", "integer", width=10),
]


def headers():
    return [str(column.header) for column in COLUMNS]


def export_filename(extension):
    return f"projecten-{timezone.localdate():%Y%m%d}.{extension}"


def _text(column, value):
    if value in (None, ""):
        return ""
    if column.choices is not None:
        return str(column.choices.get(value, value))
    if column.kind == "kbo":
        return validators.format_kbo_number(value)
    return str(value)


# --- CSV ------------------------------------------------------------------------------


class _Echo:
    """A file-like object whose write() returns the line, for csv.writer in a generator."""

    def write(self, value):
        return value


def _csv_defused(text):
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_converter(column):
    """A function turning a list of values of `column` into their CSV texts (Belgian
    Excel conventions: dd/mm/jjjj, decimal comma, formulas defused).

    Made once per column per export and given a column of a piece of the file at a
    time: choice labels are translated once, not once per cell (an export of 10,000
    rows would otherwise resolve 50,000 lazy translations), each day is written once
    (the same days come back on many rows), and a list comprehension per column
    spares a function call per cell (220,000 in such an export).
    """
    if column.choices is not None:
        labels = {value: _csv_defused(str(label)) for value, label in column.choices.items()}
        return lambda values: [labels.get(value, value) if value else "" for value in values]
    if column.kind == "date":
        day = functools.lru_cache(maxsize=None)(format_day)
        return lambda values: [day(value) for value in values]
    if column.kind in ("money", "percentage"):
        return lambda values: [
            "" if value is None else f"{value:.2f}".replace(".", ",") for value in values
        ]
    if column.kind == "integer":
        return lambda values: ["" if value is None else str(value) for value in values]
    if column.kind == "kbo":
        return lambda values: [
            _csv_defused(validators.format_kbo_number(value)) if value else "" for value in values
        ]
    return lambda values: [_csv_defused(str(value)) if value else "" for value in values]


def csv_cell(column, value):
    """One value as the CSV shows it."""
    return csv_converter(column)([value])[0]


def csv_pieces(rows):
    """The CSV file in pieces of LINES_PER_PIECE lines: the byte-order mark and the
    headers first, then one line per row, converted a column at a time."""
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    converters = [csv_converter(column) for column in COLUMNS]
    yield "\ufeff" + writer.writerow(headers())
    rows = iter(rows)
    while piece := list(itertools.islice(rows, LINES_PER_PIECE)):
        values_by_column = zip(*piece, strict=True)
        columns = [
            convert(values) for convert, values in zip(converters, values_by_column, strict=True)
        ]
        yield "".join([writer.writerow(line) for line in zip(*columns, strict=True)])


def csv_response(*, organisation, filters):
    """The filtered overview as a streamed CSV download."""
    rows = project_export_rows(organisation=organisation, chunk_size=CHUNK_SIZE, **filters)
    response = StreamingHttpResponse(csv_pieces(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export_filename("csv")}"'
    response["Cache-Control"] = "no-store"
    return response


# --- XLSX -----------------------------------------------------------------------------


def _xlsx_writer(sheet, column, formats):
    """A function writing one value of `column` into a cell, typed: dates as dates,
    amounts as numbers, text as strings (never a formula). Labels are translated once."""
    if column.kind == "date":
        return lambda row, col, value: sheet.write_datetime(row, col, value, formats["date"])
    if column.kind in ("money", "percentage"):
        number_format = formats[column.kind]
        # A float only for the cell: the spreadsheet stores doubles anyway.
        return lambda row, col, value: sheet.write_number(row, col, float(value), number_format)
    if column.kind == "integer":
        return lambda row, col, value: sheet.write_number(row, col, value, formats["integer"])
    if column.choices is not None:
        labels = {value: str(label) for value, label in column.choices.items()}
        return lambda row, col, value: sheet.write_string(row, col, labels.get(value, value))
    return lambda row, col, value: sheet.write_string(row, col, _text(column, value))


def write_xlsx(output, rows):
    """Write the rows as a one-sheet workbook to `output` (a path or a binary file)."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(output, {"constant_memory": True, "in_memory": False})
    sheet = workbook.add_worksheet(str(_("Projecten")))
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    formats = {
        "date": workbook.add_format({"num_format": "dd/mm/yyyy"}),
        "money": workbook.add_format({"num_format": "#,##0.00"}),
        "percentage": workbook.add_format({"num_format": "0.00"}),
        "integer": workbook.add_format({"num_format": "0"}),
    }
    for index, column in enumerate(COLUMNS):
        sheet.set_column(index, index, column.width)
    sheet.freeze_panes(1, 0)
    for index, header in enumerate(headers()):
        sheet.write_string(0, index, header, bold)
    writers = [_xlsx_writer(sheet, column, formats) for column in COLUMNS]
    row_number = 0
    for row_number, row in enumerate(rows, start=1):
        for index, (write, value) in enumerate(zip(writers, row, strict=True)):
            if value is not None and value != "":
                write(row_number, index, value)
    sheet.autofilter(0, 0, max(row_number, 1), len(COLUMNS) - 1)
    workbook.close()


def xlsx_response(*, organisation, filters):
    """The filtered overview as an XLSX download, built in a temporary file."""
    rows = project_export_rows(organisation=organisation, chunk_size=CHUNK_SIZE, **filters)
    # Not a context manager: FileResponse closes (and so deletes) it once it is sent.
    output = tempfile.TemporaryFile()  # noqa: SIM115
    write_xlsx(output, rows)
    output.seek(0)
    response = FileResponse(
        output,
        as_attachment=True,
        filename=export_filename("xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Cache-Control"] = "no-store"
    return response
