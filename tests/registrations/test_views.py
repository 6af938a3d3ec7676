"""2.1 "Registraties beheren" for the provider: overview, request, detail, withdrawal,
the audit report and the certificate.

Alice works for Acme; Bob for another organisation and must never see Acme's
registrations. Sam is agency staff.
"""

import datetime
import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from providers.models import ServiceProvider
from registrations.models import DECLARATION_TEXT, Registration, RegistrationEvent
from registrations.services import (
    registration_approve,
    registration_refuse,
    registration_request,
    registration_suspend,
    validity_end,
)
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    RegistrationFactory,
    ServiceProviderFactory,
    pdf_bytes,
)
from tests.registrations.test_uploads import EXE_BYTES

pytestmark = pytest.mark.django_db

Status = Registration.Status


def today():
    # Per call, not at import: a run that crosses midnight must not compare with yesterday.
    return timezone.localdate()


LIST = reverse("registrations:list")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Acme", email="zetel@acme.example")


@pytest.fixture
def office(organisation):
    """Acme's registered office (MZ)."""
    return ServiceProviderFactory(
        organisation=organisation,
        type=ServiceProvider.Type.REGISTERED_OFFICE,
        name="Acme",
        email="info@acme.example",
    )


@pytest.fixture
def provider(organisation):
    """A service provider Acme announced."""
    return ServiceProviderFactory(
        organisation=organisation, name="Acme Advies", email="advies@acme.example"
    )


@pytest.fixture
def alice(alice, organisation):
    """Alice works for Acme."""
    MembershipFactory(user=alice, organisation=organisation)
    return alice


