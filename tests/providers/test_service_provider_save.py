import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from establishments.models import Establishment
from organisations.services import organisation_get_or_create
from providers import services
from providers.models import BankAccountChange, ServiceProvider
from providers.services import ConflictError, service_provider_save
from tests.factories import MembershipFactory, OrganisationFactory
from tests.providers.conftest import (
    OTHER_IBAN,
    VALID_IBAN,
    colleague,
    step1_data,
    step2_data,
)


def save(provider, user, version=None, step1=None, step2=None):
    return service_provider_save(
        service_provider=provider,
        organisation=provider.organisation,
        step1_data=step1 or step1_data(provider),
        step2_data=step2 or step2_data(),
        expected_version=provider.version if version is None else version,
        user=user,
    )


def test_it_saves_both_steps_and_bumps_the_version(provider, alice):
    saved = save(
        provider,
        alice,
        step1=step1_data(provider, name="Acme Academie", phone="+3225531700"),
        step2=step2_data(("HRM", "Talen"), "Nieuwe voorstelling."),
    )

    provider.refresh_from_db()
    assert provider.name == "Acme Academie"
    assert provider.phone == "+3225531700"
    assert sorted(provider.vakgebieden.values_list("name", flat=True)) == ["HRM", "Talen"]
    assert provider.description == "Nieuwe voorstelling."
    assert provider.version == saved.version == 2


def test_a_stale_save_gets_a_conflict_with_what_the_other_person_changed(provider, alice):
    bob = colleague(provider.organisation, first_name="Bob", last_name="Janssens")
    loaded_version = provider.version
    save(provider, bob, step1=step1_data(provider, phone="+3225531700"))

    with pytest.raises(ConflictError) as conflict:
        save(provider, alice, version=loaded_version, step1=step1_data(provider, name="Alice's"))

    error = conflict.value
    assert error.current.version == loaded_version + 1
    assert [(c.label, c.new) for c in error.changes] == [("Telefoonnummer", "02 553 17 00")]
    assert error.changed_by == ["Bob Janssens"]
    provider.refresh_from_db()
    assert provider.name == "Acme Opleidingen"
    assert provider.phone == "+3225531700"


def test_after_a_conflict_a_save_with_the_current_version_goes_through(provider, alice):
    save(provider, alice, step1=step1_data(provider, phone="+3225531700"))
    with pytest.raises(ConflictError) as conflict:
        save(provider, alice, version=1, step1=step1_data(provider, name="Nieuw"))

    save(
        provider,
        alice,
        version=conflict.value.current.version,
        step1=step1_data(provider, name="Nieuw"),
    )

    provider.refresh_from_db()
    assert provider.name == "Nieuw"


def test_a_conflict_changes_nothing_not_even_the_vakgebieden(provider, alice):
    save(provider, alice)
    with pytest.raises(ConflictError):
        save(provider, alice, version=1, step2=step2_data(("Energie",)))
    assert list(provider.vakgebieden.values_list("name", flat=True)) == ["ICT"]


def test_a_new_iban_becomes_a_pending_request_and_not_the_active_account(provider, alice):
    save(provider, alice, step1=step1_data(provider, iban=OTHER_IBAN, bic=""))

    provider.refresh_from_db()
    change = BankAccountChange.objects.get()
    assert provider.iban == VALID_IBAN
    assert (change.status, change.new_iban, change.requested_by) == ("pending", OTHER_IBAN, alice)


def test_saving_again_with_the_pending_iban_does_not_ask_twice(provider, alice):
    save(provider, alice, step1=step1_data(provider, iban=OTHER_IBAN, bic=""))
    provider.refresh_from_db()
    save(provider, alice, step1=step1_data(provider, iban=OTHER_IBAN, bic="GEBABEBB"))

    assert BankAccountChange.objects.count() == 1


