"""The audit report upload: a real PDF by content, not too large, nothing active in it."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript

from registrations import uploads
from registrations.certificate import registration_certificate_pdf
from registrations.uploads import active_content, megabytes, validate_pdf_upload
from tests.factories import RegistrationFactory, pdf_bytes
from tests.security import test_uploaded_files as files

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


# --- Active content ---------------------------------------------------------------------


def reader(content):
    return PdfReader(io.BytesIO(content))


def handmade_pdf(*bodies, root=1):
    """A PDF written byte by byte: object i+1 is bodies[i], with a correct xref table.

    For what pypdf's writer will not write: escaped names, objects nothing refers to.
    """
    parts = [b"%PDF-1.7\n"]
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(sum(len(part) for part in parts))
        parts.append(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref_at = sum(len(part) for part in parts)
    parts.append(b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1))
    parts.extend(b"%010d 00000 n \n" % offset for offset in offsets)
    parts.append(
        b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(bodies) + 1, root, xref_at)
    )
    return b"".join(parts)


PAGE_TREE = (
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
)


def test_a_plain_pdf_has_no_active_content():
    assert active_content(reader(pdf_bytes())) == []


def test_the_portal_s_own_certificate_has_no_active_content(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    registration = RegistrationFactory(
        approved=True,
        number="DV.A000123",
        valid_from=datetime.date(2025, 3, 1),
        valid_until=datetime.date(2030, 2, 28),
    )

    assert active_content(reader(registration_certificate_pdf(registration))) == []


@pytest.mark.parametrize(
    ("build", "kind"),
    [
        (files.pdf_with_document_javascript, "javascript"),
        (files.pdf_with_javascript_on_page_open, "javascript"),
        (lambda: files.pdf_with_a_link(files.launch_action()), "launch"),
        (lambda: files.pdf_with_an_open_action(files.launch_action()), "launch"),
        (files.pdf_with_an_embedded_file, "embedded_file"),
        (files.pdf_with_a_file_attachment_annotation, "embedded_file"),
        (files.pdf_with_an_xfa_form, "xfa"),
    ],
)
def test_each_kind_of_active_content_is_named(build, kind):
    assert active_content(reader(build())) == [kind]


def test_a_javascript_action_under_an_escaped_name_is_found():
    content = handmade_pdf(
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        *PAGE_TREE,
        b"<< /S /J#61va#53cript /J#53 (app.alert\\(1\\)) >>",
    )

    assert active_content(reader(content)) == ["javascript"]


def test_an_object_nothing_refers_to_is_looked_at_too():
    content = handmade_pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        *PAGE_TREE,
        b"<< /Type /Action /S /Launch /F (cmd.exe) >>",
    )

    assert active_content(reader(content)) == ["launch"]


def test_references_that_loop_end_the_look_all_the_same():
    content = handmade_pdf(
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        *PAGE_TREE,
        b"<< /S /GoTo /D [3 0 R /Fit] /Next 5 0 R >>",
        b"<< /S /GoTo /D [3 0 R /Fit] /Next 4 0 R >>",
    )

    assert active_content(reader(content)) == []


def test_every_finding_is_reported_next_to_the_upload():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_open_action(JavaScript("app.alert(1);"))
    writer.add_attachment("bijlage.txt", b"x")
    buffer = io.BytesIO()
    writer.write(buffer)

    error = refusal(upload(buffer.getvalue()))

    assert [item.code for item in error.error_list] == ["javascript", "embedded_file"]
    assert "bevat JavaScript" in error.messages[0]
    assert "ingesloten bestanden" in error.messages[1]


def test_a_pdf_with_more_objects_than_a_report_has_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_PDF_OBJECTS", 3)

    error = refusal(upload(handmade_pdf(b"<< /Type /Catalog /Pages 2 0 R >>", *PAGE_TREE, b"1")))

    assert error.code == "too_complex"
    assert "te veel onderdelen" in error.messages[0]


def test_a_pdf_that_takes_too_long_to_read_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_SCAN_SECONDS", -1)

    assert refusal(upload(pdf_bytes())).code == "too_complex"
