"""Checks on the uploaded audit report: a real PDF, not too large, nothing active in it.

The type is decided by the content, never by the file name or the browser's
content type: both are chosen by whoever uploads. A PDF starts with "%PDF-"
and must open with pypdf; a renamed executable fails the first check.

A readable PDF may still carry more than a document: JavaScript, a command to
start a program, files inside it, or an XFA form (its own scripting engine). An
audit report needs none of them, and agency staff open these files, so a report
holding any of them is refused with what was found and how to save it without.
"""

import logging
import math
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext_lazy as _
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

LOGGER = logging.getLogger(__name__)

PDF_SIGNATURE = b"%PDF-"


MEGABYTE = 1024 * 1024

# Active content an audit report may not hold, with what the uploader reads, in
# the order the messages are shown.
ACTIVE_CONTENT = {
    "javascript": _(
        "Het PDF-bestand bevat JavaScript: code die de PDF-lezer uitvoert bij het openen of "
        "bij een klik. Bewaar het rapport opnieuw als PDF zonder JavaScript (bijvoorbeeld met "
        "'Afdrukken naar PDF') en laad het opnieuw op."
    ),
    "launch": _(
        "Het PDF-bestand bevat een opdracht die bij het openen of bij een klik een programma "
        "of een ander bestand start. Bewaar het rapport opnieuw als PDF zonder zulke acties "
        "(bijvoorbeeld met 'Afdrukken naar PDF') en laad het opnieuw op."
    ),
    "embedded_file": _(
        "Het PDF-bestand bevat ingesloten bestanden (bijlagen in de PDF). Bewaar het rapport "
        "opnieuw als PDF zonder bijlagen en laad het opnieuw op; bezorg andere stukken enkel "
        "als het agentschap erom vraagt."
    ),
    "xfa": _(
        "Het PDF-bestand is een XFA-formulier, een dynamisch formulier dat scripts kan "
        "uitvoeren. Bewaar het rapport opnieuw als gewone PDF (bijvoorbeeld met 'Afdrukken "
        "naar PDF') en laad het opnieuw op."
    ),
}

# Bounds on the look for active content: a real report has a few thousand objects
# and is read in well under a second. A file built to make pypdf repair every
# object (each repair searches the whole file) is stopped instead of holding a
# worker for minutes.
MAX_PDF_OBJECTS = 50_000
MAX_SCAN_SECONDS = 10


class PdfTooComplex(Exception):
    """The PDF has more objects, or takes longer to read, than a report plausibly does."""


def megabytes(size):
    """`size` bytes as a localised number of megabytes, rounded up to one decimal.

    Rounded up, so that a file just over the limit never reads as the limit itself.
    """
    return floatformat(math.ceil(size * 10 / MEGABYTE) / 10, -1)


def active_content(reader):
    """What the PDF opened by `reader` holds besides the document: a list of keys of
    ACTIVE_CONTENT (in its order), empty for a plain document.

    Every object the cross-reference table lists is looked at, whether the pages
    lead to it or not (a reader that repairs a damaged file may find it anyway),
    with every dictionary nested in it. Names are compared as pypdf decodes them,
    so `/J#61vaScript` is `/JavaScript`; a JavaScript or launch action counts
    wherever it hangs (open action, page or field actions, links, names tree).
    Raises PdfTooComplex past MAX_PDF_OBJECTS or MAX_SCAN_SECONDS.
    """
    found = set()
    for pdf_object in _every_object(reader):
        for dictionary in _nested_dictionaries(pdf_object):
            found.update(_kinds_of(dictionary))
    return [kind for kind in ACTIVE_CONTENT if kind in found]


def _every_object(reader):
    deadline = time.monotonic() + MAX_SCAN_SECONDS
    references = [
        (number, generation)
        for generation, entries in reader.xref.items()
        for number in entries
        if not reader.xref_free_entry.get(generation, {}).get(number, False)
    ]
    references += [(number, 0) for number in reader.xref_objStm]
    if len(references) > MAX_PDF_OBJECTS:
        raise PdfTooComplex(f"{len(references)} objects")
    yield reader.trailer
    for number, generation in references:
        if time.monotonic() > deadline:
            raise PdfTooComplex(f"more than {MAX_SCAN_SECONDS} s")
        yield reader.get_object(IndirectObject(number, generation, reader))


