import datetime

import pytest
from django.urls import reverse

from core.dates import add_years
from standin import demo
from standin.models import (
    HistoryEntry,
    LocalAdministrator,
    Person,
    UserRight,
    WorkRelationship,
    today,
)
from tests.standin.conftest import sign_in

SCHELDE, LEIE, SME = demo.SCHELDE, demo.LEIE, demo.SME
NEW_NUMBER = "90041815262"  # 18/04/1990, even sequence number: a woman


def person_url(name, kbo, person, *args):
    return reverse(f"standin:{name}", args=[kbo, person.uuid, *args])


@pytest.fixture
def koen_client(client, people):
    sign_in(client, people["koen"])
    return client


def test_idm_requires_a_stand_in_sign_in(client, people):
    response = client.get(reverse("standin:idm-home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("standin:sign-in"))


def test_the_local_administrator_chooses_among_their_organisations(koen_client):
    response = koen_client.get(reverse("standin:idm-home"))

    assert "Hieronder moet u kiezen voor welke organisatie u precies wilt werken" in (
        response.content.decode()
    )
    for kbo, _name in demo.DEMO_ORGANISATIONS:
        assert reverse("standin:idm-organisation", args=[kbo]).encode() in response.content
    assert reverse("standin:idm-organisation", args=[SME]).encode() not in response.content


def test_the_person_list_masks_the_rijksregisternummer(koen_client, people):
    response = koen_client.get(reverse("standin:idm-organisation", args=[SCHELDE]))

    content = response.content.decode()
    sofie = people["sofie"]
    assert "Sofie Maes" in content
    assert sofie.national_number not in content
    assert sofie.masked_national_number in content


def test_the_person_list_runs_a_constant_number_of_queries(
    koen_client, people, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        koen_client.get(reverse("standin:idm-organisation", args=[SCHELDE]))


@pytest.mark.parametrize(
    "url",
    [
        lambda p: reverse("standin:idm-organisation", args=[SME]),
        lambda p: reverse("standin:idm-organisation-history", args=[SME]),
        lambda p: reverse("standin:idm-add-user", args=[SME]),
        lambda p: person_url("idm-person", SME, p["an"]),
        lambda p: person_url("idm-relationship-update", SME, p["an"]),
        # A person of another organisation, under an organisation Koen administers.
        lambda p: person_url("idm-person", SCHELDE, p["an"]),
        lambda p: person_url("idm-relationship-remove", SCHELDE, p["an"]),
    ],
)
def test_another_organisations_people_are_a_404(koen_client, people, url):
    assert koen_client.get(url(people)).status_code == 404


def test_a_person_who_is_no_local_administrator_cannot_manage_the_organisation(client, people):
    sign_in(client, people["sofie"])

    response = client.get(reverse("standin:idm-organisation", args=[SCHELDE]))

    assert response.status_code == 404


def test_posting_to_another_organisations_right_changes_nothing(koen_client, people):
    right = UserRight.objects.get(work_relationship__person=people["an"])

    response = koen_client.post(person_url("idm-right-pause", SME, people["an"], right.pk))

    assert response.status_code == 404
    right.refresh_from_db()
    assert right.paused is False


def test_a_legal_representative_appoints_a_local_administrator(client, people):
    sign_in(client, people["marleen"])

    response = client.post(
        reverse("standin:idm-appoint", args=[SME]),
        {"national_number": people["an"].national_number},
    )

    assert response.status_code == 302
    assert LocalAdministrator.objects.filter(
        person=people["an"], organisation__kbo_number=SME, appointed_by=people["marleen"]
    ).exists()
    assert HistoryEntry.objects.filter(
        organisation__kbo_number=SME, action=HistoryEntry.Action.ADMINISTRATOR_APPOINTED
    ).exists()


def test_only_a_legal_representative_can_appoint(koen_client, people):
    response = koen_client.get(reverse("standin:idm-appoint", args=[SCHELDE]))

    assert response.status_code == 404


def test_adding_a_user_takes_three_steps_and_writes_history(koen_client, people):
    step1 = koen_client.post(
        reverse("standin:idm-add-user", args=[SCHELDE]), {"national_number": "900418.152-62"}
    )
    assert step1["Location"] == reverse("standin:idm-add-user-2", args=[SCHELDE])

    page = koen_client.get(step1["Location"])
    assert page.context["form"].initial["birth_date"] == datetime.date(1990, 4, 18)
    assert page.context["form"].initial["sex"] == Person.Sex.FEMALE

    step2 = koen_client.post(
        step1["Location"],
        {
            "first_name": "Eva",
            "last_name": "Wouters",
            "birth_date": "1990-04-18",
            "sex": "V",
            "phone": "09 267 12 00",
            "email": "eva@example.be",
        },
    )
    assert step2["Location"] == reverse("standin:idm-add-user-3", args=[SCHELDE])
    assert not Person.objects.filter(national_number=NEW_NUMBER).exists()

    page = koen_client.get(step2["Location"])
    assert page.context["form"].initial["end_date"] == add_years(today(), 10)
    step3 = koen_client.post(
        step2["Location"],
        {
            "category": "vaste_medewerker",
            "begin_date": today().isoformat(),
            "end_date": add_years(today(), 10).isoformat(),
            "phone": "+3292671200",
            "email": "eva@schelde.example.be",
        },
    )

    eva = Person.objects.get(national_number=NEW_NUMBER)
    assert step3["Location"] == person_url("idm-person", SCHELDE, eva)
    assert eva.phone == "+3292671200"
    assert WorkRelationship.objects.filter(person=eva, organisation__kbo_number=SCHELDE).exists()
    actions = set(HistoryEntry.objects.filter(person=eva).values_list("action", flat=True))
    assert actions == {"person_added", "work_relationship_added"}
    assert HistoryEntry.objects.filter(person=eva, actor=people["koen"]).count() == 2


def test_a_work_relationship_of_more_than_ten_years_is_refused(koen_client, people):
    sofie = people["sofie"]
    begin = today()

    response = koen_client.post(
        person_url("idm-relationship-update", SCHELDE, sofie),
        {
            "category": "vaste_medewerker",
            "begin_date": begin.isoformat(),
            "end_date": (add_years(begin, 10) + datetime.timedelta(days=1)).isoformat(),
            "phone": "+3292671200",
            "email": "sofie@example.be",
        },
    )

    assert response.status_code == 200
    assert "ten hoogste 10 jaar" in response.context["form"].errors["end_date"][0]
    assert "ten hoogste 10 jaar" in response.content.decode()


def test_a_right_of_more_than_five_years_is_refused(koen_client, people):
    sofie = people["sofie"]
    begin = today()

    response = koen_client.post(
        person_url("idm-right-create", SCHELDE, sofie),
        {
            "right": "VLAIOInkomGebruikerNieuw",
            "begin_date": begin.isoformat(),
            "end_date": (add_years(begin, 5) + datetime.timedelta(days=1)).isoformat(),
            "profile_sme": "on",
        },
    )

    assert response.status_code == 200
    assert "ten hoogste 5 jaar" in response.context["form"].errors["end_date"][0]


def test_a_right_needs_a_profile(koen_client, people):
    response = koen_client.post(
        person_url("idm-right-create", SCHELDE, people["sofie"]),
        {
            "right": "VLAIOInkomGebruikerNieuw",
            "begin_date": today().isoformat(),
            "end_date": add_years(today(), 1).isoformat(),
        },
    )

    assert "Kies minstens één profiel." in response.context["form"].errors["profile_provider"]


def test_granting_a_right_writes_history(koen_client, people):
    sofie = people["sofie"]

    response = koen_client.post(
        person_url("idm-right-create", SCHELDE, sofie),
        {
            "right": "VLAIOInkomGebruikerNieuw",
            "begin_date": today().isoformat(),
            "end_date": add_years(today(), 5).isoformat(),
            "profile_sme": "on",
        },
    )

    assert response.status_code == 302
    assert UserRight.objects.filter(work_relationship__person=sofie, profile_sme=True).exists()
    entry = HistoryEntry.objects.get(person=sofie, action=HistoryEntry.Action.RIGHT_GRANTED)
    assert entry.actor == people["koen"]
    assert "Gebruiker" in entry.details


def test_pause_and_remove_work_through_the_screens(koen_client, people):
    sofie = people["sofie"]
    right = UserRight.objects.get(work_relationship__person=sofie)

    koen_client.post(person_url("idm-right-pause", SCHELDE, sofie, right.pk))
    right.refresh_from_db()
    assert right.paused
    koen_client.post(person_url("idm-relationship-pause", SCHELDE, sofie))
    assert WorkRelationship.objects.get(pk=right.work_relationship_id).paused
    koen_client.post(person_url("idm-relationship-remove", SCHELDE, sofie))

    assert not WorkRelationship.objects.filter(person=sofie).exists()
    history = koen_client.get(reverse("standin:idm-organisation-history", args=[SCHELDE]))
    content = history.content.decode()
    for label in (
        "Gebruikersrecht gepauzeerd",
        "Werkrelatie gepauzeerd",
        "Werkrelatie verwijderd",
    ):
        assert label in content


def test_extending_restarts_the_relationship_and_its_rights_today(koen_client, people):
    tom = people["tom"]

    koen_client.post(person_url("idm-relationship-extend", SCHELDE, tom))

    relationship = WorkRelationship.objects.get(person=tom)
    right = relationship.rights.get()
    assert (relationship.begin_date, relationship.end_date) == (today(), add_years(today(), 10))
    assert (right.begin_date, right.end_date) == (today(), add_years(today(), 5))


def test_the_person_page_shows_the_rights(koen_client, people):
    response = koen_client.get(person_url("idm-person", SCHELDE, people["sofie"]))

    content = response.content.decode()
    assert "VLAIO Inkom Gebruiker Nieuw" in content
    assert "Dienstverlener kmo-portefeuille" in content
    assert "Verleng werkrelatie en gebruikersrechten" in content


def test_the_add_user_wizard_keeps_its_input_per_organisation(koen_client, people):
    koen_client.post(
        reverse("standin:idm-add-user", args=[SCHELDE]), {"national_number": "900418.152-62"}
    )

    elsewhere = koen_client.get(reverse("standin:idm-add-user-2", args=[LEIE]))
    here = koen_client.get(reverse("standin:idm-add-user-2", args=[SCHELDE]))

    assert elsewhere["Location"] == reverse("standin:idm-add-user", args=[LEIE])
    assert here.status_code == 200
    assert here.context["form"].initial["birth_date"] == datetime.date(1990, 4, 18)


def test_every_idm_page_renders_for_the_local_administrator(koen_client, people):
    sofie = people["sofie"]
    right = UserRight.objects.get(work_relationship__person=sofie)
    urls = [
        reverse("standin:idm-home"),
        reverse("standin:idm-organisation", args=[SCHELDE]),
        reverse("standin:idm-organisation-history", args=[SCHELDE]),
        reverse("standin:idm-add-user", args=[SCHELDE]),
        person_url("idm-person", SCHELDE, sofie),
        person_url("idm-person-history", SCHELDE, sofie),
        person_url("idm-relationship-update", SCHELDE, sofie),
        person_url("idm-relationship-extend", SCHELDE, sofie),
        person_url("idm-relationship-remove", SCHELDE, sofie),
        person_url("idm-right-create", SCHELDE, sofie),
        person_url("idm-right-update", SCHELDE, sofie, right.pk),
        person_url("idm-right-remove", SCHELDE, sofie, right.pk),
    ]
    for url in urls:
        assert koen_client.get(url).status_code == 200, url


def test_the_sign_in_pages_render(client, people):
    choice = client.get(reverse("standin:sign-in"), {"next": "/standin/idm/"})
    check = client.get(reverse("standin:sign-in-check", args=["itsme"]))

    assert "Kies manier van aanmelden" in choice.content.decode()
    for label in ("eID en aangesloten kaartlezer", "itsme®", "Federaal token"):
        assert label in choice.content.decode()
    assert people["koen"].masked_national_number in check.content.decode()
    assert people["koen"].national_number not in check.content.decode()
    assert client.get(reverse("standin:sign-in-check", args=["fax"])).status_code == 404


def test_the_appoint_page_renders_for_the_legal_representative(client, people):
    sign_in(client, people["marleen"])

    response = client.get(reverse("standin:idm-appoint", args=[SCHELDE]))

    assert response.status_code == 200
    assert "Koen Janssens" in response.content.decode()
