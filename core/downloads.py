"""The one way the portal hands out a file: a PDF to save, never a page to render.

Uploaded files come from people outside the agency, so their name and their
bytes are not to be trusted, and neither is the browser's guess at either. Every
PDF download goes through `pdf_attachment`: saved (not shown inline), typed as a
PDF that the browser may not sniff into HTML, under a plain `.pdf` name of our
making, sandboxed should a browser's viewer open it anyway (no script, no same
origin, no requests), and kept out of shared caches.

A stored file (an uploaded audit report, in a bucket or on disk: core.storage) goes
through `stored_pdf_attachment`: streamed from its storage in chunks, never read
whole into memory; or, with S3_PRESIGNED_DOWNLOAD_SECONDS, a redirect to a signed URL
of the object store that expires within those seconds and makes the store answer
with the same attachment name and PDF type.
"""

import unicodedata
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils.cache import patch_cache_control

PDF_CONTENT_TYPE = "application/pdf"
SANDBOX_POLICY = "default-src 'none'; sandbox"

# Not allowed in a file name on Windows, or a path separator anywhere.
UNSAFE_CHARACTERS = frozenset('<>:"/\\|?*')
# Names Windows reserves for devices, with any extension.
RESERVED_NAMES = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{digit}" for digit in range(1, 10)}
    | {f"LPT{digit}" for digit in range(1, 10)}
)
MAX_NAME_LENGTH = 150


def _is_extension(suffix):
    """ ".pdf", ".html", ".exe", ".tar": up to five ASCII letters and digits, one a letter.

    A version or a number (".2", ".2025") is part of the name, not an extension."""
    return 1 <= len(suffix) <= 5 and suffix.isascii() and suffix.isalnum() and not suffix.isdigit()


def _without_extensions(stem):
    while True:
        base, dot, suffix = stem.rpartition(".")
        if not dot or not _is_extension(suffix):
            return stem
        stem = base


def _clean(name):
    """`name` without directories, invisible or control characters, or characters that
    Windows refuses; runs of white space made one space."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").rpartition("/")[2]
    characters = []
    for character in name:
        category = unicodedata.category(character)
        if category[0] == "C" or category in {"Zl", "Zp"}:
            # Control and format characters: line breaks, NUL, and the right-to-left
            # override that shows "rapport<RLO>fdp.exe" as "rapportexe.pdf".
            continue
        if character in UNSAFE_CHARACTERS:
            character = "_"
        elif character.isspace():
            character = " "
        characters.append(character)
    return " ".join("".join(characters).split())


def pdf_download_name(name, *, default):
    """The name under which a file uploaded as `name` is stored and downloaded.

    Always `<stem>.pdf`: the content was checked to be a PDF, so whatever the
    uploader's name ended in goes, and with it every extension before it, because
    "rapport.pdf.html" and "rapport.exe.pdf" read as another type (Windows hides
    the last extension). So "rapport.html", "rapport.exe" and "rapport.pdf.html" all
    become "rapport.pdf"; "Verslag v1.2.pdf" keeps its ".2". No directories,
    control or invisible characters, nor characters Windows refuses; at most
    MAX_NAME_LENGTH characters before ".pdf". `default` (e.g. "auditrapport.pdf") is
    used when nothing is left.
    """
    stem = _without_extensions(_clean(name)).strip(" ._")[:MAX_NAME_LENGTH].rstrip(" .")
    if not stem:
        stem = _without_extensions(default)
    if stem.upper() in RESERVED_NAMES:
        stem = f"{stem}_"
    return f"{stem}.pdf"


def attachment_header(filename, *, default):
    """Content-Disposition for saving `filename`, per RFC 6266.

    `filename="..."` holds an ASCII version for every client (accents dropped, or
    `default` when nothing readable is left); a name outside ASCII follows as
    `filename*=UTF-8''...`, which browsers prefer.
    """
    folded = unicodedata.normalize("NFKD", filename.removesuffix(".pdf"))
    # Folding can make a quote or a slash of a full-width one: replace those again.
    ascii_stem = "".join(
        "_" if character in UNSAFE_CHARACTERS else character
        for character in folded.encode("ascii", "ignore").decode()
        if character.isprintable()
    )
    ascii_stem = " ".join(ascii_stem.split()).strip(" ._")
    ascii_name = f"{ascii_stem}.pdf" if ascii_stem else default
    header = f'attachment; filename="{ascii_name}"'
    if ascii_name != filename:
        header += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return header


def pdf_attachment(content, *, filename, default="document.pdf"):
    """A response that downloads `content` (bytes, or a binary file that it closes) as
    a PDF named after `filename` (made safe by `pdf_download_name`)."""
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=PDF_CONTENT_TYPE)
    else:
        response = FileResponse(content, content_type=PDF_CONTENT_TYPE)
        size = getattr(content, "size", None)
        if size is not None and not response.has_header("Content-Length"):
            response["Content-Length"] = str(size)
    name = pdf_download_name(filename, default=default)
    response["Content-Disposition"] = attachment_header(name, default=default)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_POLICY
    patch_cache_control(response, private=True, no_store=True)
    return response


def stored_pdf_attachment(field_file, *, filename, default="document.pdf"):
    """A response that downloads the stored file of `field_file` (a FileField's value)
    as a PDF named after `filename`: streamed from its storage, or a redirect to a
    short-lived signed URL when S3_PRESIGNED_DOWNLOAD_SECONDS is set and the storage
    can sign one. Http404 when there is no such file.

    The caller has checked that the person may have the file: a signed URL works for
    anyone who holds it until it expires.
    """
    if not field_file:
        raise Http404
    storage, name = field_file.storage, field_file.name
    seconds = settings.S3_PRESIGNED_DOWNLOAD_SECONDS
    if seconds > 0 and hasattr(storage, "presigned_download_url"):
        download_name = pdf_download_name(filename, default=default)
        response = HttpResponseRedirect(
            storage.presigned_download_url(
                name,
                content_disposition=attachment_header(download_name, default=default),
                content_type=PDF_CONTENT_TYPE,
                seconds=seconds,
            )
        )
        patch_cache_control(response, private=True, no_store=True)
        return response
    open_stream = getattr(storage, "open_stream", None)
    try:
        content = open_stream(name) if open_stream else field_file.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404 from error
    return pdf_attachment(content, filename=filename, default=default)
