"""Every control holds in the service, whichever door of the admin is tried.

The controls: the four-eyes rule on bank accounts, the state machines (a status
changes only through a declared transition, taken by someone with the role for it),
and the organisation scope (nothing moves to another organisation). The doors: the
change form, the history's revert (test_history_revert), bulk actions, the delete
page, and a direct POST to a decision page without the right.
"""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from core.transitions import TransitionError
from establishments.models import Establishment
from organisations.models import Organisation
from portal.models import Membership
from portal.roles import AUDITOR, PROCESSOR, RATES_MANAGER, REVIEWER, VERIFIER
from projects.models import Project, SubsidyRate
from projects.services import project_grant, project_stop
from providers.models import BankAccountChange, ServiceProvider
from providers.services import (
    bank_account_change_reject,
    bank_account_change_request,
    bank_account_change_verify,
)
from registrations.models import Registration
from registrations.services import registration_approve
from tests.factories import (
    EstablishmentFactory,
    MembershipFactory,
    ProjectFactory,
    RegistrationFactory,
    ServiceProviderFactory,
)
from tests.security.conftest import form_data

pytestmark = pytest.mark.django_db

OLD_IBAN = "BE71096123456769"
NEW_IBAN = "BE48001123456727"


def admin_url(obj_or_model, view, *args):
    opts = obj_or_model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


@pytest.fixture
def provider(acme):
    return ServiceProviderFactory(organisation=acme, iban=OLD_IBAN, bic="GKCCBEBB")


@pytest.fixture
def change(provider, alice):
    return bank_account_change_request(
        service_provider=provider, iban=NEW_IBAN, bic="", requested_by=alice
    )


@pytest.fixture
def deposited_project():
    project = ProjectFactory(confirmed=True)
    Project.objects.filter(pk=project.pk).update(
        status=Project.Status.DEPOSITED, deposit_paid_on=timezone.localdate()
    )
    project.refresh_from_db()
    return project


# --- The four-eyes rule ---------------------------------------------------------------


def test_a_verifier_cannot_verify_a_change_they_asked_for_on_the_decision_page(
    client, staff_with_roles, provider
):
    verifier = staff_with_roles(VERIFIER)
    # A verifier who also works for Acme may ask for Acme's change, never decide on it.
    MembershipFactory(user=verifier, organisation=provider.organisation)
    own = bank_account_change_request(
        service_provider=provider, iban=NEW_IBAN, bic="", requested_by=verifier
    )
    client.force_login(verifier)

    page = client.get(admin_url(own, "change", own.pk))
    response = client.post(admin_url(own, "verify", own.pk), follow=True)

    assert page.context["object_actions"] == []
    assert "niet zelf goedkeuren" in response.content.decode()
    own.refresh_from_db()
    provider.refresh_from_db()
    assert own.status == BankAccountChange.Status.PENDING
    assert provider.iban == OLD_IBAN


def test_the_service_refuses_the_requesters_own_verification(staff_with_roles, provider):
    verifier = staff_with_roles(VERIFIER)
    # A verifier who also works for Acme may ask for Acme's change, never decide on it.
    MembershipFactory(user=verifier, organisation=provider.organisation)
    own = bank_account_change_request(
        service_provider=provider, iban=NEW_IBAN, bic="", requested_by=verifier
    )

    with pytest.raises(TransitionError) as error:
        bank_account_change_verify(change=own, decided_by=verifier)

    assert error.value.code == "bank_account_change_four_eyes"
    provider.refresh_from_db()
    assert provider.iban == OLD_IBAN


@pytest.mark.parametrize("who", ["superuser", "mallory"])
def test_the_active_account_cannot_be_changed_on_the_service_provider_page(
    client, request, who, superuser, provider
):
    client.force_login(superuser)
    data = form_data(client.get(admin_url(provider, "change", provider.pk)))
    data.update({"iban": NEW_IBAN, "bic": "GEBABEBB", "name": "Overgenomen"})
    client.force_login(request.getfixturevalue(who))

    response = client.post(admin_url(provider, "change", provider.pk), data)

    assert response.status_code == 403
    provider.refresh_from_db()
    assert (provider.iban, provider.name) == (OLD_IBAN, provider.name)
    assert provider.name != "Overgenomen"


