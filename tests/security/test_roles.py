"""The staff roles of portal.roles: loaded by the migration, exactly as defined, and
what each may do in the large (the admin walk is in test_admin_access_matrix)."""

import dataclasses

import pytest
from django.contrib.auth.models import Group, Permission

from portal import roles
from portal.roles import AUDITOR, PROCESSOR, RATES_MANAGER, REVIEWER, ROLES, VERIFIER

pytestmark = pytest.mark.django_db


def permissions_of(group):
    return {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def test_the_migration_loaded_every_role_with_exactly_its_permissions():
    for role in ROLES:
        group = Group.objects.get(name=role.name)
        assert permissions_of(group) == set(role.permissions), role.name


def test_every_permission_a_role_names_exists():
    known = {
        f"{app_label}.{codename}"
        for app_label, codename in Permission.objects.values_list(
            "content_type__app_label", "codename"
        )
    }
    for role in ROLES:
        assert set(role.permissions) <= known, role.name


def test_the_sync_puts_a_changed_role_back_as_defined():
    reviewer = Group.objects.get(name=REVIEWER.name)
    reviewer.permissions.add(Permission.objects.get(codename="delete_organisation"))
    reviewer.permissions.remove(Permission.objects.get(codename="change_registration"))
    Group.objects.get(name=AUDITOR.name).delete()

    roles.staff_roles_sync()

    assert permissions_of(Group.objects.get(name=REVIEWER.name)) == set(REVIEWER.permissions)
    assert permissions_of(Group.objects.get(name=AUDITOR.name)) == set(AUDITOR.permissions)


def test_the_sync_is_safe_to_run_twice_and_leaves_other_groups_alone():
    other = Group.objects.create(name="Projectteam")
    other.permissions.add(Permission.objects.get(codename="view_project"))

    roles.staff_roles_sync()
    roles.staff_roles_sync()

    assert Group.objects.filter(name__in=roles.role_group_names()).count() == len(ROLES)
    assert permissions_of(other) == {"projects.view_project"}


def test_the_sync_skips_a_model_that_does_not_exist_yet(monkeypatch):
    future = dataclasses.replace(
        AUDITOR, permissions=(*AUDITOR.permissions, "projects.view_futuremodel")
    )
    monkeypatch.setattr(roles, "ROLES", (future,))

    roles.staff_roles_sync()

    assert permissions_of(Group.objects.get(name=AUDITOR.name)) == set(AUDITOR.permissions)


def test_the_sync_refuses_a_permission_that_is_misspelt(monkeypatch):
    typo = dataclasses.replace(REVIEWER, permissions=("registrations.decide_registration",))
    monkeypatch.setattr(roles, "ROLES", (typo,))

    with pytest.raises(LookupError, match=r"registrations\.decide_registration"):
        roles.staff_roles_sync()


def test_the_role_names_are_dutch_and_distinct():
    names = [role.name for role in ROLES]
    assert len(set(names)) == len(names)
    assert names == [
        "Beoordelaar registraties",
        "Behandelaar steundossiers",
        "Verificateur rekeningnummers",
        "Beheerder steunpercentages en plafonds",
        "Beheerder e-mails",
        "Auditor (alleen lezen)",
    ]


def test_no_role_deletes_anything():
    assert [p for role in ROLES for p in role.permissions if ".delete_" in p] == []


def test_no_role_adds_or_changes_what_providers_smes_or_acm_own():
    owned = {
        "organisations.organisation",
        "providers.serviceprovider",
        "establishments.establishment",
        "portal.membership",
        "portal.user",
    }
    for role in ROLES:
        for permission in role.permissions:
            app_label, codename = permission.split(".")
            action, model = codename.split("_", 1)
            if action in {"add", "change"}:
                assert f"{app_label}.{model}" not in owned, (role.name, permission)


def test_the_auditor_only_views_and_sees_all_that_the_other_roles_see():
    assert all(".view_" in permission for permission in AUDITOR.permissions)
    seen_by_others = {
        permission
        for role in ROLES
        if role is not AUDITOR
        for permission in role.permissions
        if ".view_" in permission
    }
    assert seen_by_others <= set(AUDITOR.permissions)


def test_deciding_and_paying_are_separated_from_setting_the_rates():
    assert "projects.change_project" in PROCESSOR.permissions
    assert not {"projects.change_subsidyrate", "projects.add_subsidyrate"} & set(
        PROCESSOR.permissions
    )
    assert "projects.change_project" not in RATES_MANAGER.permissions


def test_each_decision_belongs_to_one_role():
    deciders = {
        permission: [role.key for role in ROLES if permission in role.permissions]
        for permission in [
            "registrations.change_registration",
            "projects.change_project",
            "providers.change_bankaccountchange",
        ]
    }
    assert deciders == {
        "registrations.change_registration": [REVIEWER.key],
        "projects.change_project": [PROCESSOR.key],
        "providers.change_bankaccountchange": [VERIFIER.key],
    }
