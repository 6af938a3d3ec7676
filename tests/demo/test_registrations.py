"""The demo registrations that `load_demo_data` adds: listed providers and the agency's cases."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from core.dates import add_months
from demo.identities import DEMO_ORGANISATIONS
from demo.providers import demo_data_load
from registrations.models import Registration, RegistrationNumberCounter
from registrations.selectors import listed_service_providers
from tests.demo.conftest import COUNT

pytestmark = pytest.mark.django_db

Status = Registration.Status


def test_every_fixed_demo_organisation_has_a_registration_in_force(loaded):
    for kbo, name in DEMO_ORGANISATIONS:
        assert (
            Registration.objects.in_force()
            .filter(service_provider__organisation__kbo_number=kbo)
            .exists()
        ), name


def test_the_public_search_has_providers_for_both_service_types(loaded):
    assert listed_service_providers(service_types=["O"]).count() >= 3
    assert listed_service_providers(service_types=["A"]).count() >= 3
    assert Registration.objects.in_force().filter(is_starter=True).exists()


def test_the_agency_has_a_pending_request_with_a_readable_pdf(loaded, media_root):
    pending = Registration.objects.pending().get()
    assert pending.service_provider.organisation.kbo_number == DEMO_ORGANISATIONS[0][0]
    path = media_root / pending.audit_report.name
    assert path.read_bytes().startswith(b"%PDF-")
    assert "Auditrapport" in PdfReader(path).pages[0].extract_text()
    assert pending.declaration_text
    assert pending.events.get().action == "request"


def test_there_is_a_suspended_registration_with_its_reason_and_one_that_ends_soon(loaded):
    suspended = Registration.objects.get(status=Status.SUSPENDED)
    assert suspended.reason
    assert suspended.events.latest("at").reason == suspended.reason
    today = timezone.localdate()
    assert (
        Registration.objects.in_force()
        .filter(valid_until__lte=add_months(today, 6))
        .filter(service_provider__organisation__kbo_number=DEMO_ORGANISATIONS[1][0])
        .exists()
    )


def test_every_demo_registration_is_consistent(loaded, media_root):
    approved = Registration.objects.filter(status__in=[Status.APPROVED, Status.SUSPENDED])
    assert approved.exists()
    for registration in approved:
        registration.full_clean()
        assert registration.number.startswith(f"DV.{registration.service_type}")
        assert registration.valid_from <= timezone.localdate() <= registration.valid_until
        assert [event.action for event in registration.events.all()][:2] == [
            "request",
            "approve",
        ]
        assert (media_root / registration.audit_report.name).exists()
    numbers = list(approved.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))
    for counter in RegistrationNumberCounter.objects.all():
        highest = max(int(number[4:]) for number in numbers if number[3] == counter.service_type)
        assert counter.last_number == highest


def test_a_second_run_creates_no_registrations(loaded):
    before = sorted(
        Registration.objects.values_list("service_provider_id", "service_type", "number")
    )

    summary = demo_data_load(organisations=COUNT)

    assert summary.registrations_created == 0
    assert summary.registrations == len(before)
    after = sorted(
        Registration.objects.values_list("service_provider_id", "service_type", "number")
    )
    assert after == before


def test_the_demo_staff_member_may_decide_on_the_pending_request(loaded, client):
    staff = get_user_model().objects.get(username="medewerker")
    pending = Registration.objects.pending().get()
    client.force_login(staff)

    response = client.get(reverse("admin:registrations_registration_approve", args=[pending.pk]))

    assert response.status_code == 200
    assert staff.has_perm("registrations.change_registration")
    assert not staff.has_perm("registrations.delete_registration")


def test_the_registrations_start_in_the_past_so_the_demo_works_any_day(loaded):
    today = timezone.localdate()
    assert not Registration.objects.filter(valid_from__gt=today).exists()
    assert not Registration.objects.filter(
        valid_until__lt=today + datetime.timedelta(days=1)
    ).exists()
