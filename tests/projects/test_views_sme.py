"""The SME side: An files an application for Bakkerij De Gouden Korst in three steps,
follows it in "Mijn steunaanvragen" and stops one."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects.models import Project, ProjectEvent
from projects.services import project_confirm, project_record_deposit
from projects.views.sme import SESSION_APPLICATION
from providers.models import Vakgebied
from tests.factories import ProjectFactory, ServiceProviderFactory, sme_application_data
from tests.projects.domain_support import registered_provider, staff, submit

pytestmark = pytest.mark.django_db

CHOOSE_URL = reverse("sme-projects:choose-provider")
LIST_URL = reverse("sme-projects:list")


def form_url(provider):
    return reverse("sme-projects:create", kwargs={"provider_pk": provider.pk})


def confirm_url(provider):
    return reverse("sme-projects:confirm", kwargs={"provider_pk": provider.pk})


# --- The SME home page --------------------------------------------------------------


def test_the_sme_home_page_leads_to_the_application_and_the_dossiers(an_client):
    content = an_client.get(reverse("portal:sme-home")).content.decode()

    assert "Nieuwe steunaanvraag" in content
    assert "Mijn steunaanvragen" in content
    assert f'href="{CHOOSE_URL}"' in content
    assert f'href="{LIST_URL}"' in content


# --- Step 1: choose a provider ---------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["schelde", "Vormingscentrum Schelde", "registration", "kbo", "  schelde  "]
)
def test_step_1_finds_a_registered_provider_by_name_kbo_or_registration_number(
    an_client, provider, text
):
    text = {
        "registration": provider.registrations.get(service_type="O").number.lower(),
        "kbo": f"BE {provider.kbo_display}",
    }.get(text, text)

    response = an_client.get(CHOOSE_URL, {"q": text})

    assert list(response.context["providers"]) == [provider]
    content = response.content.decode()
    assert form_url(provider) in content
    assert "Kies" in content
    assert provider.registrations.get(service_type="A").number in content


def test_step_1_lists_no_provider_without_a_registration_in_force(an_client, provider):
    ServiceProviderFactory(name="Schelde Zonder Registratie")
    lapsed = registered_provider(
        name="Schelde Verlopen", valid_from=timezone.localdate() - datetime.timedelta(days=6 * 365)
    )

    response = an_client.get(CHOOSE_URL, {"q": "schelde"})

    assert list(response.context["providers"]) == [provider]
    assert lapsed.name not in response.content.decode()


def test_step_1_says_when_nothing_matches(an_client, provider):
    response = an_client.get(CHOOSE_URL, {"q": "bestaat niet"})

    assert "Geen geregistreerde dienstverlener gevonden." in response.content.decode()


# --- Step 2: the application ----------------------------------------------------------


def test_step_2_offers_only_the_providers_service_types_and_vakgebieden(an_client):
    advice_only = registered_provider(name="Adviesbureau Leie", service_types=("A",))

    response = an_client.get(form_url(advice_only))

    form = response.context["form"]
    assert [value for value, _label in form.fields["service_type"].choices] == ["A"]
    assert sorted(v.name for v in form.fields["vakgebied"].queryset) == ["Energie", "ICT"]


def test_step_2_of_an_unregistered_provider_is_not_found(an_client):
    unlisted = ServiceProviderFactory()

    assert an_client.get(form_url(unlisted)).status_code == 404


def test_a_valid_application_shows_the_subsidy_before_anything_is_filed(an_client, provider):
    response = an_client.post(form_url(provider), sme_application_data())

    assert response.status_code == 302
    assert response["Location"] == confirm_url(provider)
    assert not Project.objects.exists()

    page = an_client.get(confirm_url(provider))

    content = page.content.decode()
    assert "Controleer en dien in" in content
    assert "U krijgt € 375,15 steun (30 %)." in content  # 30 % of 1,250.50
    assert "Uw eigen aandeel is € 875,35" in content
    assert "Bakken met zuurdesem" in content
    assert not Project.objects.exists()


def test_submitting_files_the_application_and_tells_the_provider(
    an_client, an, provider, client_organisation, mailoutbox, django_capture_on_commit_callbacks
):
    an_client.post(form_url(provider), sme_application_data())

    with django_capture_on_commit_callbacks(execute=True):
        response = an_client.post(confirm_url(provider), {"indienen": "1"}, follow=True)

    project = Project.objects.get()
    assert (project.client, project.service_provider, project.filed_by) == (
        client_organisation,
        provider,
        an,
    )
    assert project.amount_excl_vat == Decimal("1250.50")
    assert project.subsidy_amount == Decimal("375.15")
    assert project.training_kind == "classroom"
    assert response.redirect_chain[-1][0] == reverse(
        "sme-projects:detail", kwargs={"pk": project.pk}
    )
    assert f"Uw steunaanvraag {project.number} is ingediend." in response.content.decode()
    assert "opleidingen@schelde.example" in mailoutbox[-1].to
    assert not an_client.session[SESSION_APPLICATION]


def test_submitting_twice_files_one_dossier(an_client, provider):
    an_client.post(form_url(provider), sme_application_data())
    an_client.post(confirm_url(provider), {"indienen": "1"})

    again = an_client.post(confirm_url(provider), {"indienen": "1"})

    assert again.status_code == 302
    assert Project.objects.count() == 1


def test_wijzigen_goes_back_with_the_input_kept(an_client, provider):
    an_client.post(form_url(provider), sme_application_data(title="Eerste titel"))

    response = an_client.post(confirm_url(provider), {"wijzig": "1"})

    assert response.status_code == 302
    back = an_client.get(response["Location"])
    content = back.content.decode()
    assert 'value="Eerste titel"' in content
    assert 'value="1250,50"' in content or 'value="1.250,50"' in content
    assert not Project.objects.exists()


def test_an_application_15_days_after_the_start_is_refused_next_to_the_start_date(
    an_client, provider
):
    start = timezone.localdate() - datetime.timedelta(days=15)

    response = an_client.post(
        form_url(provider), sme_application_data(start_date=start.isoformat(), title="Te laat")
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert "ten laatste 14 kalenderdagen na de startdatum" in form.errors["start_date"][0]
    content = response.content.decode()
    assert "Er zijn fouten in het formulier" in content
    assert 'value="Te laat"' in content
    assert f'value="{start.isoformat()}"' in content
    assert not Project.objects.exists()


def test_an_application_14_days_after_the_start_is_in_time(an_client, provider):
    start = timezone.localdate() - datetime.timedelta(days=14)

    response = an_client.post(
        form_url(provider), sme_application_data(start_date=start.isoformat())
    )

    assert response.status_code == 302


def test_a_large_enterprise_is_refused_with_the_reason(an_client, provider):
    response = an_client.post(form_url(provider), sme_application_data(company_size="large"))

    assert response.status_code == 200
    errors = response.context["form"].errors["company_size"]
    assert any("grote onderneming komt niet in aanmerking" in error for error in errors)


def test_a_vakgebied_outside_the_providers_selection_is_refused(an_client, provider):
    talen = Vakgebied.objects.get(name="Talen")

    response = an_client.post(form_url(provider), sme_application_data(vakgebied=talen.pk))

    assert (
        "uit de selectie van de dienstverlener" in response.context["form"].errors["vakgebied"][0]
    )


def test_training_needs_its_kind(an_client, provider):
    response = an_client.post(form_url(provider), sme_application_data(training_kind=""))

    assert "Kies de soort opleiding" in response.context["form"].errors["training_kind"][0]


def test_a_used_up_annual_ceiling_is_said_next_to_the_amount(
    an_client, an, provider, client_organisation
):
    submit(
        client=client_organisation,
        provider=provider,
        user=an,
        amount_excl_vat=Decimal("25000.00"),
    )  # 30 % = EUR 7,500: the whole ceiling

    response = an_client.post(form_url(provider), sme_application_data())

    errors = response.context["form"].errors["amount_excl_vat"]
    assert any("Het steunplafond van € 7.500,00" in error for error in errors)
    assert Project.objects.count() == 1


def test_a_capped_subsidy_says_why(an_client, an, provider, client_organisation):
    submit(
        client=client_organisation, provider=provider, user=an, amount_excl_vat=Decimal("24000")
    )  # EUR 7,200 used, EUR 300 left

    an_client.post(form_url(provider), sme_application_data())
    content = an_client.get(confirm_url(provider)).content.decode()

    assert "U krijgt € 300,00 steun" in content
    assert "beperkt door het steunplafond" in content


@pytest.mark.parametrize("amount", ["twaalf", "-5", "0", "12,345"])
def test_a_wrong_amount_is_said_in_dutch(an_client, provider, amount):
    response = an_client.post(form_url(provider), sme_application_data(amount_excl_vat=amount))

    assert response.status_code == 200
    assert response.context["form"].errors["amount_excl_vat"]
    assert f'value="{amount}"' in response.content.decode()


def test_the_confirmation_step_without_an_application_goes_to_the_form(an_client, provider):
    response = an_client.get(confirm_url(provider))

    assert response["Location"] == form_url(provider)


# --- Mijn steunaanvragen ----------------------------------------------------------------


def test_my_applications_show_status_and_next_step(an_client, project, charlie):
    other = ProjectFactory(title="Van een ander")

    response = an_client.get(LIST_URL)

    content = response.content.decode()
    assert project.number in content
    assert "ingediend" in content
    assert "Uw dienstverlener bevestigt of weigert de aanvraag" in content
    assert other.number not in content


def test_after_confirmation_the_next_step_is_the_own_share(an_client, project, alice):
    project_confirm(project=project, user=alice)

    content = an_client.get(LIST_URL).content.decode()

    assert "Stort uw eigen aandeel van € 1.400,00" in content


def test_my_applications_run_the_same_number_of_queries_for_1_and_25_rows(
    an_client, client_organisation, provider
):
    registration = provider.registrations.get(service_type="A")
    ProjectFactory(
        client=client_organisation, service_provider=provider, registration=registration
    )
    an_client.get(LIST_URL)
    with CaptureQueriesContext(connection) as one:
        an_client.get(LIST_URL)
    ProjectFactory.create_batch(
        24, client=client_organisation, service_provider=provider, registration=registration
    )

    with CaptureQueriesContext(connection) as many:
        response = an_client.get(LIST_URL)

    assert len(response.context["projects"]) == 25
    assert len(many) == len(one), [query["sql"] for query in many.captured_queries]


def test_the_detail_page_shows_history_and_payments(an_client, project, alice):
    project_confirm(project=project, user=alice, remark="Welkom!")
    project_record_deposit(project=project, user=staff(), paid_on=timezone.localdate())

    content = an_client.get(
        reverse("sme-projects:detail", kwargs={"pk": project.pk})
    ).content.decode()

    for text in (
        project.number,
        "Vormingscentrum Schelde",
        "eigen aandeel gestort",
        "bevestigd door de dienstverlener",
        "Welkom!",
        "de klant (An Willems)",
        "Nog geen betalingen.",
        "Het agentschap kent de subsidie toe.",
    ):
        assert text in content, text
    assert "Alice" not in content


# --- Stopzetten ----------------------------------------------------------------------


def test_stopping_asks_for_a_reason_first(an_client, project):
    url = reverse("sme-projects:stop", kwargs={"pk": project.pk})

    page = an_client.get(url)
    response = an_client.post(url, {"reason": "  "})

    assert "Steundossier stopzetten" in page.content.decode()
    assert "Geef een reden op voor de stopzetting." in response.content.decode()
    project.refresh_from_db()
    assert project.status == Project.Status.SUBMITTED


def test_stopping_with_a_reason_stops_the_dossier(an_client, project, an):
    url = reverse("sme-projects:stop", kwargs={"pk": project.pk})

    response = an_client.post(url, {"reason": "Opleiding gaat niet door."}, follow=True)

    project.refresh_from_db()
    assert project.status == Project.Status.STOPPED
    event = project.events.get(action=ProjectEvent.Action.STOP)
    assert (event.actor, event.reason) == (an, "Opleiding gaat niet door.")
    assert "Het dossier is stopgezet." in response.content.decode()


def test_a_dossier_that_cannot_be_stopped_says_so(an_client, project, alice):
    from projects.services import project_refuse

    project_refuse(project=project, user=alice, reason="wrong_provider", remark="Niet bij ons.")

    detail = an_client.get(reverse("sme-projects:detail", kwargs={"pk": project.pk}))
    response = an_client.post(
        reverse("sme-projects:stop", kwargs={"pk": project.pk}), {"reason": "x"}, follow=True
    )

    assert "Stopzetten" not in detail.content.decode()
    assert "kunt u niet meer zelf stopzetten" in response.content.decode()
    assert "Niet bij ons." in response.content.decode()


def test_another_enterprises_dossier_is_not_found(client, charlie, project):
    client.force_login(charlie)

    for name in ("sme-projects:detail", "sme-projects:stop"):
        assert client.get(reverse(name, kwargs={"pk": project.pk})).status_code == 404
    assert (
        client.post(
            reverse("sme-projects:stop", kwargs={"pk": project.pk}), {"reason": "weg"}
        ).status_code
        == 404
    )
    project.refresh_from_db()
    assert project.status == Project.Status.SUBMITTED


def test_a_provider_user_cannot_open_the_sme_pages(alice_client, project):
    response = alice_client.get(LIST_URL)

    assert response.status_code == 403


def test_a_dossier_number_does_not_break_across_lines(an_client, project):
    assert project.number
    listed = an_client.get(LIST_URL).content.decode()

    detail = reverse("sme-projects:detail", args=[project.pk])
    assert f'class="text-nowrap" href="{detail}">{project.number}</a>' in listed
