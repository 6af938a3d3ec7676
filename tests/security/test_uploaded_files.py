"""Issue 13, uploads (ASVS V12): what an audit report may hold, and how it is served.

Each test is named after a finding of the issue. The PDFs are built here with
pypdf's writer, so each holds exactly the one thing the test is about.
"""

import datetime
import io
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfWriter
from pypdf.actions import JavaScript, PageTrigger
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    TextStringObject,
)

from registrations.models import Registration
from registrations.services import registration_approve
from tests.factories import (
    RegistrationFactory,
    ServiceProviderFactory,
    UserFactory,
    make_superuser,
    pdf_bytes,
)

SANDBOX = "default-src 'none'; sandbox"


# --- Small PDFs, each with one kind of active content ----------------------------------


def _written(writer):
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _one_page():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    return writer


def _action(kind, **entries):
    action = DictionaryObject({NameObject("/Type"): NameObject("/Action")})
    action[NameObject("/S")] = NameObject(kind)
    for key, value in entries.items():
        action[NameObject(f"/{key}")] = value
    return action


def _link(action):
    """A link annotation over the top left of the page that runs `action` on a click."""
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (10, 10, 100, 40)]),
            NameObject("/A"): action,
        }
    )


def pdf_with_document_javascript():
    """JavaScript in the document's names tree: it runs when the file is opened."""
    writer = _one_page()
    writer.add_open_action(JavaScript("app.alert('Hallo');"))
    return _written(writer)


def pdf_with_javascript_on_page_open():
    """JavaScript in the page's additional actions (/AA)."""
    writer = _one_page()
    writer.pages[0].add_action(PageTrigger.OPEN, JavaScript("app.alert('Pagina');"))
    return _written(writer)


def pdf_with_an_open_action(action):
    """`action` as the document's /OpenAction."""
    writer = _one_page()
    writer.root_object[NameObject("/OpenAction")] = writer._add_object(action)
    return _written(writer)


def pdf_with_a_link(action):
    writer = _one_page()
    writer.add_annotation(0, _link(action))
    return _written(writer)


def launch_action():
    return _action("/Launch", F=TextStringObject("C:\\Windows\\System32\\calc.exe"))


def pdf_with_an_embedded_file():
    writer = _one_page()
    writer.add_attachment("factuur.exe", b"MZ\x90\x00 not really a program")
    return _written(writer)


def pdf_with_a_file_attachment_annotation():
    """A file attached to a page (the paper clip), not listed in the names tree."""
    writer = _one_page()
    embedded = DecodedStreamObject()
    embedded.set_data(b"<html><script>alert(1)</script></html>")
    embedded[NameObject("/Type")] = NameObject("/EmbeddedFile")
    spec = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Filespec"),
            NameObject("/F"): TextStringObject("bijlage.html"),
            NameObject("/EF"): DictionaryObject({NameObject("/F"): writer._add_object(embedded)}),
        }
    )
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/FileAttachment"),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (10, 10, 30, 30)]),
            NameObject("/FS"): spec,
        }
    )
    writer.add_annotation(0, annotation)
    return _written(writer)


def pdf_with_an_xfa_form():
    writer = _one_page()
    writer.root_object[NameObject("/AcroForm")] = DictionaryObject(
        {
            NameObject("/Fields"): ArrayObject(),
            NameObject("/XFA"): TextStringObject("<xdp:xdp/>"),
        }
    )
    return _written(writer)


# --- Fixtures: Acme and Alice, who files requests for it; Bob elsewhere ----------------


@pytest.fixture
def provider(acme):
    """Acme's provider; Alice works for Acme (tests/security/conftest.py)."""
    return ServiceProviderFactory(organisation=acme, name="Acme Advies")


