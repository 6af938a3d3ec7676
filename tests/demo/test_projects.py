"""The demo subsidy dossiers that `load_demo_data` adds (demo.projects): every status, for
every demo provider, over two years, through the services."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from demo import projects as demo_projects
from demo.identities import DEMO_CLIENTS, DEMO_ORGANISATIONS, DEMO_SME
from demo.providers import demo_data_load
from projects.models import Payment, Project, ProjectEvent
from projects.rates import ceiling_on
from tests.demo.conftest import COUNT

pytestmark = pytest.mark.django_db
Status = Project.Status
CLIENT_KBOS = {DEMO_SME[0], *(client["kbo"] for client in DEMO_CLIENTS)}


def demo_dossiers():
    return Project.objects.filter(client__kbo_number__in=CLIENT_KBOS)


def snapshot():
    return {
        "projects": sorted(
            demo_dossiers().values_list(
                "number", "client__kbo_number", "title", "status", "subsidy_amount", "amount_paid"
            )
        ),
        "events": ProjectEvent.objects.count(),
        "payments": sorted(Payment.objects.values_list("project__number", "amount", "paid_on")),
    }


def test_every_status_of_the_state_machine_is_there(loaded):
    statuses = set(demo_dossiers().values_list("status", flat=True))
    assert statuses == set(Status.values)


def test_every_plan_leaves_its_steps_the_days_they_need():
    for plan in demo_projects.PLANS:
        assert plan.filed_days_ago >= demo_projects.NEEDS_DAYS[plan.outcome], plan.title
        if plan.outcome == demo_projects.CONFIRMED:
            # Still within its deposit term: confirmed, not (derived) lapsed.
            assert plan.filed_days_ago <= demo_projects.CONFIRM_AFTER + 30, plan.title


def test_every_plan_is_loaded_on_a_fresh_database(loaded):
    assert demo_dossiers().count() == len(demo_projects.PLANS)


def test_each_demo_provider_has_dossiers_in_several_statuses_and_one_to_confirm(loaded):
    for kbo, name in DEMO_ORGANISATIONS:
        dossiers = demo_dossiers().filter(provider_organisation__kbo_number=kbo)
        assert len(set(dossiers.values_list("status", flat=True))) >= 6, name
        assert dossiers.filter(status=Status.SUBMITTED).exists(), name


def test_some_dossiers_wait_for_confirmation_with_only_a_few_days_left(loaded):
    days_left = [
        project.days_left() for project in demo_dossiers().filter(status=Status.SUBMITTED)
    ]
    assert min(days_left) <= 7
    assert all(days >= 0 for days in days_left)


def test_the_filing_dates_spread_over_the_last_two_years(loaded):
    today = timezone.localdate()
    filed = list(demo_dossiers().values_list("filed_on", flat=True))
    assert min(filed) >= today - datetime.timedelta(days=731)
    assert max(filed) <= today
    assert min(filed) <= today - datetime.timedelta(days=700)
    assert len({(day.year, day.month) for day in filed}) >= 18


def test_the_steps_are_dated_when_they_happened_not_when_the_demo_was_loaded(loaded):
    closed = demo_dossiers().filter(status=Status.CLOSED).order_by("filed_on").first()
    assert timezone.localdate(closed.created_at) == closed.filed_on
    assert closed.filed_on < timezone.localdate(closed.confirmed_at) < closed.deposit_paid_on
    assert closed.paid_on < timezone.localdate(closed.closed_at)
    moments = list(closed.events.order_by("pk").values_list("at", flat=True))
    assert moments == sorted(moments)
    assert timezone.localdate(moments[0]) == closed.filed_on


def test_the_totals_obey_the_annual_ceiling(loaded):
    rows = (
        demo_dossiers()
        .counting_for_ceiling()
        .values("client", "filed_on__year")
        .annotate(total=Sum("subsidy_amount"))
    )
    assert rows
    for row in rows:
        ceiling = ceiling_on(on=datetime.date(row["filed_on__year"], 12, 31)).amount
        assert row["total"] <= ceiling, row


def test_the_subsidy_follows_the_rates(loaded):
    for project in demo_dossiers():
        gross = (project.amount_excl_vat * project.subsidy_percentage / 100).quantize(
            Decimal("0.01")
        )
        assert project.subsidy_amount <= gross
        assert project.own_share == project.amount_excl_vat - project.subsidy_amount
    cyber = demo_dossiers().filter(higher_rate_topic="cybersecurity", company_size="small")
    assert cyber.exists()
    assert set(cyber.values_list("subsidy_percentage", flat=True)) == {Decimal("45.00")}


def test_payments_add_up_to_what_the_dossiers_say(loaded):
    for project in demo_dossiers().filter(
        status__in=[Status.PARTIALLY_PAID, Status.PAID, Status.CLOSED]
    ):
        paid = project.payments.aggregate(total=Sum("amount"))["total"]
        assert paid == project.amount_paid
    for project in demo_dossiers().filter(status__in=[Status.PAID, Status.CLOSED]):
        assert project.amount_paid == project.amount_excl_vat
        assert project.payments.count() == 2


def test_refusals_stops_and_lapses_carry_their_reasons_and_events(loaded):
    for refused in demo_dossiers().filter(status=Status.REFUSED):
        assert refused.refusal_reason in Project.RefusalReason.values
        assert refused.refusal_remark
    stopped = demo_dossiers().filter(status=Status.STOPPED)
    assert all(project.stop_reason for project in stopped)
    remarks = set(
        ProjectEvent.objects.filter(
            project__in=stopped, action=ProjectEvent.Action.STOP
        ).values_list("remark", flat=True)
    )
    assert remarks == {"door de klant", "door het agentschap"}
    lapsed = demo_dossiers().filter(status=Status.LAPSED)
    assert lapsed.exists()
    for project in lapsed:
        assert project.events.filter(action=ProjectEvent.Action.LAPSE).exists()
        assert project.deposit_due_on < timezone.localdate(project.lapsed_at)


def test_the_parties_take_their_own_steps(loaded):
    actors = {
        action: set(
            ProjectEvent.objects.filter(action=action).values_list("actor__username", flat=True)
        )
        for action in ProjectEvent.Action.values
    }
    assert actors[ProjectEvent.Action.CONFIRM] == {"demo-sofie-maes", "demo-pieter-de-smet"}
    assert actors[ProjectEvent.Action.GRANT] == {"medewerker"}
    assert "demo-an-willems" in actors[ProjectEvent.Action.SUBMIT]
    bakkerij = Project.objects.filter(client__kbo_number=DEMO_SME[0])
    assert set(bakkerij.values_list("filed_by__username", flat=True)) == {"demo-an-willems"}


def test_a_second_run_changes_nothing(loaded):
    before = snapshot()
    demo_data_load(organisations=COUNT)
    summary = demo_projects.projects_demo_load()
    assert summary.projects_created == 0
    assert summary.projects == len(demo_projects.PLANS)
    assert snapshot() == before
