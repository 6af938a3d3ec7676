from establishments.services import establishment_create
from providers.selectors import organisation_history, service_provider_history
from providers.services import bank_account_change_verify, service_provider_save
from tests.factories import OrganisationFactory
from tests.providers.conftest import OTHER_IBAN, colleague, step1_data, step2_data


def save(provider, user, **changes):
    provider.refresh_from_db()
    return service_provider_save(
        service_provider=provider,
        organisation=provider.organisation,
        step1_data=step1_data(provider, **changes.get("step1", {})),
        step2_data=changes.get("step2", step2_data()),
        expected_version=provider.version,
        user=user,
    )


def test_each_save_is_one_entry_with_who_and_which_fields(provider, alice):
    save(provider, alice, step1={"phone": "+3225531700"}, step2=step2_data(("ICT", "HRM")))

    entries = service_provider_history(provider)
    latest = entries[0]
    assert latest.who == "Alice Peeters"
    assert latest.action == "gewijzigd"
    assert latest.fields == ["Telefoonnummer", "Vakgebieden"]
    assert len([e for e in entries if e.who == "Alice Peeters"]) == 1


def test_a_save_that_changes_nothing_adds_no_entry(provider, alice):
    before = len(service_provider_history(provider))
    save(provider, alice)
    assert len(service_provider_history(provider)) == before


def test_a_new_provider_has_one_created_entry_with_its_vakgebieden(provider, alice):
    new = service_provider_save(
        organisation=provider.organisation,
        step1_data=step1_data(provider, name="Trainer Jan"),
        step2_data=step2_data(("Talen",)),
        user=alice,
    )
    records = list(new.history.all())
    assert len(records) == 1
    assert [row.vakgebied.name for row in records[0].vakgebieden.all()] == ["Talen"]
    entry = next(e for e in service_provider_history(new) if e.action == "aangemaakt")
    assert entry.who == "Alice Peeters"


def test_the_bank_account_request_and_its_verification_are_in_the_history(provider, alice, sam):
    save(provider, alice, step1={"iban": OTHER_IBAN, "bic": ""})
    bank_account_change_verify(change=provider.bank_account_changes.get(), decided_by=sam)

    entries = service_provider_history(provider)
    actions = [(entry.who, entry.action) for entry in entries]
    assert ("Alice Peeters", "nieuw rekeningnummer aangevraagd (BE** **** **** 6727)") in actions
    assert ("Sam VLAIO", "nieuw rekeningnummer geverifieerd (BE** **** **** 6727)") in actions
    staff_edit = next(e for e in entries if e.who == "Sam VLAIO" and e.action == "gewijzigd")
    assert staff_edit.fields == ["BIC", "IBAN"]
    iban_change = next(c for c in staff_edit.changes if c.name == "iban")
    assert iban_change.new == "BE** **** **** 6727"


def test_the_organisation_history_shows_providers_and_establishments(provider, alice):
    save(provider, alice, step1={"phone": "+3225531700"})
    establishment_create(
        organisation=provider.organisation,
        data={
            "postcode": "9000",
            "municipality": "Gent",
            "street": "Veldstraat",
            "house_number": "1",
        },
        user=alice,
    )
    charlies_organisation = OrganisationFactory()
    charlie = colleague(charlies_organisation, first_name="Charlie", last_name="Anders")
    establishment_create(
        organisation=charlies_organisation,
        data={
            "postcode": "2000",
            "municipality": "Antwerpen",
            "street": "Meir",
            "house_number": "1",
        },
        user=charlie,
    )

    entries = organisation_history(provider.organisation)
    subjects = {entry.subject for entry in entries}
    assert "Dienstverlener Acme Opleidingen" in subjects
    assert "Vestiging 9000 Gent, Veldstraat 1" in subjects
    assert all(entry.who != "Charlie Anders" for entry in entries)
