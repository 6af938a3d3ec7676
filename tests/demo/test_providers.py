import phonenumbers
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models import Count
from django.urls import reverse
from schwifty import IBAN

from demo.identities import DEMO_CLIENTS, DEMO_ORGANISATIONS, DEMO_SME
from demo.providers import demo_data_load
from directory.selectors import place_resolve, provider_search
from organisations.models import Organisation, Postcode
from portal.roles import AUDITOR, PROCESSOR, REVIEWER, VERIFIER
from providers.models import DESCRIPTION_MAX_LENGTH, ServiceProvider, Vakgebied
from tests.demo.conftest import COUNT

pytestmark = pytest.mark.django_db

CLIENT_KBOS = {client["kbo"] for client in DEMO_CLIENTS}


def is_valid_kbo(number):
    return (
        len(number) == 10
        and number.isdigit()
        and number[0] in "01"
        and int(number[8:]) == 97 - int(number[:8]) % 97
    )


def snapshot():
    return {
        "organisations": sorted(Organisation.objects.values_list("kbo_number", "name")),
        "providers": sorted(
            ServiceProvider.objects.values_list("organisation__kbo_number", "type", "name", "iban")
        ),
        "users": sorted(get_user_model().objects.values_list("username", flat=True)),
    }


def test_it_creates_the_requested_number_of_organisations(loaded):
    # Besides the demo SMEs that only buy services (demo.projects' clients).
    assert Organisation.objects.exclude(kbo_number__in=CLIENT_KBOS).count() == COUNT


def test_a_second_run_creates_nothing_new(loaded):
    before = snapshot()
    summary = demo_data_load(organisations=COUNT)
    assert summary.organisations_created == 0
    assert summary.service_providers_created == 0
    assert summary.staff_created == []
    assert snapshot() == before


def test_a_larger_run_keeps_the_organisations_of_a_smaller_one(loaded):
    smaller = set(Organisation.objects.values_list("kbo_number", "name"))
    demo_data_load(organisations=COUNT + 5)
    larger = set(Organisation.objects.values_list("kbo_number", "name"))
    assert smaller < larger
    assert len(larger) == COUNT + 5 + len(CLIENT_KBOS)


def test_the_fixed_demo_organisations_exist_with_their_exact_kbo_numbers(loaded):
    for kbo, name in DEMO_ORGANISATIONS:
        organisation = Organisation.objects.get(kbo_number=kbo)
        assert organisation.name == name
        assert organisation.service_providers.filter(type=ServiceProvider.Type.REGISTERED_OFFICE)
    sme = Organisation.objects.get(kbo_number=DEMO_SME[0])
    assert sme.name == DEMO_SME[1]
    assert not sme.service_providers.exists()


def test_every_provider_organisation_has_exactly_one_registered_office(loaded):
    organisations = list(Organisation.objects.exclude(kbo_number__in={DEMO_SME[0], *CLIENT_KBOS}))
    assert len(organisations) == COUNT - 1
    for organisation in organisations:
        offices = organisation.service_providers.filter(
            type=ServiceProvider.Type.REGISTERED_OFFICE
        )
        assert offices.count() == 1
        office = offices.get()
        assert office.kbo_number == organisation.kbo_number
        assert office.place_line == organisation.place_line


def test_some_organisations_have_additional_service_providers(loaded):
    assert ServiceProvider.objects.filter(type=ServiceProvider.Type.PROVIDER).exists()


def test_every_kbo_number_passes_the_mod_97_check(loaded):
    numbers = list(Organisation.objects.values_list("kbo_number", flat=True))
    numbers += list(ServiceProvider.objects.values_list("kbo_number", flat=True))
    assert len(numbers) > COUNT
    assert [number for number in numbers if not is_valid_kbo(number)] == []


def test_every_iban_is_a_valid_belgian_iban_with_its_derived_bic(loaded):
    providers = list(ServiceProvider.objects.all())
    assert len(providers) >= COUNT - 1
    # IBAN() raises on a wrong checksum.
    wrong = [p.iban for p in providers if IBAN(p.iban).country_code != "BE"]
    wrong += [p.iban for p in providers if p.bic != str(IBAN(p.iban).bic)]
    assert wrong == []


