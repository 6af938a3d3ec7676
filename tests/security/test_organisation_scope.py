"""Issue 13, "the organisation scope": the services themselves refuse to write for an
organisation the acting user does not act for (portal.scope), whoever calls them.

Alice holds Acme's provider right and Sanne Acme's SME right; Charlie holds both rights,
for Charlie & Co. Charlie must never change Acme's things, and a right in one profile is
not the other: Sanne cannot act as Acme's provider, nor Alice as Acme's SME. Each
service is tried by the wrong people (refused, nothing changes in the database) and by
the right one (it goes through); then the portal's own doors are tried with another
organisation's object ids (404, nothing changes).
"""

import datetime
import logging

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.transitions import TransitionError
from establishments.models import Establishment
from establishments.services import (
    establishment_create,
    establishment_deactivate,
    establishment_reactivate,
    establishment_update,
)
from organisations.services import organisation_update
from portal.models import Membership
from portal.roles import REVIEWER
from portal.scope import acts_for, require_acts_for
from projects.models import Project, ProjectEvent, ProjectNumberCounter
from projects.services import project_confirm, project_refuse, project_stop, project_submit
from providers.models import BankAccountChange, ServiceProvider, Vakgebied
from providers.services import bank_account_change_request, service_provider_save
from registrations.models import Registration, RegistrationEvent
from registrations.services import registration_cancel, registration_request
from tests.factories import (
    EstablishmentFactory,
    MembershipFactory,
    ProjectFactory,
    RegistrationFactory,
    ServiceProviderFactory,
    UserFactory,
    pdf_bytes,
)
from tests.projects.domain_support import application, registered_provider
from tests.providers.conftest import step1_data, step2_data

pytestmark = pytest.mark.django_db

SME = Membership.Profile.SME
PROVIDER = Membership.Profile.PROVIDER
OTHER_IBAN = "BE48001123456727"
GENT = {"postcode": "9000", "municipality": "Gent", "street": "Veldstraat", "house_number": "1"}


@pytest.fixture
def sanne(acme):
    """Acme's SME user: she files and stops Acme's own applications."""
    user = UserFactory(username="sanne", first_name="Sanne", last_name="Claes")
    MembershipFactory(user=user, organisation=acme, profile=SME)
    return user


@pytest.fixture
def charlie(charlies_organisation):
    """Both rights, for Charlie & Co only."""
    user = UserFactory(username="charlie", first_name="Charlie", last_name="Anders")
    MembershipFactory(user=user, organisation=charlies_organisation, profile=PROVIDER)
    MembershipFactory(user=user, organisation=charlies_organisation, profile=SME)
    return user


# Who may not act as Acme's provider, and who may not act as Acme's SME.
NOT_ACMES_PROVIDER = ["charlie", "sanne"]
NOT_ACMES_SME = ["charlie", "alice"]


@pytest.fixture
def acme_provider(acme):
    provider = ServiceProviderFactory(
        organisation=acme,
        type=ServiceProvider.Type.REGISTERED_OFFICE,
        name="Acme Opleidingen",
        iban="BE71096123456769",
        bic="GKCCBEBB",
    )
    provider.vakgebieden.set(Vakgebied.objects.filter(name="ICT"))
    return provider


@pytest.fixture
def establishment(acme):
    return EstablishmentFactory(organisation=acme, phone="")


def row(instance):
    """The row as the database holds it, to compare before and after."""
    return type(instance).objects.filter(pk=instance.pk).values().get()


def history_count(instance):
    return instance.history.count()


# --- The rule itself ---------------------------------------------------------------------


def test_a_user_acts_for_the_organisation_of_their_right_in_that_profile_only(
    alice, sanne, acme, charlies_organisation
):
    assert acts_for(alice, acme, PROVIDER)
    assert acts_for(alice, acme.pk, PROVIDER)
    assert not acts_for(alice, acme, SME)
    assert acts_for(sanne, acme, SME)
    assert not acts_for(sanne, acme, PROVIDER)
    assert not acts_for(alice, charlies_organisation, PROVIDER)


def test_an_inactive_or_anonymous_user_or_no_user_acts_for_nobody(alice, acme):
    from django.contrib.auth.models import AnonymousUser

    alice.is_active = False
    alice.save(update_fields=["is_active"])

    assert not acts_for(alice, acme, PROVIDER)
    assert not acts_for(AnonymousUser(), acme, PROVIDER)
    assert not acts_for(None, acme, PROVIDER)
    assert not acts_for(alice, None, PROVIDER)


