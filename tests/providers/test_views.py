import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.oidc.views import SESSION_AUTH_TIME
from providers.models import BankAccountChange, ServiceProvider, Vakgebied
from providers.services import service_provider_save
from tests.factories import ServiceProviderFactory, company_step1_data
from tests.providers.conftest import (
    OTHER_IBAN,
    VALID_IBAN,
    colleague,
    step1_data,
    step2_data,
)


@pytest.fixture
def signed_in(client, alice):
    client.force_login(alice)
    return client


def sign_in_moment(client, seconds_ago):
    session = client.session
    session[SESSION_AUTH_TIME] = int(time.time()) - seconds_ago
    session.save()


def step2_post(**changes):
    data = {
        "vakgebieden": [Vakgebied.objects.get(name="ICT").pk],
        "description": "Wij geven opleidingen.",
        "wijzig": "1",
    }
    data.update(changes)
    return data


def urls(provider):
    return (
        reverse("providers:company-step-1", kwargs={"pk": provider.pk}),
        reverse("providers:company-step-2", kwargs={"pk": provider.pk}),
    )


def test_the_overview_shows_the_seeds_columns_and_link(signed_in, provider):
    response = signed_in.get(reverse("providers:list"))
    content = response.content.decode()
    for text in (
        "Dienstverleners: overzicht",
        "KLIK HIER VOOR EEN NIEUWE DIENSTVERLENER",
        "Straat en nr./bus",
        "Bewerkingen",
        "Acme Opleidingen",
        "1030 Schaarbeek",
        "De maatschappelijke zetel moet de dienstverlener(s) aanmelden",
    ):
        assert text in content


def test_the_overview_runs_the_same_number_of_queries_for_1_and_50_rows(
    signed_in, organisation, provider
):
    signed_in.get(reverse("providers:list"))  # the first request settles the session
    with CaptureQueriesContext(connection) as one:
        signed_in.get(reverse("providers:list"))
    ServiceProviderFactory.create_batch(49, organisation=organisation)
    with CaptureQueriesContext(connection) as fifty:
        response = signed_in.get(reverse("providers:list"))
    assert len(response.context["object_list"]) == 50
    assert len(fifty) == len(one), [q["sql"] for q in fifty.captured_queries]


def test_the_wizard_saves_both_steps_together(signed_in, provider):
    step1, step2 = urls(provider)
    response = signed_in.post(step1, company_step1_data(provider, name="Acme Academie"))
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.name == "Acme Opleidingen"  # nothing saved after step 1

    response = signed_in.post(step2, step2_post(description="Nieuw."))

    assert response.status_code == 302
    provider.refresh_from_db()
    assert (provider.name, provider.description) == ("Acme Academie", "Nieuw.")
    assert provider.history.first().history_user.username == "alice"


def test_back_from_step_2_keeps_what_was_typed_in_both_steps(signed_in, provider):
    step1, step2 = urls(provider)
    signed_in.post(step1, company_step1_data(provider, name="Getypte naam", box="7"))

    response = signed_in.post(step2, step2_post(description="Getypte tekst", terug="1"))
    assert response.status_code == 302
    back = signed_in.get(response["Location"])
    assert 'value="Getypte naam"' in back.content.decode()
    assert 'value="7"' in back.content.decode()

    forward = signed_in.get(step2 + "?hervat=1")
    assert "Getypte tekst" in forward.content.decode()
    provider.refresh_from_db()
    assert provider.name == "Acme Opleidingen"


def test_abandoning_step_2_changes_nothing(signed_in, provider):
    step1, _step2 = urls(provider)
    signed_in.post(step1, company_step1_data(provider, name="Nooit opgeslagen"))
    signed_in.get(reverse("providers:list"))

    provider.refresh_from_db()
    assert provider.name == "Acme Opleidingen"
    assert "Nooit opgeslagen" not in signed_in.get(step1).content.decode()


