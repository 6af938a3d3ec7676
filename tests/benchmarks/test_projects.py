"""Smoke tests of the dossier part of the benchmark (issue 7) with tiny volumes: the
seeder on every database (COPY on PostgreSQL), the scenarios through the views."""

import csv
import datetime
import io
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum

from benchmarks import load_modules
from benchmarks.directory import seed_directory
from benchmarks.measure import _get, measure_scenario, scenario_path
from benchmarks.projects import (
    CEILING_CENTS,
    OVERVIEW_QUERIES,
    PROVIDER_USERNAME,
    big_organisation,
    seed_dossiers,
)
from benchmarks.registry import SCENARIOS
from projects.models import Payment, Project, ProjectNumberCounter

pytestmark = pytest.mark.django_db

DOSSIERS = 400


def _quiet(*args):
    pass


@pytest.fixture
def seeded():
    seed_directory(volumes={"providers": 30, "establishments": 60}, rng_seed="t", log=_quiet)
    seed_dossiers(volumes={"dossiers": DOSSIERS}, rng_seed="t", log=_quiet)


def _scenarios():
    load_modules()
    return {scenario.name: scenario for scenario in SCENARIOS if scenario.group == "dossiers"}


def test_the_seeder_writes_the_dossiers_with_one_big_organisation(seeded):
    organisation = big_organisation()

    assert Project.objects.count() == DOSSIERS
    assert Project.objects.for_organisation(organisation).count() == DOSSIERS // 10
    per_organisation = Counter(Project.objects.values_list("provider_organisation", flat=True))
    assert len(per_organisation) > 10


def test_dossiers_are_consistent_with_their_provider_and_registration(seeded):
    for project in Project.objects.select_related("service_provider", "registration"):
        assert project.provider_organisation_id == project.service_provider.organisation_id
        assert project.registration.service_provider_id == project.service_provider_id
        assert project.registration.service_type == project.service_type
        assert project.service_provider.vakgebieden.filter(pk=project.vakgebied_id).exists()
        assert project.start_date <= project.filing_deadline
        assert project.own_share == project.amount_excl_vat - project.subsidy_amount


def test_the_dossiers_follow_the_eligibility_rules_of_their_filing_dates(seeded):
    reform = datetime.date(2026, 2, 1)
    advice = Project.objects.filter(service_type="A")
    assert advice.filter(filed_on__lt=reform).exclude(higher_rate_topic="cybersecurity").exists()
    late = advice.filter(filed_on__gte=reform)
    assert late.exists()
    assert set(late.values_list("higher_rate_topic", flat=True)) == {"cybersecurity"}
    assert set(late.values_list("subsidy_percentage", flat=True)) <= {
        Decimal("45.00"),
        Decimal("35.00"),
    }


def test_statuses_spread_over_the_state_machine_with_their_dates(seeded):
    statuses = Counter(Project.objects.values_list("status", flat=True))

    assert len(statuses) >= 7
    assert not Project.objects.filter(status="confirmed", deposit_due_on__isnull=True).exists()
    assert not Project.objects.filter(status="closed", closed_at__isnull=True).exists()
    assert not Project.objects.filter(status="refused", refusal_reason="").exists()


def test_payments_add_up_to_what_the_dossier_says(seeded):
    assert Payment.objects.exists()
    for project in Project.objects.filter(status__in=["partially_paid", "paid", "closed"]):
        paid = project.payments.aggregate(total=Sum("amount"))["total"]
        assert paid == project.amount_paid
        if project.status != "partially_paid":
            assert paid == project.amount_excl_vat
    assert not Payment.objects.exclude(
        project__status__in=["partially_paid", "paid", "closed"]
    ).exists()


def test_no_client_gets_more_than_the_annual_ceiling(seeded):
    totals = Counter()
    for client, year, subsidy in Project.objects.values_list(
        "client", "filed_on__year", "subsidy_amount"
    ):
        totals[client, year] += subsidy
    assert max(totals.values()) <= Decimal(CEILING_CENTS) / 100


def test_numbers_are_unique_per_year_and_the_counter_follows(seeded):
    numbers = Project.objects.values_list("number", flat=True)
    assert len(set(numbers)) == DOSSIERS
    for counter in ProjectNumberCounter.objects.all():
        assert Project.objects.filter(filed_on__year=counter.year).count() == counter.last_number


def test_the_same_seed_gives_the_same_dossiers(seeded):
    first = list(Project.objects.order_by("pk").values_list("number", "status", "amount_excl_vat"))
    Payment.objects.all().delete()
    Project.objects.all().delete()
    ProjectNumberCounter.objects.all().delete()
    clients = Project._meta.get_field("client").related_model.objects.filter(
        kbo_number__startswith="03"
    )
    clients.delete()

    seed_dossiers(volumes={"dossiers": DOSSIERS}, rng_seed="t", log=_quiet)

    again = list(Project.objects.order_by("pk").values_list("number", "status", "amount_excl_vat"))
    assert again == first


def test_the_scenarios_cover_the_overview_and_the_export():
    scenarios = _scenarios()

    assert set(scenarios) == {
        "dossiers overview",
        "dossiers 100 per page",
        "dossiers by status",
        "dossiers period+vakgebied",
        "dossiers by amount",
        "dossiers page 50",
        "dossiers CSV 10,000",
    }


def test_every_page_and_the_export_have_a_time_and_a_query_target():
    scenarios = _scenarios()
    export = scenarios.pop("dossiers CSV 10,000")

    assert (export.p95_ms, export.max_queries) == (500, 4)
    for scenario in scenarios.values():
        assert (scenario.p95_ms, scenario.max_queries) == (100, OVERVIEW_QUERIES), scenario.name


def test_every_dossier_scenario_answers_200_within_its_query_target(seeded):
    for scenario in _scenarios().values():
        # One warm-up: the first request stores the active organisation in the session.
        result = measure_scenario(scenario, repeats=1, warmup=1)

        assert result.status == 200, scenario.name
        assert result.meets_queries, (scenario.name, result.queries)


def test_the_overview_runs_the_same_queries_for_25_and_100_rows(seeded):
    scenarios = _scenarios()

    small = measure_scenario(scenarios["dossiers overview"], repeats=1, warmup=1)
    large = measure_scenario(scenarios["dossiers 100 per page"], repeats=1, warmup=1)

    assert small.queries == large.queries == scenarios["dossiers overview"].max_queries


def test_the_export_scenario_streams_the_big_organisations_newest_dossiers(seeded, client):
    scenario = _scenarios()["dossiers CSV 10,000"]
    scenario.prepare_client(client)

    response = client.get(scenario_path(scenario))
    text = b"".join(response.streaming_content).decode("utf-8-sig")

    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    # Fewer than 10,000 dossiers in the tiny set: the export holds all of them.
    assert len(rows) - 1 == Project.objects.for_organisation(big_organisation()).count()
    assert _get(client, scenario_path(scenario)).status_code == 200


def test_the_provider_user_is_signed_in_for_the_big_organisation_only(seeded, client):
    _scenarios()["dossiers overview"].prepare_client(client)

    assert client.session["_auth_user_id"]
    membership = big_organisation().memberships.get()
    assert membership.user.username == PROVIDER_USERNAME
    assert connection.vendor in ("postgresql", "sqlite")
