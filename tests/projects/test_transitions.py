"""Project's declared state machine, and the agency's buttons derived from it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core import transitions
from projects.models import Project
from tests.projects.domain_support import project_in, staff

Status = Project.Status
NOT_FINAL = {
    Status.SUBMITTED,
    Status.CONFIRMED,
    Status.DEPOSITED,
    Status.GRANTED,
    Status.PARTIALLY_PAID,
    Status.PAID,
}

# name -> (statuses it starts from, statuses it leads to)
TABLE = {
    "submit": ({Status.SUBMITTED}, {Status.SUBMITTED}),
    "confirm": ({Status.SUBMITTED}, {Status.CONFIRMED}),
    "refuse": ({Status.SUBMITTED}, {Status.REFUSED}),
    "record_deposit": ({Status.CONFIRMED}, {Status.DEPOSITED}),
    "grant": ({Status.DEPOSITED}, {Status.GRANTED}),
    "record_payment": (
        {Status.GRANTED, Status.PARTIALLY_PAID},
        {Status.PARTIALLY_PAID, Status.PAID},
    ),
    "close": ({Status.PAID}, {Status.CLOSED}),
    "stop": (NOT_FINAL, {Status.STOPPED}),
    "lapse": ({Status.CONFIRMED}, {Status.LAPSED}),
}


def test_the_declared_transitions_are_the_state_machine():
    declared = transitions.declared(Project)
    assert {item.name: (set(item.sources), set(item.targets)) for item in declared} == TABLE


def test_the_final_statuses_are_the_ones_no_transition_leaves():
    sources = {source for item in transitions.declared(Project) for source in item.sources}
    assert set(Status) - sources == Project.FINAL


def test_staff_take_the_agencys_steps_in_the_admin_and_nothing_else():
    declared = transitions.declared(Project)
    assert [item.name for item in declared if item.in_admin] == [
        "record_deposit",
        "grant",
        "record_payment",
        "close",
        "stop",
    ]


@pytest.mark.django_db
def test_a_dossier_lapsed_by_its_dates_offers_only_the_deposit(client):
    project = project_in(
        Status.CONFIRMED,
        confirmed_at=timezone.now() - datetime.timedelta(days=40),
        deposit_due_on=timezone.localdate() - datetime.timedelta(days=10),
    )
    client.force_login(staff())

    response = client.get(reverse("admin:projects_project_change", args=[project.pk]))

    assert [action["label"] for action in response.context["object_actions"]] == [
        "Eigen aandeel gestort registreren"
    ]
    assert transitions.refusal(project, "stop").code == "lapsed"
