"""The request form and its quality-label rows."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from registrations.forms import (
    QualityLabelFormSet,
    RegistrationCancelForm,
    RegistrationRequestForm,
)
from tests.factories import pdf_bytes
from tests.registrations.test_uploads import EXE_BYTES


def today():
    # Per call, not at import: a run that crosses midnight must not compare with yesterday.
    return timezone.localdate()


def request_data(**changes):
    data = {
        "service_type": "A",
        "audit_body": "Auditbureau Kwaliteit Vlaanderen",
        "audit_date": (today() - datetime.timedelta(days=10)).isoformat(),
        "declaration_accepted": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def report(content=None, name="auditrapport.pdf"):
    return {"audit_report": SimpleUploadedFile(name, content or pdf_bytes(), "application/pdf")}


def label_data(*rows):
    data = {
        "labels-TOTAL_FORMS": "3",
        "labels-INITIAL_FORMS": "0",
        "labels-MIN_NUM_FORMS": "0",
        "labels-MAX_NUM_FORMS": "3",
    }
    for index, (name, expires_on) in enumerate(rows):
        data[f"labels-{index}-name"] = name
        data[f"labels-{index}-expires_on"] = expires_on
    return data


def test_a_complete_request_is_valid():
    form = RegistrationRequestForm(data=request_data(), files=report())

    assert form.is_valid(), form.errors
    assert form.cleaned_data["service_type"] == "A"
    assert form.cleaned_data["is_starter"] is False


def test_the_declaration_must_be_ticked_explicitly():
    form = RegistrationRequestForm(data=request_data(declaration_accepted=None), files=report())

    assert form.errors["declaration_accepted"] == [
        "U moet de verklaring op eer aanvinken om de aanvraag in te dienen."
    ]


def test_a_renamed_exe_is_refused_next_to_the_upload():
    form = RegistrationRequestForm(
        data=request_data(), files=report(EXE_BYTES, name="auditrapport.pdf")
    )

    assert not form.is_valid()
    assert "geen PDF-bestand" in form.errors["audit_report"][0]


def test_an_oversized_report_is_refused_with_the_limit(settings):
    settings.REGISTRATION_UPLOAD_MAX_BYTES = 1024 * 1024
    content = pdf_bytes() + b"%" + b"x" * (1024 * 1024)

    form = RegistrationRequestForm(data=request_data(), files=report(content))

    assert "hoogstens 1 MB" in form.errors["audit_report"][0]


def test_the_help_text_names_the_upload_limit(settings):
    settings.REGISTRATION_UPLOAD_MAX_BYTES = 5 * 1024 * 1024

    assert "hoogstens 5 MB" in RegistrationRequestForm().fields["audit_report"].help_text


def test_a_missing_report_is_named():
    form = RegistrationRequestForm(data=request_data())

    assert form.errors["audit_report"] == ["Kies het auditrapport (een PDF-bestand)."]


def test_an_audit_in_the_future_is_refused():
    tomorrow = (today() + datetime.timedelta(days=1)).isoformat()

    form = RegistrationRequestForm(data=request_data(audit_date=tomorrow), files=report())

    assert form.errors["audit_date"] == ["De datum van de audit kan niet in de toekomst liggen."]


def test_an_unknown_service_type_is_refused():
    form = RegistrationRequestForm(data=request_data(service_type="X"), files=report())

    assert "service_type" in form.errors


def test_after_an_error_the_form_asks_to_choose_the_file_again():
    form = RegistrationRequestForm(data=request_data(audit_body=""), files=report())
    form.is_valid()

    form.prepare_for_redisplay()

    assert form["audit_report"].help_text.startswith("Kies het bestand opnieuw")


def test_an_unticked_declaration_is_described_by_its_text_and_its_error():
    form = RegistrationRequestForm(data=request_data(declaration_accepted=None), files=report())
    form.is_valid()

    form.prepare_for_redisplay()

    html = str(form["declaration_accepted"])
    assert 'aria-describedby="declaration-text id_declaration_accepted_error"' in html


def test_blank_label_rows_are_ignored():
    formset = QualityLabelFormSet(
        data=label_data(("ISO 9001", "2030-01-31"), ("", ""), ("", "")), prefix="labels"
    )

    assert formset.is_valid(), formset.errors
    labels = [row.as_label() for row in formset.forms]
    assert labels == [
        {"name": "ISO 9001", "expires_on": datetime.date(2030, 1, 31)},
        None,
        None,
    ]


def test_a_label_needs_its_expiry_date_and_a_date_its_label():
    formset = QualityLabelFormSet(
        data=label_data(("ISO 9001", ""), ("", "2030-01-31")), prefix="labels"
    )

    assert not formset.is_valid()
    assert formset.forms[0].errors["expires_on"] == ["Vul de vervaldatum van dit label in."]
    assert formset.forms[1].errors["name"] == ["Vul de naam van het label of certificaat in."]


def test_an_expired_label_is_refused():
    yesterday = (today() - datetime.timedelta(days=1)).isoformat()

    formset = QualityLabelFormSet(data=label_data(("Q*for", yesterday)), prefix="labels")

    assert not formset.is_valid()
    assert "al vervallen" in formset.forms[0].errors["expires_on"][0]


def test_a_label_expiring_today_is_still_accepted():
    formset = QualityLabelFormSet(data=label_data(("Q*for", today().isoformat())), prefix="labels")

    assert formset.is_valid(), formset.errors


def test_the_form_offers_three_label_rows():
    assert len(QualityLabelFormSet(prefix="labels").forms) == 3


def test_a_cancellation_reason_is_optional_but_limited():
    assert RegistrationCancelForm(data={}).is_valid()
    assert not RegistrationCancelForm(data={"reason": "x" * 2001}).is_valid()
