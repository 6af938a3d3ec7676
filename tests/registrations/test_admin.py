"""The agency's side in the Django admin: the queue, the decision pages, the audit report.

Sam may decide (superuser), Vera may only look (view permission), Walter is staff
without any permission on registrations, Alice is a provider user.
"""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from registrations.models import Registration, RegistrationEvent
from registrations.services import registration_approve, registration_suspend, validity_end
from tests.factories import (
    OrganisationFactory,
    RegistrationFactory,
    ServiceProviderFactory,
    UserFactory,
    make_superuser,
    pdf_bytes,
)

QUEUE = reverse("admin:registrations_registration_changelist")
Status = Registration.Status


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def sam(sam):
    """Sam administers the portal: every right in the admin."""
    return make_superuser(sam)


@pytest.fixture
def vera(db):
    vera = UserFactory(username="vera", first_name="Vera", last_name="VLAIO", is_staff=True)
    vera.user_permissions.add(Permission.objects.get(codename="view_registration"))
    return vera


@pytest.fixture
def walter(db):
    return UserFactory(username="walter", is_staff=True)


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Acme", kbo_number="0123456749", email="zetel@acme.example")


@pytest.fixture
def provider(organisation):
    return ServiceProviderFactory(
        organisation=organisation, name="Acme Advies", email="advies@acme.example"
    )


@pytest.fixture
def request_(provider):
    """A pending advies request of Acme Advies."""
    return RegistrationFactory(service_provider=provider, service_type="A")


@pytest.fixture
def approved(provider, sam):
    registration = RegistrationFactory(service_provider=provider, service_type="O")
    return registration_approve(registration=registration, user=sam)


def decision_url(registration, key):
    return reverse(f"admin:registrations_registration_{key}", args=[registration.pk])


def change_url(registration):
    return reverse("admin:registrations_registration_change", args=[registration.pk])


def page_text(response):
    return response.content.decode()


# --- The queue ------------------------------------------------------------------------


def test_the_queue_opens_on_the_pending_requests_oldest_first(client, sam, provider, approved):
    now = timezone.now()
    newer = RegistrationFactory(requested_at=now - datetime.timedelta(days=1))
    older = RegistrationFactory(requested_at=now - datetime.timedelta(days=5))
    client.force_login(sam)

    response = client.get(QUEUE)

    assert list(response.context["cl"].result_list) == [older, newer]
    everything = client.get(QUEUE, {"status": "all"})
    assert set(everything.context["cl"].result_list) == {older, newer, approved}


def test_the_queue_shows_provider_organisation_kbo_type_number_and_dates(client, sam, approved):
    client.force_login(sam)

    response = client.get(QUEUE, {"status": "approved"})

    text = page_text(response)
    assert "Acme Advies" in text
    assert "Acme" in text
    assert "0123.456.749" in text
    assert approved.number in text
    assert (
        approved.valid_until.strftime("%d/%m/%Y") in text or str(approved.valid_until.year) in text
    )


@pytest.mark.parametrize("term", ["0123.456.749", "BE 0123 456 749", "123456749", "0123456749"])
def test_staff_find_a_registration_by_kbo_number_in_any_notation(client, sam, request_, term):
    RegistrationFactory()  # another organisation's request
    client.force_login(sam)

    response = client.get(QUEUE, {"q": term})

    assert list(response.context["cl"].result_list) == [request_]


def test_staff_find_a_registration_by_its_number(client, sam, approved):
    client.force_login(sam)

    response = client.get(QUEUE, {"q": approved.number, "status": "all"})

    assert list(response.context["cl"].result_list) == [approved]


def test_the_expiry_filter_shows_registrations_ending_within_six_months(client, sam):
    today = timezone.localdate()
    soon = RegistrationFactory(
        approved=True,
        valid_from=today - datetime.timedelta(days=1500),
        valid_until=today + datetime.timedelta(days=100),
    )
    RegistrationFactory(approved=True)  # five more years
    RegistrationFactory(  # ended yesterday
        approved=True,
        valid_from=today - datetime.timedelta(days=1000),
        valid_until=today - datetime.timedelta(days=1),
    )
    client.force_login(sam)

    response = client.get(QUEUE, {"einde": "6m", "status": "approved"})

    assert list(response.context["cl"].result_list) == [soon]
    # The filter's own links switch the status to approved as well.
    assert "status=approved" in page_text(client.get(QUEUE))