def _nested_dictionaries(pdf_object):
    """`pdf_object` and the dictionaries inside it, without following references:
    those are objects of their own, and a file may make them loop."""
    pending = [pdf_object]
    while pending:
        current = pending.pop()
        if isinstance(current, DictionaryObject):
            yield current
            # dict's own methods: pypdf's would resolve indirect references.
            pending.extend(dict.values(current))
        elif isinstance(current, ArrayObject):
            pending.extend(list.__iter__(current))


def _name(dictionary, key):
    value = dict.get(dictionary, key)
    if isinstance(value, IndirectObject):
        value = value.get_object()
    return value if isinstance(value, str) else None


def _kinds_of(dictionary):
    keys = set(dict.keys(dictionary))
    action = _name(dictionary, "/S")
    kinds = set()
    # /JS: the script of an action; /JavaScript: the document's names tree of scripts.
    if "/JS" in keys or "/JavaScript" in keys or action == "/JavaScript":
        kinds.add("javascript")
    if action == "/Launch":
        kinds.add("launch")
    if (
        "/EmbeddedFiles" in keys
        or "/EF" in keys
        or action == "/GoToE"
        or _name(dictionary, "/Type") == "/EmbeddedFile"
        or _name(dictionary, "/Subtype") == "/FileAttachment"
    ):
        kinds.add("embedded_file")
    if "/XFA" in keys:
        kinds.add("xfa")
    return kinds


def validate_pdf_upload(uploaded, *, max_bytes=None):
    """Raise ValidationError unless `uploaded` is a readable PDF of at most `max_bytes`
    without active content (see `active_content`).

    `max_bytes` defaults to settings.REGISTRATION_UPLOAD_MAX_BYTES. The file is
    left at position 0, ready to be stored.
    """
    max_bytes = settings.REGISTRATION_UPLOAD_MAX_BYTES if max_bytes is None else max_bytes
    if uploaded.size > max_bytes:
        raise ValidationError(
            _(
                "Het bestand is te groot (%(size)s MB). Een auditrapport mag hoogstens "
                "%(limit)s MB zijn: verklein het bestand of neem contact op met het agentschap."
            ),
            code="too_large",
            params={"size": megabytes(uploaded.size), "limit": megabytes(max_bytes)},
        )
    if uploaded.size == 0:
        raise ValidationError(_("Het bestand is leeg."), code="empty")
    uploaded.seek(0)
    if uploaded.read(len(PDF_SIGNATURE)) != PDF_SIGNATURE:
        uploaded.seek(0)
        raise ValidationError(
            _("Het bestand is geen PDF-bestand. Laad het auditrapport op als PDF."),
            code="not_pdf",
        )
    uploaded.seek(0)
    try:
        reader = PdfReader(uploaded)
        if reader.is_encrypted:
            raise ValidationError(
                _(
                    "Het PDF-bestand is beveiligd met een wachtwoord. Laad een versie zonder "
                    "wachtwoord op, zodat het agentschap het kan lezen."
                ),
                code="encrypted",
            )
        if len(reader.pages) == 0:
            raise PyPdfError("no pages")
        found = active_content(reader)
    except ValidationError:
        raise
    except PdfTooComplex as error:
        LOGGER.info("Refused an audit report too complex to check: %s", error)
        raise ValidationError(
            _(
                "Het PDF-bestand bestaat uit te veel onderdelen om te controleren. Bewaar het "
                "rapport opnieuw als PDF (bijvoorbeeld met 'Afdrukken naar PDF') en laad het "
                "opnieuw op."
            ),
            code="too_complex",
        ) from error
    except Exception as error:
        # pypdf raises many kinds of errors on broken files (its own, but also
        # ValueError, KeyError, RecursionError...): each means "not a usable PDF".
        LOGGER.info("Refused an audit report that pypdf cannot read: %s", type(error).__name__)
        raise ValidationError(
            _(
                "Het PDF-bestand kan niet geopend worden: het is beschadigd of onvolledig. "
                "Sla het opnieuw op als PDF en laad het opnieuw op."
            ),
            code="unreadable",
        ) from error
    finally:
        uploaded.seek(0)
    if found:
        LOGGER.info("Refused an audit report with active content: %s", ", ".join(found))
        raise ValidationError([ValidationError(ACTIVE_CONTENT[kind], code=kind) for kind in found])
