"""2.4 "Overzicht projecten": Alice's overview, a dossier's page, confirm and refuse."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects.models import Project, ProjectEvent
from projects.services import (
    project_confirm,
    project_grant,
    project_record_deposit,
    project_record_payment,
)
from providers.models import Vakgebied
from tests.factories import OrganisationFactory, ProjectFactory, ServiceProviderFactory
from tests.projects.domain_support import registered_provider, staff

pytestmark = pytest.mark.django_db

LIST_URL = reverse("projects:list")


def rows(response):
    return [row["number"] for row in response.context["rows"]]


def dossier(provider, **fields):
    """A dossier written directly (ProjectFactory) for Alice's provider."""
    registration = provider.registrations.get(service_type=fields.get("service_type", "A"))
    return ProjectFactory(service_provider=provider, registration=registration, **fields)


# --- The overview ------------------------------------------------------------------------


def test_the_overview_lists_the_dossiers_naming_the_organisations_providers(
    alice_client, project, provider
):
    other = dossier(registered_provider(name="Adviesbureau Leie"))

    response = alice_client.get(LIST_URL)

    assert response.status_code == 200
    assert rows(response) == [project.number]
    content = response.content.decode()
    assert "Bakkerij De Gouden Korst" in content
    assert other.number not in content


def test_the_overview_shows_the_days_left_to_confirm(alice_client, project):
    response = alice_client.get(LIST_URL)

    content = response.content.decode()
    assert project.confirmation_due_on.strftime("%d/%m/%Y") in content
    assert "nog 30 dagen" in content
    assert "te bevestigen" in content


def test_an_overdue_confirmation_is_counted_in_days_over_time(alice_client, provider):
    dossier(provider, filed_on=timezone.localdate() - datetime.timedelta(days=33))
    Project.objects.update(confirmation_due_on=timezone.localdate() - datetime.timedelta(days=3))

    content = alice_client.get(LIST_URL).content.decode()

    assert "3 dagen over tijd" in content


def test_the_totals_are_those_of_the_filtered_set(alice_client, provider):
    dossier(provider, amount_excl_vat=Decimal("1000.00"))
    dossier(provider, amount_excl_vat=Decimal("2500.50"), subsidy_amount=Decimal("750.15"))
    dossier(provider, service_type="O", amount_excl_vat=Decimal("400.00"))

    response = alice_client.get(LIST_URL, {"type": "A"})

    totals = response.context["totals"]
    assert totals == {
        "count": 2,
        "amount": Decimal("3500.50"),
        "subsidy": Decimal("1050.15"),
    }
    content = response.content.decode()
    assert "€ 3.500,50" in content
    assert "€ 1.050,15" in content


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "confirmed"}, ["confirmed"]),
        ({"type": "O"}, ["training"]),
        ({"klant": "korst"}, ["korst"]),
        ({"klant": "BE 0456.789.034"}, ["kbo"]),
        ({"van": "2025-03-01", "tot": "2025-03-31"}, ["march"]),
    ],
)
def test_each_filter_narrows_the_list(alice_client, provider, params, expected):
    made = {
        "confirmed": dossier(provider, confirmed=True),
        "training": dossier(provider, service_type="O"),
        "korst": dossier(provider, client=OrganisationFactory(name="Bakkerij De Korst")),
        "kbo": dossier(provider, client=OrganisationFactory(kbo_number="0456789034")),
        "march": dossier(provider, filed_on=datetime.date(2025, 3, 15)),
    }

    response = alice_client.get(LIST_URL, params)

    assert rows(response) == [made[name].number for name in expected]


def test_the_list_filters_on_vakgebied_and_service_provider(alice_client, provider):
    second = ServiceProviderFactory(organisation=provider.organisation, name="Tweede")
    registered = registered_provider(organisation=provider.organisation, name="Derde")
    energie = Vakgebied.objects.get(name="Energie")
    in_energie = dossier(provider, vakgebied=energie)
    dossier(provider)
    by_third = dossier(registered)

    by_vakgebied = alice_client.get(LIST_URL, {"vakgebied": energie.pk})
    by_provider = alice_client.get(LIST_URL, {"dienstverlener": registered.pk})

    assert rows(by_vakgebied) == [in_energie.number]
    assert rows(by_provider) == [by_third.number]
    assert second.name in by_provider.content.decode()  # offered in the filter


