"""Checks on the uploaded audit report: a real PDF, not too large.

The type is decided by the content, never by the file name or the browser's
content type: both are chosen by whoever uploads. A PDF starts with "%PDF-"
and must open with pypdf; a renamed executable fails the first check.
"""

import logging
import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext_lazy as _
from pypdf import PdfReader
from pypdf.errors import PyPdfError

LOGGER = logging.getLogger(__name__)

PDF_SIGNATURE = b"%PDF-"


MEGABYTE = 1024 * 1024


def megabytes(size):
    """`size` bytes as a localised number of megabytes, rounded up to one decimal.

    Rounded up, so that a file just over the limit never reads as the limit itself.
    """
    return floatformat(math.ceil(size * 10 / MEGABYTE) / 10, -1)


def validate_pdf_upload(uploaded, *, max_bytes=None):
    """Raise ValidationError unless `uploaded` is a readable PDF of at most `max_bytes`.

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
    except ValidationError:
        raise
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