def test_staff_and_superusers_act_for_no_organisation(superuser, mallory, acme):
    assert not acts_for(superuser, acme, PROVIDER)
    assert not acts_for(mallory, acme, PROVIDER)


def test_a_refusal_is_logged_with_primary_keys_and_no_personal_data(charlie, acme, caplog):
    with (
        caplog.at_level(logging.WARNING, logger="portal.scope"),
        pytest.raises(PermissionDenied) as refused,
    ):
        require_acts_for(charlie, acme, PROVIDER)

    assert refused.value.args == ("U handelt niet voor deze onderneming.",)
    (record,) = caplog.records
    assert str(charlie.pk) in record.getMessage() and str(acme.pk) in record.getMessage()
    for personal in ("Charlie", "Anders", charlie.email, "Acme", acme.kbo_number):
        assert personal not in record.getMessage()


# --- Establishments ----------------------------------------------------------------------


@pytest.mark.parametrize("who", NOT_ACMES_PROVIDER)
def test_charlie_and_acmes_sme_user_cannot_add_an_establishment_to_acme(request, who, acme):
    before = Establishment.objects.filter(organisation=acme).count()

    with pytest.raises(PermissionDenied):
        establishment_create(organisation=acme, data=GENT, user=request.getfixturevalue(who))

    assert Establishment.objects.filter(organisation=acme).count() == before


def test_alice_adds_an_establishment_to_acme(alice, acme):
    establishment = establishment_create(organisation=acme, data=GENT, user=alice)
    assert establishment.organisation == acme


def test_no_user_adds_no_establishment(acme):
    with pytest.raises(PermissionDenied):
        establishment_create(organisation=acme, data=GENT, user=None)
    assert not Establishment.objects.filter(organisation=acme).exists()


@pytest.mark.parametrize("who", NOT_ACMES_PROVIDER)
def test_charlie_and_acmes_sme_user_cannot_change_acmes_establishment(request, who, establishment):
    before = row(establishment)

    with pytest.raises(PermissionDenied):
        establishment_update(
            establishment=establishment,
            data={"phone": "+3292345678"},
            expected_version=establishment.version,
            user=request.getfixturevalue(who),
        )

    assert row(establishment) == before
    assert history_count(establishment) == 1


def test_a_changed_organisation_on_the_instance_does_not_open_acmes_establishment(
    charlie, charlies_organisation, establishment
):
    """The service reads the establishment's organisation from the database, not from
    the object it is handed."""
    before = row(establishment)
    establishment.organisation = charlies_organisation

    with pytest.raises(PermissionDenied):
        establishment_update(
            establishment=establishment,
            data={"phone": "+3292345678"},
            expected_version=establishment.version,
            user=charlie,
        )

    assert row(establishment) == before


def test_alice_changes_acmes_establishment(alice, establishment):
    establishment_update(
        establishment=establishment,
        data={"phone": "+3292345678"},
        expected_version=establishment.version,
        user=alice,
    )
    establishment.refresh_from_db()
    assert establishment.phone == "+3292345678"


@pytest.mark.parametrize("who", NOT_ACMES_PROVIDER)
def test_charlie_and_acmes_sme_user_cannot_deactivate_or_reactivate_acmes_establishment(
    request, who, alice, establishment, acme
):
    user = request.getfixturevalue(who)
    inactive = EstablishmentFactory(organisation=acme)
    establishment_deactivate(establishment=inactive, user=alice)
    before = [row(establishment), row(inactive)]

    with pytest.raises(PermissionDenied):
        establishment_deactivate(establishment=establishment, user=user)
    with pytest.raises(PermissionDenied):
        establishment_reactivate(establishment=inactive, user=user)

    assert [row(establishment), row(inactive)] == before


def test_alice_deactivates_and_reactivates_acmes_establishment(alice, establishment):
    establishment_deactivate(establishment=establishment, user=alice)
    establishment.refresh_from_db()
    assert not establishment.is_active
    establishment_reactivate(establishment=establishment, user=alice)
    establishment.refresh_from_db()
    assert establishment.is_active


# --- "Mijn gegevens" and the bank account --------------------------------------------------


def save_acmes_provider(provider, user, organisation=None, **changes):
    return service_provider_save(
        service_provider=provider,
        organisation=organisation or provider.organisation,
        step1_data=step1_data(provider, **changes),
        step2_data=step2_data(),
        expected_version=provider.version,
        user=user,
    )