def test_the_status_filter_counts_a_lapsed_confirmation_as_lapsed(alice_client, provider):
    lapsed = dossier(provider, confirmed=True)
    Project.objects.filter(pk=lapsed.pk).update(
        deposit_due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    current = dossier(provider, confirmed=True)

    assert rows(alice_client.get(LIST_URL, {"status": "lapsed"})) == [lapsed.number]
    assert rows(alice_client.get(LIST_URL, {"status": "confirmed"})) == [current.number]


def test_a_wrong_filter_value_is_said_and_the_rest_still_applies(alice_client, provider):
    training = dossier(provider, service_type="O")
    dossier(provider)

    response = alice_client.get(LIST_URL, {"type": "O", "van": "geen datum", "status": "x"})

    assert response.status_code == 200
    assert rows(response) == [training.number]
    form = response.context["filter_form"]
    assert set(form.errors) == {"van", "status"}
    assert "Er zijn fouten in het formulier" in response.content.decode()


def test_an_end_before_the_start_of_the_period_is_refused(alice_client, project):
    response = alice_client.get(LIST_URL, {"van": "2026-05-01", "tot": "2026-04-01"})

    assert "De einddatum mag niet vóór de begindatum liggen." in response.content.decode()


@pytest.mark.parametrize(
    ("sort", "direction", "expected"),
    [
        ("bedrag", "op", ["small", "middle", "large"]),
        ("bedrag", "af", ["large", "middle", "small"]),
        ("klant", "op", ["small", "middle", "large"]),
        ("startdatum", "af", ["large", "middle", "small"]),
        ("status", "op", ["small", "middle", "large"]),
    ],
)
def test_the_list_sorts_on_each_column(alice_client, provider, sort, direction, expected):
    # Created in an order that none of the sorts gives, so a sort that does nothing fails.
    today = timezone.localdate()
    made = {
        "large": dossier(
            provider,
            amount_excl_vat=Decimal("300.00"),
            client=OrganisationFactory(name="Cafe"),
            start_date=today - datetime.timedelta(days=1),
            status="refused",
        ),
        "small": dossier(
            provider,
            amount_excl_vat=Decimal("100.00"),
            client=OrganisationFactory(name="Apotheek"),
            start_date=today - datetime.timedelta(days=9),
        ),
        "middle": dossier(
            provider,
            amount_excl_vat=Decimal("200.00"),
            client=OrganisationFactory(name="Brouwerij"),
            start_date=today - datetime.timedelta(days=5),
            confirmed=True,
        ),
    }

    response = alice_client.get(LIST_URL, {"sorteer": sort, "volgorde": direction})

    assert rows(response) == [made[name].number for name in expected]


def test_the_column_header_of_the_current_sort_says_its_direction(alice_client, project):
    content = alice_client.get(LIST_URL, {"sorteer": "bedrag", "volgorde": "op"}).content.decode()

    assert 'aria-sort="ascending"' in content
    assert "sorteer=bedrag&amp;volgorde=af" in content


def test_the_list_is_paged_on_the_server_keeping_the_filters(alice_client, provider):
    made = [dossier(provider, filed_on=datetime.date(2026, 1, day)) for day in range(1, 28)]

    first = alice_client.get(LIST_URL, {"type": "A"})
    second = alice_client.get(LIST_URL, {"type": "A", "page": 2})
    larger = alice_client.get(LIST_URL, {"per_pagina": 50})

    assert len(rows(first)) == 25
    assert rows(second) == [made[1].number, made[0].number]
    assert len(rows(larger)) == 27
    assert "type=A&amp;page=2" in first.content.decode()


def test_the_overview_runs_the_same_number_of_queries_for_1_and_50_rows(alice_client, provider):
    registration = provider.registrations.get(service_type="A")
    ProjectFactory(service_provider=provider, registration=registration)
    alice_client.get(LIST_URL)  # the first request settles the session
    with CaptureQueriesContext(connection) as one:
        response = alice_client.get(LIST_URL, {"per_pagina": 50, "status": "submitted"})
    assert len(response.context["projects"]) == 1
    ProjectFactory.create_batch(49, service_provider=provider, registration=registration)

    with CaptureQueriesContext(connection) as fifty:
        response = alice_client.get(LIST_URL, {"per_pagina": 50, "status": "submitted"})

    assert len(response.context["projects"]) == 50
    assert len(fifty) == len(one), [query["sql"] for query in fifty.captured_queries]


def test_a_chosen_vakgebied_and_service_provider_cost_no_query_of_their_own(
    alice_client, provider
):
    """The filter form reads its vakgebieden and service providers once, for the
    options and for the check of the chosen values."""
    chosen = dossier(provider)
    alice_client.get(LIST_URL)  # the first request settles the session
    with CaptureQueriesContext(connection) as unfiltered:
        alice_client.get(LIST_URL)

    with CaptureQueriesContext(connection) as filtered:
        response = alice_client.get(
            LIST_URL, {"vakgebied": chosen.vakgebied_id, "dienstverlener": provider.pk}
        )

    assert response.context["filter_form"].is_valid()
    assert rows(response) == [chosen.number]
    assert len(filtered) == len(unfiltered), [query["sql"] for query in filtered]


# --- A dossier's page ------------------------------------------------------------------


def test_the_detail_page_shows_the_dossier_its_history_and_payments(
    alice_client, project, alice, an, django_capture_on_commit_callbacks
):
    sam = staff()
    project_confirm(project=project, user=alice)
    project_record_deposit(project=project, user=sam, paid_on=timezone.localdate())
    project_grant(project=project, user=sam)
    project_record_payment(
        project=project, user=sam, amount=Decimal("500.00"), paid_on=timezone.localdate()
    )

    response = alice_client.get(reverse("projects:detail", kwargs={"pk": project.pk}))

    content = response.content.decode()
    for text in (
        project.number,
        "Digitale boekhouding",
        "Bakkerij De Gouden Korst",
        "ICT",
        "€ 2.000,00",
        "€ 600,00",
        "deels betaald",
        "Historiek",
        "bevestigd door de dienstverlener",
        "de dienstverlener (Alice Peeters)",
        "subsidie toegekend",
        "het agentschap",
        "€ 500,00",
        "€ 1.500,00",  # still to pay
    ):
        assert text in content, text
    assert "Sam" not in content  # agency staff are not named to outsiders
    assert "Bevestigen" not in content


def test_a_submitted_dossier_offers_confirm_and_refuse(alice_client, project):
    content = alice_client.get(
        reverse("projects:detail", kwargs={"pk": project.pk})
    ).content.decode()

    assert reverse("projects:confirm", kwargs={"pk": project.pk}) in content
    assert reverse("projects:refuse", kwargs={"pk": project.pk}) in content
    assert "Bevestig of weiger de aanvraag." in content


# --- Confirm and refuse --------------------------------------------------------------


def test_confirming_asks_first_then_confirms_and_records_who(
    alice_client, project, alice, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("projects:confirm", kwargs={"pk": project.pk})
    page = alice_client.get(url)
    assert "Aanvraag bevestigen" in page.content.decode()
    project.refresh_from_db()
    assert project.status == Project.Status.SUBMITTED  # a GET changes nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(url, {"remark": "Tot in de les!"}, follow=True)

    project.refresh_from_db()
    assert project.status == Project.Status.CONFIRMED
    event = project.events.get(action=ProjectEvent.Action.CONFIRM)
    assert (event.actor, event.remark) == (alice, "Tot in de les!")
    assert "U hebt de aanvraag bevestigd." in response.content.decode()
    assert "info@goudenkorst.example" in mailoutbox[-1].to


def test_refusing_needs_a_reason_from_the_list_and_keeps_the_remark(alice_client, project):
    url = reverse("projects:refuse", kwargs={"pk": project.pk})

    response = alice_client.post(url, {"reason": "", "remark": "Geen kmo."})

    assert response.status_code == 200
    content = response.content.decode()
    assert "Kies een reden uit de lijst." in content
    assert "Geen kmo." in content
    project.refresh_from_db()
    assert project.status == Project.Status.SUBMITTED


def test_refusing_with_a_reason_and_remark_refuses_the_application(alice_client, project, an):
    url = reverse("projects:refuse", kwargs={"pk": project.pk})
    page = alice_client.get(url).content.decode()
    for label in (
        "onderneming komt niet in aanmerking",
        "aanverwante onderneming",
        "dienstverlening komt niet in aanmerking",
        "verkeerde dienstverlener",
    ):
        assert label in page

    response = alice_client.post(url, {"reason": "related_enterprise", "remark": "Zelfde groep."})

    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == Project.Status.REFUSED
    assert (project.refusal_reason, project.refusal_remark) == (
        "related_enterprise",
        "Zelfde groep.",
    )


def test_a_decided_application_cannot_be_decided_again(alice_client, project, alice):
    project_confirm(project=project, user=alice)

    response = alice_client.post(
        reverse("projects:refuse", kwargs={"pk": project.pk}),
        {"reason": "wrong_provider", "remark": "Toch niet."},
        follow=True,
    )

    assert "Deze aanvraag is al beslist" in response.content.decode()
    project.refresh_from_db()
    assert project.status == Project.Status.CONFIRMED


def test_another_providers_dossier_is_not_found(client, bob, project):
    client.force_login(bob)

    for name in ("projects:detail", "projects:confirm", "projects:refuse"):
        assert client.get(reverse(name, kwargs={"pk": project.pk})).status_code == 404
    response = client.post(reverse("projects:confirm", kwargs={"pk": project.pk}))
    assert response.status_code == 404
    project.refresh_from_db()
    assert project.status == Project.Status.SUBMITTED


def test_the_overview_is_the_menus_option_2_4(alice_client):
    content = alice_client.get(LIST_URL).content.decode()

    navigation = content.split('aria-label="Menu dienstverlener"')[1].split("</nav>")[0]
    assert f'href="{LIST_URL}" aria-current="page"' in navigation


def test_a_dossier_number_does_not_break_across_lines(alice_client, project):
    assert project.number
    listed = alice_client.get(LIST_URL).content.decode()
    shown = alice_client.get(reverse("projects:detail", args=[project.pk])).content.decode()

    detail = reverse("projects:detail", args=[project.pk])
    assert f'class="text-nowrap" href="{detail}">{project.number}</a>' in listed
    assert f'<dd class="col-sm-8 text-nowrap">{project.number}</dd>' in shown