@pytest.fixture
def signed_in(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def bob_client(client):
    bob = MembershipFactory().user
    client.force_login(bob)
    return client


@pytest.fixture
def pending(provider, alice):
    return RegistrationFactory(service_provider=provider, service_type="A", declared_by=alice)


@pytest.fixture
def approved(provider, alice, sam):
    registration = RegistrationFactory(
        service_provider=provider, service_type="O", declared_by=alice
    )
    return registration_approve(registration=registration, user=sam)


def request_data(**changes):
    data = {
        "service_type": "A",
        "audit_body": "Auditbureau Kwaliteit Vlaanderen",
        "audit_date": (today() - datetime.timedelta(days=10)).isoformat(),
        "is_starter": "",
        "declaration_accepted": "on",
        "labels-TOTAL_FORMS": "3",
        "labels-INITIAL_FORMS": "0",
        "labels-MIN_NUM_FORMS": "0",
        "labels-MAX_NUM_FORMS": "3",
        "labels-0-name": "ISO 9001",
        "labels-0-expires_on": "2030-06-30",
        "labels-1-name": "",
        "labels-1-expires_on": "",
        "labels-2-name": "",
        "labels-2-expires_on": "",
        "audit_report": SimpleUploadedFile(
            "Auditrapport Acme 2025.pdf", pdf_bytes(), content_type="application/pdf"
        ),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def create_url(provider):
    return reverse("registrations:create", kwargs={"provider_pk": provider.pk})


def stored_files(media_root):
    return [path for path in media_root.rglob("*") if path.is_file()]


# --- The overview --------------------------------------------------------------------


def test_the_overview_lists_each_provider_with_the_registered_office_first(
    signed_in, office, provider
):
    response = signed_in.get(LIST)

    assert [p.pk for p in response.context["providers"]] == [office.pk, provider.pk]
    content = response.content.decode()
    assert "Registraties: overzicht" in content
    assert content.index("Acme Advies") > content.index(">MZ<")
    assert create_url(office) in content
    assert create_url(provider) in content


def test_the_overview_shows_number_status_validity_and_what_happens_next(
    signed_in, approved, pending
):
    content = signed_in.get(LIST).content.decode()

    assert approved.number in content
    assert approved.valid_from.strftime("%d/%m/%Y") in content
    assert approved.valid_until.strftime("%d/%m/%Y") in content
    assert "vraag tijdig een nieuwe registratie aan" in content
    assert "In behandeling bij het agentschap" in content
    assert reverse("registrations:detail", kwargs={"pk": pending.pk}) in content


def test_an_approved_registration_past_its_end_shows_as_expired(signed_in, approved):
    Registration.objects.filter(pk=approved.pk).update(
        valid_from=today() - datetime.timedelta(days=5 * 365),
        valid_until=today() - datetime.timedelta(days=1),
    )

    response = signed_in.get(LIST)

    registration = response.context["providers"][0].registrations.all()[0]
    assert registration.status_label == "verlopen"
    assert "Vraag een nieuwe registratie aan." in response.content.decode()


def test_the_overview_shows_the_reason_of_a_refusal(signed_in, pending, sam):
    registration_refuse(registration=pending, user=sam, reason="Het auditrapport is onleesbaar.")

    content = signed_in.get(LIST).content.decode()

    assert "Geweigerd: Het auditrapport is onleesbaar." in content


def test_the_overview_shows_the_reason_of_a_suspension(signed_in, approved, sam):
    registration_suspend(registration=approved, user=sam, reason="Klachten van klanten.")

    content = signed_in.get(LIST).content.decode()

    assert "geschorst" in content
    assert "Geschorst: Klachten van klanten." in content


def test_the_overview_never_shows_another_organisations_registrations(signed_in, office):
    other = RegistrationFactory(service_provider__name="Concurrent NV")

    content = signed_in.get(LIST).content.decode()

    assert "Concurrent NV" not in content
    assert reverse("registrations:detail", kwargs={"pk": other.pk}) not in content


def test_without_providers_the_overview_says_to_announce_one_first(signed_in):
    content = signed_in.get(LIST).content.decode()

    assert "Uw organisatie heeft nog geen dienstverleners aangemeld." in content
    assert reverse("providers:list") in content


def test_the_overview_runs_the_same_number_of_queries_for_1_and_many_registrations(
    signed_in, organisation, office, django_assert_num_queries
):
    RegistrationFactory(service_provider=office)
    signed_in.get(LIST)
    with CaptureQueriesContext(connection) as one:
        signed_in.get(LIST)

    for _ in range(6):
        provider = ServiceProviderFactory(organisation=organisation)
        RegistrationFactory(service_provider=provider, service_type="A")
        RegistrationFactory(service_provider=provider, service_type="O", approved=True)
    with django_assert_num_queries(len(one)):
        response = signed_in.get(LIST)
    assert len(response.context["providers"]) == 7


# --- The request form ---------------------------------------------------------------


def test_the_form_shows_the_declaration_in_full_and_uploads_as_multipart(signed_in, provider):
    response = signed_in.get(create_url(provider))

    content = response.content.decode()
    assert response.status_code == 200
    assert str(DECLARATION_TEXT) in content
    assert 'enctype="multipart/form-data"' in content
    assert 'accept="application/pdf,.pdf"' in content
    assert "Acme Advies" in content
    assert 'name="declaration_accepted"' in content
    assert "checked" not in content.split('name="declaration_accepted"')[1].split(">")[0]
    assert content.count('name="labels-') == 3 * 2 + 4  # three rows and the management form


def test_the_type_can_be_preselected(signed_in, provider):
    response = signed_in.get(create_url(provider), {"type": "O"})

    assert response.context["form"].initial == {"service_type": "O"}


def test_the_form_for_another_organisations_provider_is_not_found(bob_client, provider):
    assert bob_client.get(create_url(provider)).status_code == 404
    assert bob_client.post(create_url(provider), request_data()).status_code == 404
    assert not Registration.objects.exists()


def test_a_request_is_filed_with_its_labels_declaration_and_file(
    signed_in, provider, alice, media_root
):
    response = signed_in.post(create_url(provider), request_data(is_starter="on"))

    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registrations:detail", kwargs={"pk": registration.pk})
    assert registration.service_provider == provider
    assert registration.status == Status.REQUESTED
    assert registration.service_type == "A"
    assert registration.is_starter is True
    assert registration.audit_body == "Auditbureau Kwaliteit Vlaanderen"
    assert registration.declared_by == alice
    assert registration.declared_by_name == "Alice Peeters"
    assert registration.declaration_text == str(DECLARATION_TEXT)
    assert [(label.name, label.expires_on) for label in registration.quality_labels.all()] == [
        ("ISO 9001", datetime.date(2030, 6, 30))
    ]
    # Stored under MEDIA_ROOT under a name of our own; the original name is kept apart.
    assert registration.audit_report_name == "Auditrapport Acme 2025.pdf"
    [stored] = stored_files(media_root)
    assert stored.read_bytes() == pdf_bytes()
    assert "Acme" not in stored.name
    assert registration.events.get().action == RegistrationEvent.Action.REQUEST

    page = signed_in.get(response["Location"]).content.decode()
    assert "Uw aanvraag is ingediend." in page


def test_a_renamed_exe_is_refused_the_input_kept_and_nothing_written(
    signed_in, provider, media_root
):
    exe = SimpleUploadedFile("auditrapport.pdf", EXE_BYTES, content_type="application/pdf")

    response = signed_in.post(
        create_url(provider), request_data(audit_report=exe, audit_body="Audit & Co")
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Het bestand is geen PDF-bestand." in content
    assert 'value="Audit &amp; Co"' in content
    assert 'value="ISO 9001"' in content
    assert 'id="id_audit_report_helptext" class="form-text">Kies het bestand opnieuw' in content
    assert "error-summary" in content
    assert not Registration.objects.exists()
    assert stored_files(media_root) == []


def test_an_oversized_report_is_refused_with_the_limit_in_megabytes(signed_in, provider, settings):
    settings.REGISTRATION_UPLOAD_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile(
        "groot.pdf", pdf_bytes() + b"%" + b"x" * (1024 * 1024), content_type="application/pdf"
    )

    response = signed_in.post(create_url(provider), request_data(audit_report=big))

    assert "hoogstens 1 MB" in response.content.decode()
    assert not Registration.objects.exists()


def test_without_the_declaration_nothing_is_filed(signed_in, provider):
    response = signed_in.post(create_url(provider), request_data(declaration_accepted=None))

    assert "U moet de verklaring op eer aanvinken" in response.content.decode()
    assert not Registration.objects.exists()


def test_an_expired_label_is_refused_and_nothing_is_filed(signed_in, provider):
    yesterday = (today() - datetime.timedelta(days=1)).isoformat()

    response = signed_in.post(
        create_url(provider), request_data(**{"labels-0-expires_on": yesterday})
    )

    content = response.content.decode()
    assert "Dit label is al vervallen" in content
    assert "Label 1 – Vervaldatum" in content
    assert not Registration.objects.exists()


def test_a_second_pending_request_for_the_same_type_is_refused_next_to_the_type(
    signed_in, provider, pending, media_root
):
    files_before = stored_files(media_root)

    response = signed_in.post(create_url(provider), request_data(service_type="A"))

    form = response.context["form"]
    assert form.errors["service_type"] == [
        "Er loopt al een aanvraag voor dit type dienstverlening. Wacht op de beslissing of "
        "trek die aanvraag eerst in."
    ]
    assert Registration.objects.count() == 1
    assert stored_files(media_root) == files_before


def test_a_request_for_the_other_type_is_filed_beside_a_pending_one(signed_in, provider, pending):
    signed_in.post(create_url(provider), request_data(service_type="O"))

    assert Registration.objects.filter(service_provider=provider).count() == 2


def service_request(provider, user, **changes):
    arguments = {
        "service_provider": provider,
        "service_type": "A",
        "audit_body": "Auditbureau",
        "audit_date": today(),
        "audit_report": SimpleUploadedFile("rapport.pdf", pdf_bytes()),
        "is_starter": False,
        "declaration_accepted": True,
        "user": user,
    }
    arguments.update(changes)
    return registration_request(**arguments)


def test_a_request_with_an_invalid_label_leaves_no_file_behind(provider, alice, media_root):
    with pytest.raises(ValidationError):
        service_request(
            provider, alice, quality_labels=[{"name": "x" * 300, "expires_on": today()}]
        )

    assert not Registration.objects.exists()
    assert stored_files(media_root) == []


def test_a_request_the_database_refuses_leaves_no_file_behind(
    provider, alice, media_root, monkeypatch
):
    def refuse(**kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr(RegistrationEvent.objects, "create", refuse)

    with pytest.raises(IntegrityError):
        service_request(provider, alice)

    assert not Registration.objects.exists()
    assert stored_files(media_root) == []


# --- The detail page ------------------------------------------------------------------


def test_the_detail_shows_audit_labels_declaration_and_history(signed_in, pending):
    pending.quality_labels.create(name="Q*for", expires_on=datetime.date(2029, 1, 1))

    response = signed_in.get(reverse("registrations:detail", kwargs={"pk": pending.pk}))

    content = response.content.decode()
    assert "Aanvraag registratie advies" in content
    assert pending.audit_body in content
    assert "Q*for, geldig tot 1 januari 2029" in content
    assert pending.declaration_text in content
    assert f"Afgelegd door {pending.declared_by_name}" in content
    assert reverse("registrations:audit-report", kwargs={"pk": pending.pk}) in content
    assert reverse("registrations:cancel", kwargs={"pk": pending.pk}) in content
    assert reverse("registrations:certificate", kwargs={"pk": pending.pk}) not in content


def test_the_detail_of_an_approved_registration_offers_the_certificate_not_cancelling(
    signed_in, approved
):
    content = signed_in.get(reverse("registrations:detail", kwargs={"pk": approved.pk}))
    content = content.content.decode()

    assert approved.number in content
    assert reverse("registrations:certificate", kwargs={"pk": approved.pk}) in content
    assert reverse("registrations:cancel", kwargs={"pk": approved.pk}) not in content


def test_staff_appear_as_the_agency_never_by_name(signed_in, pending, alice, sam):
    RegistrationEvent.objects.create(
        registration=pending, action="request", to_status=Status.REQUESTED, actor=alice
    )
    registration_refuse(registration=pending, user=sam, reason="Audit te oud.")

    content = signed_in.get(reverse("registrations:detail", kwargs={"pk": pending.pk}))
    content = content.content.decode()

    assert "Agentschap Innoveren &amp; Ondernemen" in content.split('id="historiek"')[1]
    assert "Sam" not in content
    assert "VLAIO" not in content.split('id="historiek"')[1]
    assert "Alice Peeters" in content.split('id="historiek"')[1]


def test_the_reason_of_a_refusal_is_shown_prominently(signed_in, pending, sam):
    registration_refuse(registration=pending, user=sam, reason="Het auditrapport is onleesbaar.")

    content = signed_in.get(reverse("registrations:detail", kwargs={"pk": pending.pk}))
    content = content.content.decode()

    assert "Reden van de weigering" in content
    alert = content.split('role="note"')[1].split("</div>")[0]
    assert "Het auditrapport is onleesbaar." in alert


def test_another_organisations_registration_is_not_found(bob_client, pending):
    response = bob_client.get(reverse("registrations:detail", kwargs={"pk": pending.pk}))

    assert response.status_code == 404


# --- Withdrawing a request ------------------------------------------------------------


def test_withdrawing_asks_for_confirmation_first(signed_in, pending):
    response = signed_in.get(reverse("registrations:cancel", kwargs={"pk": pending.pk}))

    assert response.status_code == 200
    assert "AANVRAAG INTREKKEN" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Status.REQUESTED


def test_a_pending_request_is_withdrawn_with_a_reason(signed_in, pending, alice):
    mail.outbox.clear()
    url = reverse("registrations:cancel", kwargs={"pk": pending.pk})

    response = signed_in.post(url, {"reason": "Verkeerd type gekozen."}, follow=True)

    pending.refresh_from_db()
    assert pending.status == Status.CANCELLED
    event = pending.events.get(action=RegistrationEvent.Action.CANCEL)
    assert (event.actor, event.reason) == (alice, "Verkeerd type gekozen.")
    assert "Uw aanvraag is ingetrokken." in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse(
        "registrations:detail", kwargs={"pk": pending.pk}
    )


def test_a_decided_registration_cannot_be_withdrawn(signed_in, approved):
    url = reverse("registrations:cancel", kwargs={"pk": approved.pk})

    for response in (signed_in.get(url, follow=True), signed_in.post(url, follow=True)):
        assert "kan niet meer ingetrokken worden" in response.content.decode()
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED


def test_another_organisation_cannot_withdraw_a_request(bob_client, pending):
    url = reverse("registrations:cancel", kwargs={"pk": pending.pk})

    assert bob_client.post(url).status_code == 404
    pending.refresh_from_db()
    assert pending.status == Status.REQUESTED


# --- The audit report -------------------------------------------------------------------


def test_the_audit_report_is_served_as_a_private_pdf_attachment(signed_in, pending):
    pending.audit_report_name = "Auditrapport Acme.pdf"
    pending.save()

    response = signed_in.get(reverse("registrations:audit-report", kwargs={"pk": pending.pk}))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Auditrapport Acme.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_another_organisations_audit_report_is_not_found(bob_client, pending):
    response = bob_client.get(reverse("registrations:audit-report", kwargs={"pk": pending.pk}))

    assert response.status_code == 404


def test_a_missing_file_is_not_found(signed_in, pending):
    pending.audit_report.storage.delete(pending.audit_report.name)

    response = signed_in.get(reverse("registrations:audit-report", kwargs={"pk": pending.pk}))

    assert response.status_code == 404


# --- The certificate -----------------------------------------------------------------


def test_the_certificate_of_a_registration_in_force_is_a_pdf_with_its_number(signed_in, approved):
    response = signed_in.get(reverse("registrations:certificate", kwargs={"pk": approved.pk}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert approved.number in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Attest van registratie" in text
    assert approved.number in text


@pytest.mark.parametrize("case", ["pending", "expired", "suspended", "not yet in force"])
def test_there_is_no_certificate_unless_the_registration_is_in_force(
    signed_in, pending, approved, sam, case
):
    registration = approved
    if case == "pending":
        registration = pending
    elif case == "expired":
        Registration.objects.filter(pk=approved.pk).update(
            valid_from=today() - datetime.timedelta(days=400),
            valid_until=today() - datetime.timedelta(days=1),
        )
    elif case == "suspended":
        registration_suspend(registration=approved, user=sam, reason="Klachten.")
    else:
        start = today() + datetime.timedelta(days=10)
        Registration.objects.filter(pk=approved.pk).update(
            valid_from=start, valid_until=validity_end(start, 5)
        )

    response = signed_in.get(reverse("registrations:certificate", kwargs={"pk": registration.pk}))

    assert response.status_code == 404


def test_another_organisations_certificate_is_not_found(bob_client, approved):
    response = bob_client.get(reverse("registrations:certificate", kwargs={"pk": approved.pk}))

    assert response.status_code == 404
