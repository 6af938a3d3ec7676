"""The "attest van registratie": a one-page PDF for a registration in force (fpdf2).

The PDF uses fpdf2's built-in Helvetica, so that it does not depend on fonts
installed on the server. Built-in fonts only know latin-1: text is passed
through `latin1()`, which turns typographic dashes and quotes into their plain
equivalents and drops what latin-1 cannot show, instead of failing.
"""

import unicodedata

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

AGENCY_NAME = "Agentschap Innoveren & Ondernemen"

# Characters outside latin-1 that have an obvious latin-1 stand-in.
REPLACEMENTS = str.maketrans(
    {
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2010": "-",
        "\u2011": "-",
        "\u2212": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2026": "...",
        "\u20ac": "EUR",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2022": "-",
        # Letters that Unicode does not decompose into a latin-1 base letter.
        "\u0141": "L",
        "\u0142": "l",
        "\u0110": "D",
        "\u0111": "d",
        "\u0152": "OE",
        "\u0153": "oe",
        "\u0131": "i",
    }
)

MARGIN = 20
LABEL_WIDTH = 55


def latin1(text):
    """`text` reduced to latin-1 for fpdf2's built-in fonts.

    Known punctuation is replaced; other characters lose their accents where
    that makes them latin-1 (e.g. "ő" becomes "o"); what is left is dropped.
    """
    text = str(text).translate(REPLACEMENTS)
    if all(ord(char) < 256 for char in text):
        return text
    result = []
    for char in text:
        if ord(char) < 256:
            result.append(char)
            continue
        decomposed = unicodedata.normalize("NFKD", char)
        result.append("".join(part for part in decomposed if ord(part) < 256))
    return "".join(result)


def _date(day):
    return formats.date_format(day, "j F Y")


def _address(service_provider):
    lines = [service_provider.street_line, service_provider.place_line]
    if service_provider.country and service_provider.country != "BE":
        lines.append(service_provider.country)
    return "\n".join(line for line in lines if line)


class CertificatePDF(FPDF):
    def footer(self):
        self.set_y(-15)
        self.set_font("Helvetica", size=8)
        self.set_text_color(90, 90, 90)
        self.cell(
            0,
            5,
            latin1(f"{AGENCY_NAME} – www.vlaio.be – {_('kmo-portefeuille')}"),
            align="C",
        )


def registration_certificate_pdf(registration, *, issued_on=None):
    """The "attest van registratie" of `registration` as PDF bytes.

    The caller checks that the registration is in force; the certificate says
    that it only counts while the provider is listed in the public search.
    Text is in the active language (Dutch by default).
    """
    issued_on = issued_on or timezone.localdate()
    provider = registration.service_provider
    title = _("Attest van registratie")

    pdf = CertificatePDF(format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_title(latin1(f"{title} {registration.number}"))
    pdf.set_author(AGENCY_NAME)
    pdf.set_subject(latin1(_("Registratie als dienstverlener in de kmo-portefeuille")))
    pdf.set_creator("kmo-portefeuille")
    pdf.set_lang("nl-BE")
    pdf.add_page()

    # The agency's yellow band, as on its website.
    pdf.set_fill_color(255, 230, 21)
    pdf.rect(0, 0, pdf.w, 12, style="F")

    pdf.set_y(22)
    pdf.set_font("Helvetica", style="B", size=12)
    pdf.cell(0, 7, latin1(AGENCY_NAME), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=10)
    pdf.cell(0, 6, latin1(_("kmo-portefeuille")), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    pdf.ln(12)
    pdf.set_font("Helvetica", style="B", size=22)
    pdf.cell(0, 12, latin1(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)

    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(
        0,
        6,
        latin1(
            _(
                "Het %(agency)s bevestigt dat de onderstaande dienstverlener geregistreerd is "
                "als dienstverlener in het kader van de kmo-portefeuille, voor het type "
                "dienstverlening en de periode hieronder."
            )
            % {"agency": AGENCY_NAME}
        ),
        align="L",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(6)

    rows = [
        (_("Dienstverlener"), provider.name),
        (_("Ondernemingsnummer"), provider.kbo_display),
        (_("Adres"), _address(provider)),
        (_("Type dienstverlening"), registration.get_service_type_display()),
        (_("Registratienummer"), registration.number),
        (_("Geldig vanaf"), _date(registration.valid_from)),
        (_("Geldig tot en met"), _date(registration.valid_until)),
    ]
    if registration.is_starter:
        rows.append(
            (
                _("Starter"),
                _("ja: na een geslaagde opvolgingsaudit wordt de registratie verlengd"),
            )
        )
    rows.append((_("Datum van uitgifte"), _date(issued_on)))
    for label, value in rows:
        y = pdf.get_y()
        pdf.set_font("Helvetica", style="B", size=11)
        pdf.multi_cell(LABEL_WIDTH, 7, latin1(label), align="L")
        label_bottom = pdf.get_y()
        pdf.set_xy(MARGIN + LABEL_WIDTH, y)
        pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, 7, latin1(value), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_y(max(pdf.get_y(), label_bottom) + 1)

    pdf.ln(8)
    pdf.set_font("Helvetica", style="B", size=11)
    pdf.multi_cell(
        0,
        6,
        latin1(
            _(
                "Deze registratie is enkel geldig zolang de dienstverlener voor dit type "
                "dienstverlening vermeld staat in de zoekmodule 'Zoek een geregistreerde "
                "dienstverlener' op www.kmo-portefeuille.be."
            )
        ),
        align="L",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(3)
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(
        0,
        5,
        latin1(
            _(
                "Een registratie kan geschorst, ingetrokken of uitgesloten worden. Wie wil "
                "nagaan of deze dienstverlener vandaag geregistreerd is, raadpleegt de zoekmodule."
            )
        ),
        align="L",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    return bytes(pdf.output())
