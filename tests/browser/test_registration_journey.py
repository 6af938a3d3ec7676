"""Issue 5 in a real browser: Sofie requests an advies registration for Vormingscentrum
Schelde (menu option 2.1) with the audit report as PDF; Sam of the agency approves it in
the Django admin; Sofie sees the number and validity and downloads the "attest van
registratie"; the public-listing selector now lists the provider. A second request
(opleiding) is refused in the admin with a reason, and Sofie reads that reason.

Sofie signs in through the real OIDC flow against the ACM/IDM stand-in; Sam signs in to
the admin in a browser context of his own (see tests/browser/journeys.py).
"""

import io
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from demo.identities import DEMO_ORGANISATIONS
from registrations.models import Registration, ServiceType
from registrations.selectors import listed_service_providers
from registrations.services import validity_end
from tests.browser.journeys import (
    field,
    iso,
    schelde_office,
    sign_in_to_portal,
)
from tests.factories import UserFactory, pdf_bytes
from tests.registrations.test_uploads import EXE_BYTES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCHELDE_KBO, SCHELDE_NAME = DEMO_ORGANISATIONS[0]
AUDIT_BODY = "Auditbureau Kwaliteit Vlaanderen"
LABEL = "ISO 9001"
REFUSAL = "Het auditrapport gaat over advies, niet over opleidingen."
STAFF_PASSWORD = "medewerker-wachtwoord"


@pytest.fixture
def schelde(db):
    """Vormingscentrum Schelde with its registered office (MZ) as service provider."""
    return schelde_office()


@pytest.fixture
def agency_page(browser, sites):
    """Sam (agency staff, may decide) signed in to the Django admin in a context of his own:
    the admin lives on the portal's host name, so sharing Sofie's context would replace
    her session."""
    sam = UserFactory(
        username="sam", first_name="Sam", last_name="VLAIO", is_staff=True, is_superuser=True
    )
    sam.set_password(STAFF_PASSWORD)
    sam.save()
    context = browser.new_context(locale="nl-BE")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(sites.portal_url("/admin/login/"))
    page.locator("#id_username").fill("sam")
    page.locator("#id_password").fill(STAFF_PASSWORD)
    page.locator("input[type=submit]").click()
    expect(page.locator("#user-tools")).to_contain_text("Sam")
    yield page
    context.close()


def open_menu_item(page, label):
    page.get_by_role("navigation", name="Menu dienstverlener").get_by_role(
        "link", name="Menu", exact=True
    ).click()
    page.get_by_role("radio", name=re.compile(re.escape(label))).check()
    page.get_by_role("button", name="Verder").click()


def pdf_upload(content, name):
    return {"name": name, "mimeType": "application/pdf", "buffer": content}


def fill_request(page, *, service_type, report):
    """The request form: type, audit, one quality label, the declaration."""
    page.get_by_role("radio", name=service_type, exact=True).check()
    field(page, "Auditinstantie").fill(AUDIT_BODY)
    field(page, "Datum van de audit").fill(iso(timezone.localdate().replace(day=1)))
    field(page, "Auditrapport (PDF)").set_input_files(report)
    page.get_by_label("Kwaliteitslabel of certificaat").first.fill(LABEL)
    page.get_by_label("Vervaldatum").first.fill("2030-06-30")
    page.get_by_role("checkbox", name=re.compile("Ik leg deze verklaring op eer af")).check()