def test_a_bank_account_change_cannot_be_edited_added_or_deleted(client, superuser, change):
    client.force_login(superuser)

    edit = client.post(admin_url(change, "change", change.pk), {"new_iban": OLD_IBAN})
    add = client.post(
        admin_url(change, "add"),
        {"service_provider": change.service_provider_id, "new_iban": OLD_IBAN},
    )
    delete = client.post(admin_url(change, "delete", change.pk), {"post": "yes"})

    assert (edit.status_code, add.status_code, delete.status_code) == (403, 403, 403)
    change.refresh_from_db()
    assert (change.new_iban, change.status) == (NEW_IBAN, BankAccountChange.Status.PENDING)


# --- The right to decide: the role, in the admin and in the service ---------------------


@pytest.mark.parametrize("role", [REVIEWER, PROCESSOR, RATES_MANAGER, AUDITOR])
def test_staff_without_the_verifier_role_cannot_verify(client, staff_with_roles, role, change):
    staff = staff_with_roles(role)
    client.force_login(staff)

    assert client.post(admin_url(change, "verify", change.pk)).status_code == 403
    assert client.post(admin_url(change, "reject", change.pk), {"reason": "x"}).status_code == 403
    with pytest.raises(TransitionError):
        bank_account_change_verify(change=change, decided_by=staff)
    with pytest.raises(TransitionError):
        bank_account_change_reject(change=change, decided_by=staff, reason="Geen bewijs")
    change.refresh_from_db()
    assert change.status == BankAccountChange.Status.PENDING


@pytest.mark.parametrize("role", [PROCESSOR, VERIFIER, RATES_MANAGER, AUDITOR])
def test_staff_without_the_reviewer_role_cannot_decide_a_registration(
    client, staff_with_roles, role, provider
):
    registration = RegistrationFactory(service_provider=provider)
    staff = staff_with_roles(role)
    client.force_login(staff)

    assert client.post(admin_url(registration, "approve", registration.pk)).status_code == 403
    assert (
        client.post(admin_url(registration, "refuse", registration.pk), {"reason": "x"})
    ).status_code == 403
    with pytest.raises(TransitionError) as error:
        registration_approve(registration=registration, user=staff)
    assert error.value.code == "registration_reviewer"
    registration.refresh_from_db()
    assert registration.status == Registration.Status.REQUESTED


@pytest.mark.parametrize("role", [REVIEWER, VERIFIER, RATES_MANAGER, AUDITOR])
def test_staff_without_the_processor_role_cannot_take_a_dossier_step(
    client, staff_with_roles, role, deposited_project
):
    staff = staff_with_roles(role)
    client.force_login(staff)

    assert client.post(
        admin_url(deposited_project, "grant", deposited_project.pk)
    ).status_code == (403)
    assert (
        client.post(admin_url(deposited_project, "stop", deposited_project.pk), {"reason": "x"})
    ).status_code == 403
    with pytest.raises(TransitionError):
        project_grant(project=deposited_project, user=staff)
    with pytest.raises(TransitionError):
        project_stop(project=deposited_project, user=staff, reason="Fraude", by_agency=True)
    deposited_project.refresh_from_db()
    assert deposited_project.status == Project.Status.DEPOSITED


def test_the_agencys_steps_are_refused_to_a_provider_user_in_the_service(
    alice, provider, deposited_project
):
    registration = RegistrationFactory(service_provider=provider)

    with pytest.raises(TransitionError):
        registration_approve(registration=registration, user=alice)
    with pytest.raises(TransitionError):
        project_grant(project=deposited_project, user=alice)
    with pytest.raises(TransitionError):
        project_stop(project=deposited_project, user=alice, reason="Zelf", by_agency=True)


def test_each_role_takes_its_own_steps(staff_with_roles, provider, alice, deposited_project):
    registration = RegistrationFactory(service_provider=provider)
    change = bank_account_change_request(
        service_provider=provider, iban=NEW_IBAN, bic="", requested_by=alice
    )

    registration_approve(registration=registration, user=staff_with_roles(REVIEWER))
    project_grant(project=deposited_project, user=staff_with_roles(PROCESSOR))
    bank_account_change_verify(change=change, decided_by=staff_with_roles(VERIFIER))

    assert registration.status == Registration.Status.APPROVED
    assert deposited_project.status == Project.Status.GRANTED
    assert change.status == BankAccountChange.Status.VERIFIED


def test_a_deactivated_staff_member_takes_no_step(staff_with_roles, provider):
    reviewer = staff_with_roles(REVIEWER, is_active=False)
    registration = RegistrationFactory(service_provider=provider)

    with pytest.raises(TransitionError):
        registration_approve(registration=registration, user=reviewer)