def test_the_starter_and_type_filters_narrow_the_queue(client, sam):
    starter = RegistrationFactory(is_starter=True, service_type="O")
    RegistrationFactory(is_starter=False, service_type="A")
    client.force_login(sam)

    assert list(client.get(QUEUE, {"is_starter__exact": "1"}).context["cl"].result_list) == [
        starter
    ]
    assert list(client.get(QUEUE, {"service_type__exact": "O"}).context["cl"].result_list) == [
        starter
    ]


def test_the_queue_takes_the_same_number_of_queries_for_one_or_many_rows(
    client, sam, django_assert_max_num_queries
):
    RegistrationFactory()
    client.force_login(sam)
    client.get(QUEUE)  # the first request of a session also loads the content types
    with django_assert_max_num_queries(12) as one:
        client.get(QUEUE)
    for _ in range(15):
        RegistrationFactory()
    with django_assert_max_num_queries(12) as many:
        response = client.get(QUEUE)
    assert len(response.context["cl"].result_list) == 16
    assert len(many.captured_queries) == len(one.captured_queries)


# --- The change page ---------------------------------------------------------------------


def test_the_change_page_shows_the_request_read_only_with_its_evidence(client, sam, request_):
    request_.quality_labels.create(name="ISO 9001", expires_on=datetime.date(2030, 1, 31))
    client.force_login(sam)

    response = client.get(change_url(request_))

    text = page_text(response)
    assert response.status_code == 200
    assert "ISO 9001" in text
    assert request_.declaration_text in text
    assert request_.declared_by_name in text
    assert "auditrapport.pdf downloaden" in text
    # Nothing to save: the registration changes only through the decisions.
    assert 'name="_save"' not in text
    assert 'name="status"' not in text


def test_a_pending_request_offers_approve_refuse_and_exclude(client, sam, request_):
    client.force_login(sam)

    text = page_text(client.get(change_url(request_)))

    assert decision_url(request_, "approve") in text
    assert decision_url(request_, "refuse") in text
    assert decision_url(request_, "exclude") in text
    assert decision_url(request_, "suspend") not in text
    assert decision_url(request_, "withdraw") not in text
    assert decision_url(request_, "renew") not in text
    assert ">Goedkeuren<" in text
    assert ">Weigeren<" in text


def test_an_approved_registration_offers_suspend_withdraw_and_exclude(client, sam, approved):
    client.force_login(sam)

    text = page_text(client.get(change_url(approved)))

    for key in ["suspend", "withdraw", "exclude"]:
        assert decision_url(approved, key) in text
    for key in ["approve", "refuse", "lift_suspension", "renew"]:
        assert decision_url(approved, key) not in text


def test_an_approved_starter_offers_the_renewal_once(client, sam, provider):
    starter = registration_approve(
        registration=RegistrationFactory(service_provider=provider, is_starter=True), user=sam
    )
    client.force_login(sam)
    assert decision_url(starter, "renew") in page_text(client.get(change_url(starter)))

    client.post(decision_url(starter, "renew"), {"follow_up_audit_date": timezone.localdate()})

    assert decision_url(starter, "renew") not in page_text(client.get(change_url(starter)))


def test_a_refused_request_offers_no_decision(client, sam, request_):
    client.force_login(sam)
    client.post(decision_url(request_, "refuse"), {"reason": "Audit onvolledig"})

    text = page_text(client.get(change_url(request_)))

    for key in ["approve", "refuse", "suspend", "lift_suspension", "withdraw", "exclude"]:
        assert decision_url(request_, key) not in text


# --- The decisions ----------------------------------------------------------------------