def test_every_phone_number_is_a_valid_e164_number(loaded):
    numbers = [
        number
        for provider in ServiceProvider.objects.all()
        for number in (provider.phone, provider.mobile)
        if number
    ]
    assert len(numbers) >= COUNT
    wrong = [
        number
        for number in numbers
        if not number.startswith("+32")
        or not phonenumbers.is_valid_number(phonenumbers.parse(number))
    ]
    assert wrong == []


def test_every_address_names_a_real_flemish_or_brussels_place(loaded):
    assert Postcode.objects.exists(), "the postcode migration should have filled the table"
    addresses = list(Organisation.objects.values_list("postcode", "municipality"))
    addresses += list(ServiceProvider.objects.values_list("postcode", "municipality"))
    assert len(addresses) > COUNT
    for postcode, municipality in addresses:
        place = Postcode.objects.matching(postcode, municipality).first()
        assert place is not None, (postcode, municipality)
        assert place.province not in {"Waals-Brabant", "Henegouwen", "Luik", "Luxemburg", "Namen"}


def test_every_provider_has_a_short_description_and_one_to_four_vakgebieden(loaded):
    assert Vakgebied.objects.exists(), "the vakgebieden migration should have filled the table"
    providers = list(ServiceProvider.objects.annotate(vakgebied_count=Count("vakgebieden")))
    assert len(providers) >= COUNT - 1
    assert [
        p.name for p in providers if not 0 < len(p.description) <= DESCRIPTION_MAX_LENGTH
    ] == []
    assert [p.name for p in providers if not 1 <= p.vakgebied_count <= 4] == []


def test_it_creates_a_superuser_admin_account(loaded):
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser
    assert admin.is_staff
    assert admin.check_password("admin")


def test_the_staff_member_reviews_processes_and_verifies_but_edits_no_provider_data(
    loaded, client
):
    staff = get_user_model().objects.get(username="medewerker")
    assert not staff.is_superuser
    assert set(staff.groups.values_list("name", flat=True)) == {
        REVIEWER.name,
        PROCESSOR.name,
        VERIFIER.name,
    }
    assert staff.has_perm("organisations.view_organisation")
    assert staff.has_perm("registrations.change_registration")
    assert staff.has_perm("projects.change_project")
    assert staff.has_perm("providers.change_bankaccountchange")
    assert not staff.has_perm("providers.change_serviceprovider")
    assert not staff.has_perm("organisations.delete_organisation")
    assert not staff.has_perm("portal.change_user")

    assert client.login(username="medewerker", password="medewerker")
    changelist = reverse("admin:organisations_organisation_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(reverse("admin:organisations_organisation_add")).status_code == 403
    assert client.get(reverse("admin:portal_user_changelist")).status_code == 403


def test_the_auditor_sees_and_changes_nothing(loaded, client):
    auditor = get_user_model().objects.get(username="auditor")
    assert [group.name for group in auditor.groups.all()] == [AUDITOR.name]

    assert client.login(username="auditor", password="auditor")
    assert client.get(reverse("admin:registrations_registration_changelist")).status_code == 200
    assert client.get(reverse("admin:projects_subsidyrate_add")).status_code == 403


def test_the_former_catch_all_staff_group_is_gone(db):
    former = Group.objects.create(name="VLAIO-medewerkers")
    former.permissions.set(Permission.objects.filter(codename__startswith="change_"))

    demo_data_load(organisations=4)

    assert not Group.objects.filter(name="VLAIO-medewerkers").exists()


def test_the_demo_directory_has_a_listed_ict_provider_within_10_km_of_gent(loaded):
    # The browser scenario of issue 6: vakgebied ICT, postcode 9000, 10 km.
    result = provider_search(vakgebieden=["ict"], place=place_resolve("9000"), radius_km=10)

    names = [provider.name for provider in result.page(1).object_list]
    assert "Adviesbureau Leie & Partners" in names