def test_the_processor_cannot_change_the_rates_they_apply(client, staff_with_roles):
    rate = SubsidyRate.objects.first()
    data = {
        "company_size": rate.company_size,
        "higher_rate": "on" if rate.higher_rate else "",
        "percentage": "100",
        "valid_from": rate.valid_from.isoformat(),
        "valid_until": "",
    }
    client.force_login(staff_with_roles(PROCESSOR))

    response = client.post(admin_url(rate, "change", rate.pk), data)

    assert response.status_code == 403
    rate.refresh_from_db()
    assert rate.percentage != 100


def test_the_rates_manager_records_a_new_period(client, staff_with_roles):
    latest = SubsidyRate.objects.order_by("-valid_from").first()
    start = max(latest.valid_from, timezone.localdate()) + datetime.timedelta(days=400)
    client.force_login(staff_with_roles(RATES_MANAGER))

    response = client.post(
        admin_url(SubsidyRate, "add"),
        {
            "company_size": "small",
            "higher_rate": "",
            "percentage": "25",
            "valid_from": start.isoformat(),
            "valid_until": "",
        },
    )

    # The open period of today overlaps: the model refuses, whoever asks.
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert client.post(admin_url(latest, "delete", latest.pk), {"post": "yes"}).status_code == 403


# --- The state machines ---------------------------------------------------------------


def test_a_registration_status_cannot_be_set_in_the_admin(client, superuser, provider):
    registration = RegistrationFactory(service_provider=provider)
    client.force_login(superuser)

    response = client.post(
        admin_url(registration, "change", registration.pk),
        {"status": "approved", "number": "DV.A999999"},
    )

    assert response.status_code == 403
    registration.refresh_from_db()
    assert (registration.status, registration.number) == (Registration.Status.REQUESTED, "")


def test_a_dossier_status_cannot_be_set_in_the_admin(client, superuser, deposited_project):
    client.force_login(superuser)

    response = client.post(
        admin_url(deposited_project, "change", deposited_project.pk), {"status": "paid"}
    )

    assert response.status_code == 403
    deposited_project.refresh_from_db()
    assert deposited_project.status == Project.Status.DEPOSITED


def test_a_direct_post_of_a_step_the_status_does_not_allow_changes_nothing(
    client, staff_with_roles, provider
):
    registration = RegistrationFactory(service_provider=provider, approved=True)
    client.force_login(staff_with_roles(REVIEWER))

    response = client.post(admin_url(registration, "approve", registration.pk), follow=True)

    assert response.redirect_chain[-1][0] == admin_url(registration, "change", registration.pk)
    assert "kan niet bij een registratie met status" in response.content.decode()
    before = registration.number
    registration.refresh_from_db()
    assert (registration.status, registration.number) == (Registration.Status.APPROVED, before)


# --- Bulk actions and deletion --------------------------------------------------------


def _one_of(model, provider, alice):
    return {
        Organisation: lambda: provider.organisation,
        ServiceProvider: lambda: provider,
        Establishment: lambda: EstablishmentFactory(organisation=provider.organisation),
        Membership: lambda: alice.memberships.get(),
        Registration: lambda: RegistrationFactory(service_provider=provider),
        Project: lambda: ProjectFactory(service_provider=provider),
        BankAccountChange: lambda: bank_account_change_request(
            service_provider=provider, iban=NEW_IBAN, bic="", requested_by=alice
        ),
    }[model]()


SERVICE_MODELS = [
    Organisation,
    ServiceProvider,
    Establishment,
    Membership,
    Registration,
    Project,
    BankAccountChange,
]


