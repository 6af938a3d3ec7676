"""Registration's declared state machine, and the admin buttons derived from it."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from core import transitions
from registrations.models import Registration
from tests.factories import RegistrationFactory, UserFactory

Status = Registration.Status

# name -> (statuses it starts from, statuses it leads to)
TABLE = {
    "request": ({Status.REQUESTED}, {Status.REQUESTED}),
    "approve": ({Status.REQUESTED}, {Status.APPROVED}),
    "refuse": ({Status.REQUESTED}, {Status.REFUSED}),
    "cancel": ({Status.REQUESTED}, {Status.CANCELLED}),
    "suspend": ({Status.APPROVED}, {Status.SUSPENDED}),
    "lift_suspension": ({Status.SUSPENDED}, {Status.APPROVED}),
    "withdraw": ({Status.APPROVED, Status.SUSPENDED}, {Status.WITHDRAWN}),
    "exclude": ({Status.REQUESTED, Status.APPROVED, Status.SUSPENDED}, {Status.EXCLUDED}),
    "renew": ({Status.APPROVED}, {Status.APPROVED}),
}
IN_ADMIN = ["approve", "refuse", "suspend", "lift_suspension", "withdraw", "exclude", "renew"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_declared_transitions_are_the_state_machine():
    declared = transitions.declared(Registration)
    assert {item.name: (set(item.sources), set(item.targets)) for item in declared} == TABLE


def test_staff_take_the_agencys_decisions_in_the_admin_and_nothing_else():
    declared = transitions.declared(Registration)
    assert [item.name for item in declared if item.in_admin] == IN_ADMIN


def test_only_the_decisions_that_take_something_away_are_destructive():
    declared = transitions.declared(Registration)
    assert {item.name for item in declared if item.destructive} == {
        "refuse",
        "suspend",
        "withdraw",
        "exclude",
    }


def in_status(status, **fields):
    if status in {Status.APPROVED, Status.SUSPENDED}:
        return RegistrationFactory(approved=True, status=status, **fields)
    return RegistrationFactory(status=status, **fields)


def change_page(client, registration):
    return client.get(reverse("admin:registrations_registration_change", args=[registration.pk]))


@pytest.mark.django_db
@pytest.mark.parametrize("status", list(Status), ids=str)
@pytest.mark.parametrize("is_starter", [False, True], ids=["regular", "starter"])
def test_the_buttons_are_the_admin_transitions_the_status_and_conditions_allow(
    client, status, is_starter
):
    registration = in_status(status, is_starter=is_starter)
    client.force_login(UserFactory(username="sam", is_staff=True, is_superuser=True))

    offered = [
        action["label"] for action in change_page(client, registration).context["object_actions"]
    ]

    expected = [
        item.label
        for item in transitions.declared(Registration)
        if item.in_admin
        and status in item.sources
        and all(condition(registration) for condition in item.conditions)
    ]
    assert offered == expected
    if status == Status.APPROVED:
        assert ("Verlengen na opvolgingsaudit" in offered) is is_starter


@pytest.mark.django_db
def test_the_buttons_need_the_change_permission(client):
    registration = in_status(Status.REQUESTED)
    walter = UserFactory(username="walter", is_staff=True)
    walter.user_permissions.add(Permission.objects.get(codename="view_registration"))
    client.force_login(walter)
    assert change_page(client, registration).context["object_actions"] == []

    walter.user_permissions.add(Permission.objects.get(codename="change_registration"))

    offered = change_page(client, registration).context["object_actions"]
    assert [action["label"] for action in offered] == ["Goedkeuren", "Weigeren", "Uitsluiten"]