@pytest.fixture
def signed_in(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def staff_client(db):
    """Sam, in the admin, in a browser of his own."""
    staff_client = Client()
    staff_client.force_login(make_superuser(UserFactory(username="sam", is_staff=True)))
    return staff_client


def request_data(content, name):
    today = timezone.localdate()
    return {
        "service_type": "A",
        "audit_body": "Auditbureau Kwaliteit Vlaanderen",
        "audit_date": (today - datetime.timedelta(days=10)).isoformat(),
        "declaration_accepted": "on",
        "labels-TOTAL_FORMS": "0",
        "labels-INITIAL_FORMS": "0",
        "labels-MIN_NUM_FORMS": "0",
        "labels-MAX_NUM_FORMS": "3",
        "audit_report": SimpleUploadedFile(name, content, content_type="application/pdf"),
    }


def upload(client, provider, content, name="auditrapport.pdf"):
    """Alice files a request with `content` as audit report, the way the browser does."""
    url = reverse("registrations:create", kwargs={"provider_pk": provider.pk})
    return client.post(url, request_data(content, name))


def upload_error(client, provider, content):
    """The errors shown next to the file field, after a refused upload."""
    response = upload(client, provider, content)
    assert response.status_code == 200, response.status_code
    assert not Registration.objects.exists()
    return " ".join(response.context["form"].errors["audit_report"])


def portal_download(client, registration):
    return client.get(reverse("registrations:audit-report", kwargs={"pk": registration.pk}))


def admin_download(client, registration):
    return client.get(
        reverse("admin:registrations_registration_audit_report", args=[registration.pk])
    )


def assert_served_as_a_sandboxed_pdf(response, filename):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == SANDBOX
    assert "no-store" in response["Cache-Control"]


# --- Active content is refused -----------------------------------------------------------


def test_a_pdf_with_javascript_is_refused(signed_in, provider):
    message = upload_error(signed_in, provider, pdf_with_document_javascript())

    assert "bevat JavaScript" in message
    assert "zonder JavaScript" in message


def test_a_pdf_with_javascript_in_a_page_action_is_refused(signed_in, provider):
    assert "bevat JavaScript" in upload_error(
        signed_in, provider, pdf_with_javascript_on_page_open()
    )


def test_a_pdf_with_a_javascript_open_action_is_refused(signed_in, provider):
    action = _action("/JavaScript", JS=TextStringObject("app.launchURL('https://x.test');"))

    assert "bevat JavaScript" in upload_error(signed_in, provider, pdf_with_an_open_action(action))


def test_a_pdf_with_a_launch_action_is_refused(signed_in, provider):
    message = upload_error(signed_in, provider, pdf_with_a_link(launch_action()))

    assert "een programma of een ander bestand start" in message


def test_a_pdf_that_launches_a_program_when_opened_is_refused(signed_in, provider):
    message = upload_error(signed_in, provider, pdf_with_an_open_action(launch_action()))

    assert "een programma of een ander bestand start" in message


def test_a_pdf_with_an_embedded_file_is_refused(signed_in, provider):
    message = upload_error(signed_in, provider, pdf_with_an_embedded_file())

    assert "ingesloten bestanden" in message
    assert "zonder bijlagen" in message


def test_a_pdf_with_a_file_attachment_annotation_is_refused(signed_in, provider):
    message = upload_error(signed_in, provider, pdf_with_a_file_attachment_annotation())

    assert "ingesloten bestanden" in message


def test_a_pdf_with_an_xfa_form_is_refused(signed_in, provider):
    assert "XFA-formulier" in upload_error(signed_in, provider, pdf_with_an_xfa_form())


def test_a_pdf_with_links_and_a_start_page_is_still_accepted(signed_in, provider):
    """Web links and "open at page 1, fit" are ordinary in a report: no false alarm."""
    writer = _one_page()
    writer.add_annotation(0, _link(_action("/URI", URI=TextStringObject("https://vlaio.be"))))
    writer.root_object[NameObject("/OpenAction")] = ArrayObject(
        [writer.pages[0].indirect_reference, NameObject("/Fit")]
    )

    response = upload(signed_in, provider, _written(writer))

    assert response.status_code == 302
    assert Registration.objects.count() == 1


# --- Downloads: always a PDF attachment with a .pdf name, sandboxed -------------------


@pytest.mark.parametrize(
    ("uploaded_as", "downloads_as"),
    [
        ("rapport.html", "rapport.pdf"),
        ("rapport.exe", "rapport.pdf"),
        ("rapport.pdf.html", "rapport.pdf"),
    ],
)
def test_an_upload_is_stored_under_a_pdf_name(signed_in, provider, uploaded_as, downloads_as):
    response = upload(signed_in, provider, pdf_bytes(), name=uploaded_as)

    registration = Registration.objects.get()
    assert response.status_code == 302
    assert registration.audit_report_name == downloads_as
    assert registration.audit_report.name.endswith(".pdf")


def test_a_file_uploaded_as_rapport_html_downloads_as_pdf(signed_in, provider):
    upload(signed_in, provider, pdf_bytes(), name="rapport.html")

    response = portal_download(signed_in, Registration.objects.get())

    assert_served_as_a_sandboxed_pdf(response, "rapport.pdf")
    assert b"".join(response.streaming_content) == pdf_bytes()


def test_rapport_exe_downloads_as_pdf(signed_in, provider):
    upload(signed_in, provider, pdf_bytes(), name="rapport.exe")

    response = portal_download(signed_in, Registration.objects.get())

    assert_served_as_a_sandboxed_pdf(response, "rapport.pdf")


def test_rapport_pdf_html_downloads_as_pdf(signed_in, provider):
    upload(signed_in, provider, pdf_bytes(), name="rapport.pdf.html")

    response = portal_download(signed_in, Registration.objects.get())

    assert_served_as_a_sandboxed_pdf(response, "rapport.pdf")


@pytest.mark.parametrize("stored_name", ["rapport.html", "rapport.exe", "rapport.pdf.html"])
def test_an_older_upload_stored_under_another_name_downloads_as_pdf(
    signed_in, staff_client, provider, alice, stored_name
):
    """Requests filed before the fix kept the uploaded name as it was."""
    registration = RegistrationFactory(service_provider=provider, declared_by=alice)
    Registration.objects.filter(pk=registration.pk).update(audit_report_name=stored_name)

    assert_served_as_a_sandboxed_pdf(portal_download(signed_in, registration), "rapport.pdf")
    assert_served_as_a_sandboxed_pdf(admin_download(staff_client, registration), "rapport.pdf")


def test_the_admin_download_is_sandboxed(staff_client, provider):
    registration = RegistrationFactory(service_provider=provider)

    response = admin_download(staff_client, registration)

    assert_served_as_a_sandboxed_pdf(response, "auditrapport.pdf")
    assert b"".join(response.streaming_content) == pdf_bytes()


def test_a_stored_file_with_html_in_it_is_still_served_as_a_sandboxed_pdf(
    signed_in, staff_client, provider, alice
):
    """Whatever lies on disk (a file from before the content checks, a swapped file), the
    browser is told it is a PDF to save, may not guess otherwise and may run nothing."""
    registration = RegistrationFactory(service_provider=provider, declared_by=alice)
    registration.audit_report.save(
        "x.pdf", ContentFile(b"<html><script>alert(document.cookie)</script></html>")
    )

    for response in (
        portal_download(signed_in, registration),
        admin_download(staff_client, registration),
    ):
        assert_served_as_a_sandboxed_pdf(response, "auditrapport.pdf")


@pytest.mark.parametrize(
    ("uploaded_as", "ascii_name", "utf8_name"),
    [
        ("Verslag café Ödön.pdf", "Verslag cafe Odon.pdf", "Verslag café Ödön.pdf"),
        ("Аудит.pdf", "auditrapport.pdf", "Аудит.pdf"),
    ],
)
def test_a_name_outside_ascii_downloads_with_an_rfc_6266_filename_star(
    signed_in, provider, uploaded_as, ascii_name, utf8_name
):
    upload(signed_in, provider, pdf_bytes(), name=uploaded_as)

    response = portal_download(signed_in, Registration.objects.get())

    assert response["Content-Disposition"] == (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(utf8_name)}"
    )