def test_saving_other_data_leaves_a_pending_request_alone(provider, alice):
    save(provider, alice, step1=step1_data(provider, iban=OTHER_IBAN, bic=""))
    provider.refresh_from_db()
    save(provider, alice, step1=step1_data(provider, phone="+3225531700"))

    assert BankAccountChange.objects.pending().get().new_iban == OTHER_IBAN


def test_at_least_one_vakgebied_is_required(provider, alice):
    with pytest.raises(ValidationError) as error:
        save(provider, alice, step2={"vakgebieden": [], "description": ""})
    assert error.value.message_dict["vakgebieden"] == ["Duid minstens één vakgebied aan."]


def test_a_new_provider_is_a_dv_whose_first_account_waits_for_verification(provider, alice):
    data = step1_data(
        provider, name="Trainer Jan", email="jan@example.be", iban=OTHER_IBAN, bic=""
    )
    new = service_provider_save(
        organisation=provider.organisation,
        step1_data=data,
        step2_data=step2_data(("Talen",)),
        user=alice,
    )

    assert new.type == ServiceProvider.Type.PROVIDER
    assert new.iban == ""
    assert new.bank_account_changes.get().new_iban == OTHER_IBAN
    assert list(new.vakgebieden.values_list("name", flat=True)) == ["Talen"]


def test_the_first_provider_of_an_organisation_without_address_is_its_mz(alice, provider):
    organisation = organisation_get_or_create(kbo_number="0403.170.701", name="Nieuw BV")
    MembershipFactory(user=alice, organisation=organisation)
    assert not organisation.establishments.exists()
    data = step1_data(provider, name="Nieuw BV", kbo_number=organisation.kbo_number)

    new = service_provider_save(
        organisation=organisation, step1_data=data, step2_data=step2_data(), user=alice
    )

    organisation.refresh_from_db()
    assert new.type == ServiceProvider.Type.REGISTERED_OFFICE
    assert (organisation.postcode, organisation.municipality) == ("1030", "Schaarbeek")
    office = Establishment.objects.get(organisation=organisation)
    assert office.is_registered_office and office.latitude is not None


def test_it_refuses_to_save_a_provider_under_another_of_the_users_organisations(provider, alice):
    """Alice acts for both organisations, but Acme's provider is not the other's."""
    other = OrganisationFactory()
    MembershipFactory(user=alice, organisation=other)
    with pytest.raises(ServiceProvider.DoesNotExist):
        service_provider_save(
            service_provider=provider,
            organisation=other,
            step1_data=step1_data(provider),
            step2_data=step2_data(),
            expected_version=provider.version,
            user=alice,
        )


def test_organisation_get_or_create_finds_the_existing_one(organisation):
    found = organisation_get_or_create(kbo_number=organisation.kbo_number, name="Andere naam")
    assert found == organisation
    assert found.name == "Acme"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks between connections")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_people_saving_at_the_same_moment_one_wins_and_one_gets_the_conflict(
    provider, alice, monkeypatch
):
    """Two connections claim the same version at once: the database's row lock makes
    the second UPDATE wait for the first commit and then match no row."""
    bob = colleague(provider.organisation, first_name="Bob", last_name="Janssens")
    claim = services.version_claim

    def slow_claim(**kwargs):
        claimed = claim(**kwargs)
        if claimed:
            time.sleep(0.5)  # hold the row lock while the other save arrives
        return claimed

    monkeypatch.setattr(services, "version_claim", slow_claim)
    start = threading.Barrier(2)
    outcomes = {}

    def edit(user, name):
        try:
            start.wait()
            save(provider, user, step1=step1_data(provider, name=name))
            outcomes[user.first_name] = "saved"
        except ConflictError:
            outcomes[user.first_name] = "conflict"
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=edit, args=(alice, "Alice Academie")),
        threading.Thread(target=edit, args=(bob, "Bob Academie")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["conflict", "saved"]
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    provider.refresh_from_db()
    assert provider.name == f"{winner} Academie"
    assert provider.version == 2