@pytest.mark.parametrize("who", NOT_ACMES_PROVIDER)
def test_charlie_and_acmes_sme_user_cannot_save_acmes_provider(request, who, acme_provider):
    before = row(acme_provider)
    records = history_count(acme_provider)

    with pytest.raises(PermissionDenied):
        save_acmes_provider(
            acme_provider, request.getfixturevalue(who), name="Overgenomen", iban=OTHER_IBAN
        )

    assert row(acme_provider) == before
    assert history_count(acme_provider) == records
    assert not BankAccountChange.objects.exists()


def test_charlie_cannot_save_acmes_provider_by_naming_his_own_organisation(
    charlie, charlies_organisation, acme_provider
):
    before = row(acme_provider)

    with pytest.raises(ServiceProvider.DoesNotExist):
        save_acmes_provider(
            acme_provider, charlie, organisation=charlies_organisation, name="Overgenomen"
        )

    assert row(acme_provider) == before


@pytest.mark.parametrize("who", NOT_ACMES_PROVIDER)
def test_charlie_and_acmes_sme_user_cannot_add_a_provider_to_acme(
    request, who, acme, acme_provider
):
    with pytest.raises(PermissionDenied):
        service_provider_save(
            organisation=acme,
            step1_data=step1_data(acme_provider, name="Trainer Charlie", iban=OTHER_IBAN),
            step2_data=step2_data(),
            user=request.getfixturevalue(who),
        )

    assert list(ServiceProvider.objects.filter(organisation=acme)) == [acme_provider]
    assert not BankAccountChange.objects.exists()


def test_alice_saves_acmes_provider(alice, acme_provider):
    save_acmes_provider(acme_provider, alice, name="Acme Academie")
    acme_provider.refresh_from_db()
    assert acme_provider.name == "Acme Academie"


@pytest.mark.parametrize("who", NOT_ACMES_PROVIDER)
def test_charlie_and_acmes_sme_user_cannot_ask_for_a_new_bank_account_for_acme(
    request, who, acme_provider, django_capture_on_commit_callbacks
):
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PermissionDenied):
        bank_account_change_request(
            service_provider=acme_provider,
            iban=OTHER_IBAN,
            bic="",
            requested_by=request.getfixturevalue(who),
        )

    assert not BankAccountChange.objects.exists()
    assert mail.outbox == []


def test_charlie_cannot_supersede_acmes_pending_bank_account_request(
    charlie, alice, acme_provider
):
    pending = bank_account_change_request(
        service_provider=acme_provider, iban=OTHER_IBAN, bic="", requested_by=alice
    )

    with pytest.raises(PermissionDenied):
        bank_account_change_request(
            service_provider=acme_provider, iban="BE35310123456737", bic="", requested_by=charlie
        )

    pending.refresh_from_db()
    assert pending.status == BankAccountChange.Status.PENDING
    assert BankAccountChange.objects.count() == 1


def test_alice_asks_for_a_new_bank_account_for_acme(alice, acme_provider):
    change = bank_account_change_request(
        service_provider=acme_provider, iban=OTHER_IBAN, bic="", requested_by=alice
    )
    assert change.status == BankAccountChange.Status.PENDING


# --- The organisation ----------------------------------------------------------------------


@pytest.mark.parametrize("who", [*NOT_ACMES_PROVIDER, "reviewer", "nobody"])
def test_only_acmes_provider_users_and_staff_with_the_right_change_acme(
    request, who, acme, staff_with_roles
):
    user = {
        "reviewer": lambda: staff_with_roles(REVIEWER),
        "nobody": lambda: None,
    }.get(who, lambda: request.getfixturevalue(who))()
    before = row(acme)

    with pytest.raises(PermissionDenied):
        organisation_update(organisation=acme, data={"street": "Overgenomen"}, user=user)

    assert row(acme) == before
    assert acme.history.count() == 1


@pytest.mark.parametrize("who", ["alice", "superuser"])
def test_alice_and_the_superuser_change_acme(request, who, acme):
    organisation_update(
        organisation=acme, data={"street": "Veldstraat"}, user=request.getfixturevalue(who)
    )
    acme.refresh_from_db()
    assert acme.street == "Veldstraat"


def test_the_object_permission_of_an_organisation_is_the_provider_right(
    alice, sanne, acme, charlies_organisation
):
    assert alice.has_perm("organisations.change_organisation", acme)
    assert not alice.has_perm("organisations.change_organisation", charlies_organisation)
    assert not alice.has_perm("organisations.change_organisation")
    assert not alice.has_perm("organisations.view_organisation", acme)
    assert not sanne.has_perm("organisations.change_organisation", acme)


# --- Registrations -------------------------------------------------------------------------