@pytest.mark.parametrize(
    "uploaded_as",
    [
        "..\\..\\rapport.pdf",
        "rapport\u202efdp.exe",
        'rap"port\r\n.pdf',
    ],
)
def test_a_name_with_a_path_quotes_or_control_characters_downloads_as_a_plain_pdf_name(
    signed_in, provider, alice, uploaded_as
):
    registration = RegistrationFactory(service_provider=provider, declared_by=alice)
    Registration.objects.filter(pk=registration.pk).update(audit_report_name=uploaded_as)

    disposition = portal_download(signed_in, registration)["Content-Disposition"]

    assert disposition.startswith('attachment; filename="rap')
    assert disposition.endswith('.pdf"')
    for forbidden in ("\\", "/", "\u202e", "\r", "\n", '"rap"', ".exe"):
        assert forbidden not in disposition


def test_the_certificate_download_is_sandboxed_too(signed_in, provider, alice, tina):
    registration = RegistrationFactory(
        service_provider=provider, service_type="O", declared_by=alice
    )
    registration = registration_approve(registration=registration, user=tina)

    response = signed_in.get(reverse("registrations:certificate", kwargs={"pk": registration.pk}))

    assert_served_as_a_sandboxed_pdf(response, f"attest-van-registratie-{registration.number}.pdf")