def decide_in_admin(page, sites, *, provider_name, decision, reason=None):
    """Sam opens the queue of pending requests, the request, and takes `decision`."""
    page.goto(sites.portal_url("/admin/registrations/registration/"))
    page.get_by_role("link", name=provider_name, exact=True).first.click()
    page.locator(".object-tools").get_by_role("link", name=decision, exact=True).click()
    if reason is not None:
        page.get_by_label("Reden").fill(reason)
    page.locator(".submit-row input[type=submit]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()


def test_a_provider_requests_an_advies_registration_the_agency_approves_and_refuses(
    sites, schelde, page, agency_page, assert_no_serious_axe_violations
):
    sign_in_to_portal(page, sites, "itsme", "Sofie Maes")
    expect(page.get_by_role("heading", name="Dienstverlener: menu", level=1)).to_be_visible()

    # 2.1: the overview has the MZ, without registrations yet.
    open_menu_item(page, "Registraties beheren")
    expect(page.get_by_role("heading", name="Registraties: overzicht", level=1)).to_be_visible()
    section = page.get_by_role("region", name=re.compile(re.escape(SCHELDE_NAME)))
    expect(section).to_contain_text("Nog geen registraties of aanvragen")
    assert_no_serious_axe_violations(page)

    # A renamed executable is refused; the rest of the input is kept.
    section.get_by_role("link", name=re.compile("^Registratie aanvragen")).click()
    expect(page.get_by_role("heading", name="Registratie aanvragen", level=1)).to_be_visible()
    expect(page.get_by_text("Ik verklaar op eer dat de gegevens in deze aanvraag")).to_be_visible()
    assert_no_serious_axe_violations(page)
    fill_request(page, service_type="advies", report=pdf_upload(EXE_BYTES, "auditrapport.pdf"))
    page.get_by_role("button", name="AANVRAAG INDIENEN").click()

    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Het bestand is geen PDF-bestand.")
    expect(summary).to_contain_text("Kies het bestand opnieuw")
    expect(field(page, "Auditinstantie")).to_have_value(AUDIT_BODY)
    expect(page.get_by_label("Kwaliteitslabel of certificaat").first).to_have_value(LABEL)
    expect(page.get_by_role("radio", name="advies", exact=True)).to_be_checked()
    expect(field(page, "Auditrapport (PDF)")).to_have_attribute("aria-invalid", "true")
    assert_no_serious_axe_violations(page)
    assert not Registration.objects.exists()

    # With the real PDF (and the declaration ticked again) the request is filed.
    field(page, "Auditrapport (PDF)").set_input_files(
        pdf_upload(pdf_bytes(), "Auditrapport Schelde 2025.pdf")
    )
    page.get_by_role("checkbox", name=re.compile("Ik leg deze verklaring op eer af")).check()
    page.get_by_role("button", name="AANVRAAG INDIENEN").click()

    expect(page.get_by_text("Uw aanvraag is ingediend.")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Aanvraag registratie advies", level=1)
    ).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text("In behandeling bij het agentschap")
    expect(main).to_contain_text(f"{LABEL}, geldig tot 30 juni 2030")
    expect(main).to_contain_text("Afgelegd door Sofie Maes")
    expect(page.get_by_role("link", name="Aanvraag intrekken")).to_be_visible()
    assert_no_serious_axe_violations(page)

    # The uploaded report comes back as it was sent.
    with page.expect_download() as report_download:
        page.get_by_role("link", name="Auditrapport Schelde 2025.pdf").click()
    assert report_download.value.suggested_filename == "Auditrapport Schelde 2025.pdf"
    assert Path(report_download.value.path()).read_bytes() == pdf_bytes()

    # The agency approves the request in the admin.
    decide_in_admin(agency_page, sites, provider_name=SCHELDE_NAME, decision="Goedkeuren")
    registration = Registration.objects.get(service_provider=schelde, service_type="A")
    assert registration.status == Registration.Status.APPROVED
    assert re.fullmatch(r"DV\.A\d{6}", registration.number)
    today = timezone.localdate()
    assert (registration.valid_from, registration.valid_until) == (
        today,
        validity_end(today, 5),
    )

    # Sofie sees the number and the validity, and downloads the certificate.
    page.reload()
    expect(
        page.get_by_role("heading", name=f"Registratie {registration.number} (advies)", level=1)
    ).to_be_visible()
    expect(main).to_contain_text("goedgekeurd")
    expect(main).to_contain_text("Agentschap Innoveren & Ondernemen")
    expect(page.get_by_role("link", name="Aanvraag intrekken")).to_have_count(0)
    assert_no_serious_axe_violations(page)
    with page.expect_download() as certificate_download:
        page.get_by_role("link", name="Attest van registratie (PDF)").click()
    certificate = Path(certificate_download.value.path()).read_bytes()
    assert certificate.startswith(b"%PDF-")
    certificate_text = PdfReader(io.BytesIO(certificate)).pages[0].extract_text()
    assert registration.number in certificate_text
    assert SCHELDE_NAME in certificate_text

    open_menu_item(page, "Registraties beheren")
    row = section.get_by_role("row").filter(has=page.get_by_role("rowheader", name="advies"))
    expect(row).to_contain_text(registration.number)
    expect(row).to_contain_text(today.strftime("%d/%m/%Y"))
    expect(row).to_contain_text(registration.valid_until.strftime("%d/%m/%Y"))
    expect(row).to_contain_text("vraag tijdig een nieuwe registratie aan")
    assert_no_serious_axe_violations(page)

    # The public listing now has Vormingscentrum Schelde, for advies only.
    assert schelde in listed_service_providers()
    assert schelde in listed_service_providers(service_types=[ServiceType.ADVICE])
    assert schelde not in listed_service_providers(service_types=[ServiceType.TRAINING])

    # A second request, for opleiding, is refused with a reason that Sofie reads.
    section.get_by_role("link", name=re.compile("^Registratie aanvragen")).click()
    fill_request(page, service_type="opleiding", report=pdf_upload(pdf_bytes(), "opleiding.pdf"))
    page.get_by_role("button", name="AANVRAAG INDIENEN").click()
    expect(page.get_by_text("Uw aanvraag is ingediend.")).to_be_visible()

    decide_in_admin(
        agency_page, sites, provider_name=SCHELDE_NAME, decision="Weigeren", reason=REFUSAL
    )

    page.reload()
    expect(page.get_by_role("heading", name="Reden van de weigering")).to_be_visible()
    expect(page.get_by_role("note")).to_contain_text(REFUSAL)
    assert_no_serious_axe_violations(page)
    open_menu_item(page, "Registraties beheren")
    training = section.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="opleiding")
    )
    expect(training).to_contain_text("geweigerd")
    expect(training).to_contain_text(f"Geweigerd: {REFUSAL}")
    assert schelde not in listed_service_providers(service_types=[ServiceType.TRAINING])