def request_for(provider, user):
    return registration_request(
        service_provider=provider,
        service_type="A",
        audit_body="Auditbureau Kwaliteit Vlaanderen",
        audit_date=timezone.localdate() - datetime.timedelta(days=30),
        audit_report=SimpleUploadedFile("rapport.pdf", pdf_bytes(), "application/pdf"),
        is_starter=False,
        declaration_accepted=True,
        user=user,
    )


def files_under(root):
    return [path for path in root.rglob("*") if path.is_file()]


@pytest.mark.parametrize("who", NOT_ACMES_PROVIDER)
def test_charlie_and_acmes_sme_user_cannot_file_a_registration_request_for_acme(
    request, who, acme_provider, media_root
):
    with pytest.raises(TransitionError) as refused:
        request_for(acme_provider, request.getfixturevalue(who))

    assert refused.value.code == "organisation_scope"
    assert not Registration.objects.exists()
    assert files_under(media_root) == []


def test_alice_files_a_registration_request_for_acme(alice, acme_provider):
    registration = request_for(acme_provider, alice)
    assert registration.status == Registration.Status.REQUESTED


@pytest.mark.parametrize("who", NOT_ACMES_PROVIDER)
def test_charlie_and_acmes_sme_user_cannot_withdraw_acmes_request(request, who, acme_provider):
    registration = RegistrationFactory(service_provider=acme_provider)

    with pytest.raises(TransitionError) as refused:
        registration_cancel(registration=registration, user=request.getfixturevalue(who))

    assert refused.value.code == "organisation_scope"
    registration.refresh_from_db()
    assert registration.status == Registration.Status.REQUESTED
    assert not RegistrationEvent.objects.exists()


def test_alice_withdraws_acmes_request(alice, acme_provider):
    registration = RegistrationFactory(service_provider=acme_provider)
    registration_cancel(registration=registration, user=alice)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED


# --- Dossiers: the provider's steps ----------------------------------------------------------


@pytest.fixture
def dossier(acme_provider):
    """An application naming Acme's provider, filed by another enterprise."""
    return ProjectFactory(service_provider=acme_provider)


PROVIDER_DECISIONS = {
    "confirm": lambda project, user: project_confirm(project=project, user=user),
    "refuse": lambda project, user: project_refuse(
        project=project, user=user, reason="wrong_provider"
    ),
}


@pytest.mark.parametrize("decision", list(PROVIDER_DECISIONS))
@pytest.mark.parametrize("who", NOT_ACMES_PROVIDER)
def test_charlie_and_acmes_sme_user_cannot_decide_on_an_application_to_acme(
    request, who, decision, dossier
):
    before = row(dossier)

    with pytest.raises(TransitionError) as refused:
        PROVIDER_DECISIONS[decision](dossier, request.getfixturevalue(who))

    assert refused.value.code == "organisation_scope"
    assert row(dossier) == before
    assert not ProjectEvent.objects.exists()


@pytest.mark.parametrize(
    ("decision", "status"),
    [("confirm", Project.Status.CONFIRMED), ("refuse", Project.Status.REFUSED)],
)
def test_alice_decides_on_an_application_to_acme(alice, decision, status, dossier):
    PROVIDER_DECISIONS[decision](dossier, alice)
    dossier.refresh_from_db()
    assert dossier.status == status


def test_the_client_cannot_confirm_its_own_application(dossier):
    client_user = MembershipFactory(organisation=dossier.client, profile=SME).user
    with pytest.raises(TransitionError):
        project_confirm(project=dossier, user=client_user)
    dossier.refresh_from_db()
    assert dossier.status == Project.Status.SUBMITTED


# --- Dossiers: the SME's steps ---------------------------------------------------------------


@pytest.fixture
def other_provider(db):
    """A registered provider of another organisation, for Acme to buy from."""
    return registered_provider(name="Vormingscentrum Schelde")


@pytest.mark.parametrize("who", NOT_ACMES_SME)
def test_charlie_and_acmes_provider_user_cannot_file_an_application_for_acme(
    request, who, acme, other_provider
):
    with pytest.raises(TransitionError) as refused:
        project_submit(
            **application(client=acme, provider=other_provider, user=request.getfixturevalue(who))
        )

    assert refused.value.code == "organisation_scope"
    assert not Project.objects.exists()
    assert not ProjectEvent.objects.exists()
    assert not ProjectNumberCounter.objects.filter(last_number__gt=0).exists()


def test_sanne_files_an_application_for_acme(sanne, acme, other_provider):
    project = project_submit(**application(client=acme, provider=other_provider, user=sanne))
    assert (project.client, project.status) == (acme, Project.Status.SUBMITTED)


