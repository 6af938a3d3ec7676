"""The audit report upload: a real PDF by content, not too large."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from registrations.uploads import megabytes, validate_pdf_upload
from tests.factories import pdf_bytes

# The start of a Windows executable: what a renamed .exe begins with.
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def upload(content, name="auditrapport.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def refusal(uploaded, **kwargs):
    with pytest.raises(ValidationError) as caught:
        validate_pdf_upload(uploaded, **kwargs)
    return caught.value


def test_a_real_pdf_is_accepted_and_left_ready_to_store():
    uploaded = upload(pdf_bytes())

    validate_pdf_upload(uploaded)

    assert uploaded.tell() == 0
    assert uploaded.read(5) == b"%PDF-"


def test_a_renamed_exe_is_refused_whatever_its_name_and_content_type():
    error = refusal(upload(EXE_BYTES, name="auditrapport.pdf", content_type="application/pdf"))

    assert error.code == "not_pdf"
    assert "geen PDF-bestand" in error.messages[0]


def test_a_text_file_is_refused():
    assert refusal(upload(b"Dit is geen PDF.\n" * 10)).code == "not_pdf"


def test_a_file_that_only_starts_like_a_pdf_is_refused():
    error = refusal(upload(b"%PDF-1.7\n" + b"garbage " * 100))

    assert error.code == "unreadable"
    assert "kan niet geopend worden" in error.messages[0]


def test_a_truncated_pdf_is_refused():
    assert refusal(upload(pdf_bytes()[:60])).code == "unreadable"


def test_a_password_protected_pdf_is_refused():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("geheim")
    buffer = io.BytesIO()
    writer.write(buffer)

    error = refusal(upload(buffer.getvalue()))

    assert error.code == "encrypted"
    assert "wachtwoord" in error.messages[0]


def test_an_empty_file_is_refused():
    assert refusal(upload(b"")).code == "empty"


def test_an_oversized_file_is_refused_with_the_limit_in_megabytes(settings):
    settings.REGISTRATION_UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    content = pdf_bytes() + b"\n%" + b"x" * (2 * 1024 * 1024)

    error = refusal(upload(content))

    assert error.code == "too_large"
    message = error.messages[0]
    assert "hoogstens 2 MB" in message
    assert "te groot (2,1 MB)" in message


def test_the_limit_can_be_given_explicitly():
    assert refusal(upload(pdf_bytes()), max_bytes=100).code == "too_large"


@pytest.mark.parametrize(
    ("size", "shown"),
    [(10 * 1024 * 1024, "10"), (10 * 1024 * 1024 + 1, "10,1"), (512 * 1024, "0,5")],
)
def test_sizes_are_shown_in_megabytes_rounded_up(size, shown):
    assert megabytes(size) == shown
