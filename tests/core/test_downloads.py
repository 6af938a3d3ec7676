"""The one PDF download: a safe name and headers that leave the browser no choice."""

import pytest

from core.downloads import attachment_header, pdf_attachment, pdf_download_name

DEFAULT = "auditrapport.pdf"


@pytest.mark.parametrize(
    ("uploaded", "stored"),
    [
        ("Auditrapport Acme 2025.pdf", "Auditrapport Acme 2025.pdf"),
        ("rapport.PDF", "rapport.pdf"),
        ("rapport.html", "rapport.pdf"),
        ("rapport.exe", "rapport.pdf"),
        ("rapport.pdf.html", "rapport.pdf"),
        ("rapport.exe.pdf", "rapport.pdf"),
        ("rapport", "rapport.pdf"),
        ("Verslag v1.2.pdf", "Verslag v1.2.pdf"),
        ("audit 2025.2026.pdf", "audit 2025.2026.pdf"),
        ("C:\\Users\\jan\\rapport.pdf", "rapport.pdf"),
        ("../../etc/passwd", "passwd.pdf"),
        ("rapport\u202efdp.exe", "rapportfdp.pdf"),
        ("rap\x00port\r\n.pdf", "rapport.pdf"),
        ('a<b>c:d"e|f?g*h.pdf', "a_b_c_d_e_f_g_h.pdf"),
        ("  rapport \t final .pdf", "rapport final.pdf"),
        (".htaccess", "htaccess.pdf"),
        ("...pdf", DEFAULT),
        ("", DEFAULT),
        (None, DEFAULT),
        ("CON.pdf", "CON_.pdf"),
        ("Verslag café.pdf", "Verslag café.pdf"),
    ],
)
def test_an_uploaded_name_becomes_a_plain_pdf_name(uploaded, stored):
    assert pdf_download_name(uploaded, default=DEFAULT) == stored


def test_a_long_name_is_cut_before_the_extension():
    name = pdf_download_name("a" * 500 + ".pdf", default=DEFAULT)

    assert name == "a" * 150 + ".pdf"


def test_making_a_name_safe_twice_changes_nothing():
    for name in ["rapport.pdf.html", "Verslag café v1.2.pdf", "a" * 300, "x<y>.exe"]:
        once = pdf_download_name(name, default=DEFAULT)
        assert pdf_download_name(once, default=DEFAULT) == once


def test_an_ascii_name_has_only_the_plain_filename():
    assert attachment_header("rapport.pdf", default=DEFAULT) == (
        'attachment; filename="rapport.pdf"'
    )


def test_a_full_width_quote_cannot_break_out_of_the_ascii_filename():
    header = attachment_header("a\uff02b\uff3cc.pdf", default=DEFAULT)

    assert header.startswith("attachment; filename=\"a_b_c.pdf\"; filename*=UTF-8''")


def test_bytes_and_files_get_the_same_headers(tmp_path):
    path = tmp_path / "x.pdf"
    path.write_bytes(b"%PDF-1.7")

    with path.open("rb") as handle:
        responses = [
            pdf_attachment(content, filename="rapport.html", default=DEFAULT)
            for content in (b"%PDF-1.7", handle)
        ]

        for response in responses:
            assert response["Content-Type"] == "application/pdf"
            assert response["Content-Disposition"] == 'attachment; filename="rapport.pdf"'
            assert response["X-Content-Type-Options"] == "nosniff"
            assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
            assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}
