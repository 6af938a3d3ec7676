"""projects.presenters: what the dossier pages show of a dossier."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from projects import presenters
from projects.models import Project
from projects.presenters import PROVIDER, SME, Deadline
from projects.selectors import OVERVIEW_FIELDS
from tests.projects.domain_support import project_in

pytestmark = pytest.mark.django_db

Status = Project.Status
TODAY = datetime.date(2026, 3, 2)


def days(n):
    return TODAY + datetime.timedelta(days=n)


# --- Status -------------------------------------------------------------------------


def test_a_confirmed_dossier_past_its_deposit_deadline_shows_as_lapsed():
    project = Project(status=Status.CONFIRMED, deposit_due_on=days(-1))

    assert presenters.effective_status(project, TODAY) == Status.LAPSED


def test_every_status_has_a_badge_colour_and_an_unknown_one_a_neutral_badge():
    assert all(presenters.status_class(status) != "text-bg-light border" for status in Status)
    assert presenters.status_class("unknown") == "text-bg-light border"
    assert presenters.status_label("unknown") == "unknown"
    assert presenters.status_label(Status.SUBMITTED) == Status.SUBMITTED.label


# --- The next deadline --------------------------------------------------------------


def test_a_filed_dossier_waits_on_the_providers_confirmation():
    project = Project(status=Status.SUBMITTED, confirmation_due_on=days(3))

    for_sme = presenters.deadline(project, viewer=SME, on=TODAY)
    for_provider = presenters.deadline(project, viewer=PROVIDER, on=TODAY)

    assert (for_sme.day, for_sme.days_left) == (days(3), 3)
    assert for_sme.purpose == "bevestiging door de dienstverlener"
    assert for_provider.purpose == "te bevestigen"


def test_a_confirmed_dossier_waits_on_the_clients_deposit():
    project = Project(status=Status.CONFIRMED, deposit_due_on=days(30))

    assert presenters.deadline(project, viewer=SME, on=TODAY).purpose == (
        "uw eigen aandeel storten"
    )
    assert presenters.deadline(project, viewer=PROVIDER, on=TODAY).purpose == (
        "storting eigen aandeel door de klant"
    )


@pytest.mark.parametrize(
    "status", [Status.DEPOSITED, Status.GRANTED, Status.PAID, Status.REFUSED, Status.STOPPED]
)
def test_nothing_is_due_once_the_client_has_deposited_or_the_dossier_ended(status):
    project = Project(status=status, deposit_due_on=days(30))

    assert presenters.deadline(project, viewer=SME, on=TODAY) is None


def test_a_lapsed_dossier_has_no_deadline_any_more():
    project = Project(status=Status.CONFIRMED, deposit_due_on=days(-1))

    assert presenters.deadline(project, viewer=PROVIDER, on=TODAY) is None


@pytest.mark.parametrize(
    ("days_left", "text", "overdue"),
    [
        (3, "nog 3 dagen", False),
        (1, "nog 1 dag", False),
        (0, "vandaag", False),
        (-1, "1 dag over tijd", True),
        (-12, "12 dagen over tijd", True),
    ],
)
def test_the_days_left_read_as_a_phrase(days_left, text, overdue):
    deadline = Deadline(day=days(days_left), purpose="te bevestigen", days_left=days_left)

    assert (deadline.days_text, deadline.overdue) == (text, overdue)


# --- The next step ------------------------------------------------------------------


def test_the_next_step_speaks_to_each_side():
    project = Project(status=Status.SUBMITTED, confirmation_due_on=days(14))

    assert presenters.next_step(project, viewer=SME, on=TODAY) == (
        "Uw dienstverlener bevestigt of weigert de aanvraag (verwacht tegen 16/03/2026)."
    )
    assert presenters.next_step(project, viewer=PROVIDER, on=TODAY) == (
        "Bevestig of weiger de aanvraag."
    )


def test_after_the_grant_the_client_orders_the_payment_of_what_is_outstanding():
    project = Project(
        status=Status.PARTIALLY_PAID,
        amount_excl_vat=Decimal("2000.00"),
        amount_paid=Decimal("500.00"),
    )

    with override("nl-be"):
        assert presenters.next_step(project, viewer=SME, on=TODAY) == (
            "Geef opdracht tot betaling van € 1.500,00 aan uw dienstverlener."
        )


def test_a_lapsed_dossier_has_no_next_step():
    project = Project(status=Status.CONFIRMED, deposit_due_on=days(-1))

    assert presenters.next_step(project, viewer=SME, on=TODAY) == (
        "Geen: het dossier is afgesloten."
    )


# --- Rows ---------------------------------------------------------------------------


def test_a_row_of_the_overview_and_the_dossier_itself_show_the_same():
    today = timezone.localdate()
    project_in(Status.CONFIRMED, deposit_due_on=today + datetime.timedelta(days=5))
    project_in(Status.CONFIRMED, deposit_due_on=today - datetime.timedelta(days=2))
    project_in(Status.SUBMITTED, confirmation_due_on=today - datetime.timedelta(days=1))
    project_in(Status.GRANTED)

    rows = list(Project.objects.with_deadline(on=today))
    assert len(rows) == 4
    for annotated in rows:
        plain = Project.objects.get(pk=annotated.pk)
        for viewer in (SME, PROVIDER):
            from_row = presenters.ProjectRow(annotated, viewer=viewer, on=today)
            from_dossier = presenters.ProjectRow(plain, viewer=viewer, on=today)
            assert from_row.status == from_dossier.status == annotated.effective_status
            assert from_row.deadline == from_dossier.deadline
            assert from_row.next_step == from_dossier.next_step


def test_a_row_of_the_providers_overview_shows_what_the_dossier_itself_shows(
    django_assert_num_queries,
):
    today = timezone.localdate()
    project_in(Status.CONFIRMED, deposit_due_on=today + datetime.timedelta(days=5))
    project_in(Status.CONFIRMED, deposit_due_on=today - datetime.timedelta(days=2))
    project_in(Status.SUBMITTED, confirmation_due_on=today - datetime.timedelta(days=1))
    project_in(Status.GRANTED)
    values = list(Project.objects.with_deadline(on=today).values(*OVERVIEW_FIELDS))

    with django_assert_num_queries(0):
        rows = presenters.overview_rows(values)

    assert len(rows) == 4
    for row in rows:
        dossier = Project.objects.select_related("client").get(number=row["number"])
        assert row["url"] == reverse("projects:detail", args=[dossier.pk])
        assert row["status"] == presenters.effective_status(dossier, today)
        assert row["deadline"] == presenters.deadline(dossier, viewer=PROVIDER, on=today)
        assert row["service_type"] == dossier.get_service_type_display()
        assert row["client_kbo"] == dossier.client.kbo_display


def test_the_rows_of_a_page_cost_no_query(django_assert_num_queries):
    project_in(Status.CONFIRMED)
    project_in(Status.SUBMITTED)
    page = list(Project.objects.with_deadline())

    with django_assert_num_queries(0):
        shown = [
            (row.status, row.deadline, row.next_step)
            for row in presenters.project_rows(page, viewer=SME)
        ]

    assert len(shown) == 2
    assert all(deadline is not None for _status, deadline, _step in shown)