@pytest.fixture
def acmes_dossier(acme, other_provider):
    """An application Acme filed as the client."""
    return ProjectFactory(client=acme, service_provider=other_provider, confirmed=True)


@pytest.mark.parametrize("who", NOT_ACMES_SME)
def test_charlie_and_acmes_provider_user_cannot_stop_acmes_dossier(request, who, acmes_dossier):
    before = row(acmes_dossier)

    with pytest.raises(TransitionError) as refused:
        project_stop(project=acmes_dossier, user=request.getfixturevalue(who), reason="Weg")

    assert refused.value.code == "organisation_scope"
    assert row(acmes_dossier) == before
    assert not ProjectEvent.objects.exists()


def test_the_provider_of_the_dossier_cannot_stop_it_as_the_client(acmes_dossier):
    provider_user = MembershipFactory(organisation=acmes_dossier.provider_organisation).user
    with pytest.raises(TransitionError) as refused:
        project_stop(project=acmes_dossier, user=provider_user, reason="Weg")
    assert refused.value.code == "organisation_scope"


def test_sanne_stops_acmes_dossier(sanne, acmes_dossier):
    project_stop(project=acmes_dossier, user=sanne, reason="Opleiding gaat niet door")
    acmes_dossier.refresh_from_db()
    assert acmes_dossier.status == Project.Status.STOPPED


# --- The portal's doors with another organisation's ids ------------------------------------


@pytest.fixture
def charlies_things(charlies_organisation):
    provider = ServiceProviderFactory(organisation=charlies_organisation)
    inactive = EstablishmentFactory(organisation=charlies_organisation, is_active=False)
    return {
        "provider": provider,
        "establishment": EstablishmentFactory(organisation=charlies_organisation),
        "inactive": inactive,
        "registration": RegistrationFactory(service_provider=provider),
        "dossier": ProjectFactory(service_provider=provider),
        "client_dossier": ProjectFactory(client=charlies_organisation, confirmed=True),
    }


def snapshot(things):
    """Charlie's rows, and how many rows every table a door writes to holds."""
    return {
        **{name: row(thing) for name, thing in things.items()},
        "counts": [
            model.objects.count()
            for model in (Establishment, Registration, RegistrationEvent, ProjectEvent)
        ],
    }


PROVIDER_POSTS = [
    ("establishments:update", "establishment", {**GENT, "name": "Van Alice", "version": 1}),
    ("establishments:deactivate", "establishment", {}),
    ("establishments:reactivate", "inactive", {}),
    ("registrations:cancel", "registration", {"reason": "Van Alice"}),
    ("registrations:create", "provider", {"service_type": "A"}),
    ("projects:confirm", "dossier", {"remark": "Van Alice"}),
    ("projects:refuse", "dossier", {"reason": "wrong_provider", "remark": "Van Alice"}),
    ("providers:company-step-1", "provider", {"name": "Van Alice"}),
    ("providers:company-step-2", "provider", {"description": "Van Alice"}),
]


@pytest.mark.parametrize(("url_name", "thing", "data"), PROVIDER_POSTS)
def test_alice_posting_to_charlies_object_gets_not_found_and_changes_nothing(
    client, alice, charlies_things, url_name, thing, data
):
    client.force_login(alice)
    before = snapshot(charlies_things)
    pk_name = "provider_pk" if url_name == "registrations:create" else "pk"

    response = client.post(reverse(url_name, kwargs={pk_name: charlies_things[thing].pk}), data)

    assert response.status_code == 404
    assert snapshot(charlies_things) == before


def test_sanne_posting_a_stop_of_charlies_dossier_gets_not_found_and_changes_nothing(
    client, sanne, charlies_things
):
    client.force_login(sanne)
    before = snapshot(charlies_things)

    response = client.post(
        reverse("sme-projects:stop", kwargs={"pk": charlies_things["client_dossier"].pk}),
        {"reason": "Van Sanne"},
    )

    assert response.status_code == 404
    assert snapshot(charlies_things) == before


def test_the_organisation_never_comes_from_the_form(client, alice, acme, charlies_organisation):
    """A forged `organisation` field on "add an establishment" is ignored: the
    establishment goes to Alice's active organisation."""
    client.force_login(alice)

    response = client.post(
        reverse("establishments:create"), {**GENT, "organisation": charlies_organisation.pk}
    )

    assert response.status_code == 302
    assert not Establishment.objects.filter(organisation=charlies_organisation).exists()
    assert Establishment.objects.filter(organisation=acme, postcode="9000").exists()