def test_the_approval_page_shows_the_number_and_validity_before_confirming(client, sam, request_):
    client.force_login(sam)
    today = timezone.localdate()

    response = client.get(decision_url(request_, "approve"))

    text = page_text(response)
    assert "DV.A000001" in text
    assert today.strftime("%d/%m/%Y") in text
    assert validity_end(today, 5).strftime("%d/%m/%Y") in text
    assert 'value="Goedkeuren"' in text
    request_.refresh_from_db()
    assert request_.status == Status.REQUESTED
    assert request_.number == ""


def test_staff_approve_a_request(client, sam, request_, django_capture_on_commit_callbacks):
    client.force_login(sam)
    today = timezone.localdate()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(decision_url(request_, "approve"), follow=True)

    request_.refresh_from_db()
    assert request_.status == Status.APPROVED
    assert request_.number == "DV.A000001"
    assert (request_.valid_from, request_.valid_until) == (today, validity_end(today, 5))
    assert response.redirect_chain[-1][0] == change_url(request_)
    assert "De registratie is goedgekeurd: DV.A000001" in page_text(response)
    event = request_.events.get(action=RegistrationEvent.Action.APPROVE)
    assert event.actor == sam
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == {"zetel@acme.example", "advies@acme.example"}


def test_refusing_needs_a_reason(client, sam, request_):
    client.force_login(sam)

    response = client.post(decision_url(request_, "refuse"), {"reason": "  "})

    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert "Reden" in page_text(response)
    request_.refresh_from_db()
    assert request_.status == Status.REQUESTED


def test_staff_refuse_a_request_with_a_reason(client, sam, request_):
    client.force_login(sam)

    page = client.get(decision_url(request_, "refuse"))
    assert '<label for="id_reason">Reden:</label>' in page_text(page)
    assert 'value="Weigeren"' in page_text(page)
    client.post(decision_url(request_, "refuse"), {"reason": "Het auditrapport is verlopen."})

    request_.refresh_from_db()
    assert request_.status == Status.REFUSED
    assert request_.reason == "Het auditrapport is verlopen."
    event = request_.events.get(action=RegistrationEvent.Action.REFUSE)
    assert (event.actor, event.reason) == (sam, "Het auditrapport is verlopen.")
    # The admin's own history of the registration names the decision too.
    history = client.get(reverse("admin:registrations_registration_history", args=[request_.pk]))
    assert "Weigeren" in page_text(history)


@pytest.mark.parametrize(
    ("key", "status"),
    [("suspend", Status.SUSPENDED), ("withdraw", Status.WITHDRAWN), ("exclude", Status.EXCLUDED)],
)
def test_staff_suspend_withdraw_or_exclude_an_approved_registration(
    client, sam, approved, key, status
):
    client.force_login(sam)

    client.post(decision_url(approved, key), {"reason": "Klachten van klanten"})

    approved.refresh_from_db()
    assert approved.status == status
    assert approved.reason == "Klachten van klanten"


def test_staff_lift_a_suspension_without_a_reason(client, sam, approved):
    registration_suspend(registration=approved, user=sam, reason="Onderzoek loopt")
    client.force_login(sam)

    client.post(decision_url(approved, "lift_suspension"), {"reason": ""})

    approved.refresh_from_db()
    assert approved.status == Status.APPROVED
    assert approved.is_in_force()


def test_the_renewal_asks_for_the_date_of_the_follow_up_audit(client, sam, provider):
    starter = registration_approve(
        registration=RegistrationFactory(service_provider=provider, is_starter=True), user=sam
    )
    client.force_login(sam)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    refused = client.post(decision_url(starter, "renew"), {"follow_up_audit_date": tomorrow})
    assert "niet in de toekomst" in page_text(refused)
    client.post(decision_url(starter, "renew"), {"follow_up_audit_date": "15/01/2021"})
    starter.refresh_from_db()
    assert starter.renewed_at is None

    client.post(
        decision_url(starter, "renew"), {"follow_up_audit_date": timezone.localdate().isoformat()}
    )

    starter.refresh_from_db()
    assert starter.renewed_at == timezone.localdate()
    assert starter.valid_until == validity_end(starter.valid_from, 5)


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_decision_the_status_does_not_allow_is_an_error_message_not_a_crash(
    client, sam, request_, method
):
    client.force_login(sam)

    response = getattr(client, method)(
        decision_url(request_, "suspend"), {"reason": "x"}, follow=True
    )

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == change_url(request_)
    assert "kan niet bij een registratie met status" in page_text(response)
    request_.refresh_from_db()
    assert request_.status == Status.REQUESTED