@pytest.mark.parametrize("model", SERVICE_MODELS, ids=lambda model: model.__name__)
def test_no_one_deletes_rows_that_change_only_through_services(
    client, superuser, provider, alice, model
):
    obj = _one_of(model, provider, alice)
    client.force_login(superuser)

    bulk = client.post(
        admin_url(model, "changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [obj.pk], "post": "yes"},
    )
    delete = client.post(admin_url(model, "delete", obj.pk), {"post": "yes"})

    assert bulk.status_code in (200, 302)
    assert delete.status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("model", SERVICE_MODELS, ids=lambda model: model.__name__)
def test_the_changelists_offer_no_bulk_action(client, superuser, provider, alice, model):
    _one_of(model, provider, alice)
    client.force_login(superuser)

    response = client.get(admin_url(model, "changelist"))

    assert response.status_code == 200
    assert response.context["action_form"] is None


# --- The organisation scope -----------------------------------------------------------


@pytest.mark.parametrize("who", ["superuser", "mallory"])
def test_staff_cannot_move_a_service_provider_to_another_organisation(
    client, request, who, superuser, provider, charlies_organisation
):
    client.force_login(superuser)
    data = form_data(client.get(admin_url(provider, "change", provider.pk)))
    data["organisation"] = str(charlies_organisation.pk)
    client.force_login(request.getfixturevalue(who))

    response = client.post(admin_url(provider, "change", provider.pk), data)

    assert response.status_code == 403
    provider.refresh_from_db()
    assert provider.organisation == provider.organisation.__class__.objects.get(name="Acme")


@pytest.mark.parametrize("who", ["superuser", "mallory"])
def test_staff_cannot_move_an_establishment_to_another_organisation(
    client, request, who, superuser, acme, charlies_organisation
):
    establishment = EstablishmentFactory(organisation=acme)
    client.force_login(superuser)
    data = form_data(client.get(admin_url(establishment, "change", establishment.pk)))
    data["organisation"] = str(charlies_organisation.pk)
    client.force_login(request.getfixturevalue(who))

    response = client.post(admin_url(establishment, "change", establishment.pk), data)

    assert response.status_code == 403
    establishment.refresh_from_db()
    assert establishment.organisation == acme


def test_staff_cannot_add_a_service_provider_or_establishment_to_an_organisation(
    client, superuser, acme
):
    client.force_login(superuser)

    assert client.get(admin_url(ServiceProvider, "add")).status_code == 403
    assert client.get(admin_url(Establishment, "add")).status_code == 403
    assert client.get(admin_url(Membership, "add")).status_code == 403


def test_the_kbo_number_of_an_organisation_cannot_be_changed_in_the_admin(
    client, superuser, acme, alice
):
    """Rights from ACM name the KBO number: another number would hand Acme's data to
    whoever holds rights for that number."""
    kbo_number = acme.kbo_number
    client.force_login(superuser)
    url = admin_url(acme, "change", acme.pk)
    data = form_data(client.get(url))
    data.update({"kbo_number": "0417497106", "name": "Acme NV"})

    response = client.post(url, data)

    assert response.status_code == 302
    acme.refresh_from_db()
    assert (acme.kbo_number, acme.name) == (kbo_number, "Acme NV")


def test_an_organisation_changed_in_the_admin_goes_through_the_service(client, superuser, acme):
    client.force_login(superuser)
    url = admin_url(acme, "change", acme.pk)
    data = form_data(client.get(url))
    data.update({"postcode": "3000", "municipality": "Leuven", "street": "Naamsestraat"})

    response = client.post(url, data)

    assert response.status_code == 302
    office = Establishment.objects.get(organisation=acme, is_registered_office=True)
    assert (office.postcode, office.street) == ("3000", "Naamsestraat")
    assert acme.history.latest("history_date").history_user == superuser


def test_an_organisation_is_refused_in_the_admin_when_the_service_refuses(client, superuser, acme):
    client.force_login(superuser)
    url = admin_url(acme, "change", acme.pk)
    data = form_data(client.get(url))
    data.update({"postcode": "3000", "municipality": "Gent"})

    response = client.post(url, data)

    assert response.status_code == 200
    acme.refresh_from_db()
    assert acme.postcode == "9000"


def test_the_view_only_pages_of_provider_data_carry_no_form(client, staff_with_roles, provider):
    client.force_login(staff_with_roles(REVIEWER))
    establishment = EstablishmentFactory(organisation=provider.organisation)

    for url in [
        admin_url(provider, "change", provider.pk),
        admin_url(establishment, "change", establishment.pk),
        admin_url(provider.organisation, "change", provider.organisation.pk),
    ]:
        response = client.get(url)
        assert response.status_code == 200
        assert not response.context["adminform"].form.fields
        assert 'name="_save"' not in response.content.decode()


def test_a_membership_cannot_be_added_for_another_users_organisation(
    client, superuser, alice, charlies_organisation
):
    client.force_login(superuser)
    other = MembershipFactory(organisation=charlies_organisation)

    response = client.post(
        admin_url(Membership, "change", other.pk),
        {"user": alice.pk, "organisation": charlies_organisation.pk, "profile": "provider"},
    )

    assert response.status_code == 403
    other.refresh_from_db()
    assert other.user != alice