def test_a_wrong_iban_gets_its_message_and_keeps_the_input(signed_in, provider):
    step1, _step2 = urls(provider)
    response = signed_in.post(
        step1, company_step1_data(provider, iban="BE25 1001 2345 0789", name="X")
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Het IBAN klopt niet: het controlegetal is fout." in content
    assert 'href="#id_iban"' in content
    assert 'value="X"' in content


def test_a_stale_save_shows_what_the_other_person_changed(signed_in, provider):
    step1, step2 = urls(provider)
    signed_in.post(step1, company_step1_data(provider, name="Alice haar naam"))
    bob = colleague(provider.organisation, first_name="Bob", last_name="Janssens")
    service_provider_save(
        service_provider=provider,
        organisation=provider.organisation,
        step1_data=step1_data(provider, phone="+3225531700"),
        step2_data=step2_data(),
        expected_version=provider.version,
        user=bob,
    )

    response = signed_in.post(step2, step2_post())

    content = response.content.decode()
    assert response.status_code == 200
    assert "Iemand anders heeft deze gegevens intussen gewijzigd" in content
    assert "Bob Janssens" in content and "Telefoonnummer" in content
    provider.refresh_from_db()
    assert provider.name == "Acme Opleidingen"

    # Saving again, now knowingly, goes through.
    assert signed_in.post(step2, step2_post()).status_code == 302
    provider.refresh_from_db()
    assert provider.name == "Alice haar naam"


def test_changing_the_iban_without_a_recent_sign_in_asks_to_sign_in_again(signed_in, provider):
    sign_in_moment(signed_in, seconds_ago=3600)
    step1, _step2 = urls(provider)

    response = signed_in.post(step1, company_step1_data(provider, iban="BE48 0011 2345 6727"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("oidc_authentication_init"))
    assert "max_age=900" in response["Location"]
    stored = signed_in.session["provider_wizard"][str(provider.pk)]["step1"]
    assert stored["iban"] == "BE48 0011 2345 6727"


def test_after_a_recent_sign_in_the_new_iban_is_pending(signed_in, provider):
    sign_in_moment(signed_in, seconds_ago=60)
    step1, step2 = urls(provider)
    signed_in.post(step1, company_step1_data(provider, iban="BE48 0011 2345 6727"))

    response = signed_in.post(step2, step2_post(), follow=True)

    provider.refresh_from_db()
    assert provider.iban == VALID_IBAN
    assert BankAccountChange.objects.pending().get().new_iban == OTHER_IBAN
    content = response.content.decode()
    assert "in behandeling" in content
    assert "BE** **** **** 6727" in content


def test_an_unchanged_iban_needs_no_new_sign_in(signed_in, provider):
    step1, _step2 = urls(provider)
    response = signed_in.post(step1, company_step1_data(provider))
    assert response["Location"].startswith(urls(provider)[1])


def test_step_2_says_how_many_characters_are_too_many(signed_in, provider):
    step1, step2 = urls(provider)
    signed_in.post(step1, company_step1_data(provider))
    response = signed_in.post(step2, step2_post(description="x" * 1010))
    assert "10 tekens te lang" in response.content.decode()


def test_a_new_service_provider_uses_the_same_two_steps(signed_in, provider, organisation):
    sign_in_moment(signed_in, seconds_ago=10)
    data = company_step1_data(provider, name="Trainer Jan", email="jan@example.be", version="")
    signed_in.post(reverse("providers:create-step-1"), data)
    response = signed_in.post(reverse("providers:create-step-2"), step2_post())

    new = ServiceProvider.objects.get(name="Trainer Jan")
    assert response["Location"] == reverse("providers:detail", kwargs={"pk": new.pk})
    assert new.type == ServiceProvider.Type.PROVIDER
    assert new.bank_account_changes.pending().exists()


def test_the_history_page_shows_who_changed_which_fields(signed_in, provider):
    step1, step2 = urls(provider)
    signed_in.post(step1, company_step1_data(provider, mobile="0470 12 34 56"))
    signed_in.post(step2, step2_post())

    content = signed_in.get(reverse("providers:history")).content.decode()
    assert "Wijzigingshistoriek" in content
    assert "Alice Peeters" in content
    assert "Gsm-nummer" in content


def test_the_detail_shows_phone_numbers_in_the_national_format(signed_in, provider):
    ServiceProvider.objects.filter(pk=provider.pk).update(
        phone="+3292251234", mobile="+32470123456"
    )

    page = signed_in.get(reverse("providers:detail", args=[provider.pk])).content.decode()

    assert '<a href="tel:+3292251234">09 225 12 34</a>' in page
    assert '<a href="tel:+32470123456">0470 12 34 56</a>' in page
    assert "Facturatieadres" in page