def test_a_decision_taken_meanwhile_by_someone_else_is_reported(client, sam, request_):
    client.force_login(sam)
    page = client.get(decision_url(request_, "approve"))
    assert page.status_code == 200
    Registration.objects.filter(pk=request_.pk).update(status=Status.REFUSED)

    response = client.post(decision_url(request_, "approve"), follow=True)

    assert "kan niet bij een registratie met status" in page_text(response)
    request_.refresh_from_db()
    assert request_.status == Status.REFUSED
    assert request_.number == ""


def test_an_unknown_registration_redirects_to_the_admin_with_a_message(client, sam):
    client.force_login(sam)

    response = client.get(
        reverse("admin:registrations_registration_approve", args=[999999]), follow=True
    )

    assert response.status_code == 200
    assert "999999" in page_text(response)


def test_the_decision_form_is_protected_against_csrf(sam, request_):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(sam)

    response = csrf_client.post(decision_url(request_, "refuse"), {"reason": "x"})

    assert response.status_code == 403
    request_.refresh_from_db()
    assert request_.status == Status.REQUESTED


# --- Permissions ----------------------------------------------------------------------


def test_staff_who_may_only_view_see_no_buttons_and_get_403_on_a_decision(client, vera, request_):
    client.force_login(vera)

    change = client.get(change_url(request_))
    assert change.status_code == 200
    assert decision_url(request_, "approve") not in page_text(change)

    assert client.get(decision_url(request_, "approve")).status_code == 403
    assert client.post(decision_url(request_, "approve")).status_code == 403
    request_.refresh_from_db()
    assert request_.status == Status.REQUESTED


def test_staff_without_permission_on_registrations_get_403(client, walter, request_):
    client.force_login(walter)

    assert client.get(QUEUE).status_code == 403
    assert client.get(change_url(request_)).status_code == 403
    assert client.post(decision_url(request_, "refuse"), {"reason": "x"}).status_code == 403
    assert (
        client.get(
            reverse("admin:registrations_registration_audit_report", args=[request_.pk])
        ).status_code
        == 403
    )


def test_staff_with_the_change_permission_may_decide(client, walter, request_):
    walter.user_permissions.add(Permission.objects.get(codename="change_registration"))
    client.force_login(walter)

    client.post(decision_url(request_, "approve"))

    request_.refresh_from_db()
    assert request_.status == Status.APPROVED


def test_a_provider_user_is_sent_to_the_admin_login(client, request_):
    alice = UserFactory(username="alice")
    client.force_login(alice)

    response = client.post(decision_url(request_, "approve"))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
    request_.refresh_from_db()
    assert request_.status == Status.REQUESTED


def test_the_registration_cannot_be_added_or_deleted_in_the_admin(client, sam, request_):
    client.force_login(sam)

    assert client.get(reverse("admin:registrations_registration_add")).status_code == 403
    delete = reverse("admin:registrations_registration_delete", args=[request_.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Registration.objects.filter(pk=request_.pk).exists()


# --- The audit report ------------------------------------------------------------------


def test_staff_download_the_audit_report_as_an_attachment(client, vera, request_):
    client.force_login(vera)

    response = client.get(
        reverse("admin:registrations_registration_audit_report", args=[request_.pk])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="auditrapport.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == pdf_bytes()


def test_the_audit_report_file_lives_under_media_root_without_a_url(request_, media_root):
    assert (media_root / request_.audit_report.name).exists()
    assert not request_.audit_report.name.endswith("auditrapport.pdf")
    with pytest.raises(NotImplementedError):
        _ = request_.audit_report.url


def test_a_missing_audit_report_file_is_a_404(client, sam, request_, media_root):
    (media_root / request_.audit_report.name).unlink()
    client.force_login(sam)

    response = client.get(
        reverse("admin:registrations_registration_audit_report", args=[request_.pk])
    )

    assert response.status_code == 404
