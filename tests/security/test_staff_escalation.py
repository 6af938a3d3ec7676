"""Staff cannot raise their own rights, nor anyone else's (issue 13, first finding).

Only superusers manage users, groups and permissions; rights to act for an
organisation (memberships) come from ACM and are rebuilt at every sign-in, so nobody
edits them in the admin. Mallory (see conftest) holds view and change on every model
of the portal's apps, users and memberships included, and still gets nowhere.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from portal.models import Membership
from portal.roles import AUDITOR, PROCESSOR, REVIEWER, ROLES, VERIFIER
from tests.security.conftest import form_data

pytestmark = pytest.mark.django_db


def user_change_url(user):
    return reverse("admin:portal_user_change", args=[user.pk])


def change_user_as(client, attacker, superuser, target, **changes):
    """POST `target`'s change form as `attacker`, with the form as the superuser sees it
    and `changes` applied (None removes a field, as an unticked box does)."""
    client.force_login(superuser)
    data = form_data(client.get(user_change_url(target)))
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    client.force_login(attacker)
    return client.post(user_change_url(target), data)


def test_staff_cannot_make_themselves_superuser(client, mallory, superuser):
    response = change_user_as(client, mallory, superuser, mallory, is_superuser="on")

    assert response.status_code == 403
    mallory.refresh_from_db()
    assert not mallory.is_superuser


def test_staff_cannot_grant_themselves_permissions(client, mallory, superuser):
    before = set(mallory.user_permissions.all())
    everything = [str(pk) for pk in Permission.objects.values_list("pk", flat=True)]

    response = change_user_as(client, mallory, superuser, mallory, user_permissions=everything)

    assert response.status_code == 403
    assert set(mallory.user_permissions.all()) == before
    assert not mallory.has_perm("portal.delete_user")


def test_staff_cannot_put_themselves_in_a_role(client, mallory, superuser):
    groups = [str(pk) for pk in Group.objects.values_list("pk", flat=True)]

    response = change_user_as(client, mallory, superuser, mallory, groups=groups)

    assert response.status_code == 403
    assert not mallory.groups.exists()


def test_staff_cannot_set_the_superusers_password(client, mallory, superuser):
    superuser.set_password("the-old-secret-42")
    superuser.save()
    client.force_login(mallory)
    url = reverse("admin:auth_user_password_change", args=[superuser.pk])

    page = client.get(url)
    response = client.post(
        url,
        {"password1": "Mallory-was-here-1", "password2": "Mallory-was-here-1"},
    )

    assert page.status_code == 403
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.check_password("the-old-secret-42")


def test_staff_cannot_deactivate_the_superuser(client, mallory, superuser):
    response = change_user_as(client, mallory, superuser, superuser, is_active=None)

    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.is_active


def test_staff_cannot_make_a_provider_user_staff(client, mallory, superuser, alice):
    response = change_user_as(client, mallory, superuser, alice, is_staff="on")

    assert response.status_code == 403
    alice.refresh_from_db()
    assert not alice.is_staff


def test_staff_cannot_give_a_provider_user_the_rights_of_another_organisation(
    client, mallory, alice, acme, charlies_organisation
):
    membership = alice.memberships.get()
    client.force_login(mallory)
    url = reverse("admin:portal_membership_change", args=[membership.pk])

    response = client.post(
        url,
        {
            "user": alice.pk,
            "organisation": charlies_organisation.pk,
            "profile": Membership.Profile.PROVIDER,
        },
    )

    assert response.status_code == 403
    assert list(alice.memberships.values_list("organisation", flat=True)) == [acme.pk]


def test_staff_cannot_give_rights_through_the_user_page(
    client, mallory, superuser, alice, charlies_organisation
):
    response = change_user_as(
        client,
        mallory,
        superuser,
        alice,
        **{
            "memberships-TOTAL_FORMS": "2",
            "memberships-1-organisation": str(charlies_organisation.pk),
            "memberships-1-profile": Membership.Profile.PROVIDER,
        },
    )

    assert response.status_code == 403
    assert not alice.memberships.filter(organisation=charlies_organisation).exists()


def test_not_even_a_superuser_edits_rights_that_come_from_acm(
    client, superuser, alice, acme, charlies_organisation
):
    membership = alice.memberships.get()
    client.force_login(superuser)
    add = reverse("admin:portal_membership_add")
    change = reverse("admin:portal_membership_change", args=[membership.pk])
    delete = reverse("admin:portal_membership_delete", args=[membership.pk])
    right = {"user": alice.pk, "organisation": charlies_organisation.pk, "profile": "provider"}

    assert client.post(add, right).status_code == 403
    assert client.post(change, right).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(change).status_code == 200  # shown, read-only

    inline = change_user_as(
        client,
        superuser,
        superuser,
        alice,
        **{
            "memberships-TOTAL_FORMS": "2",
            "memberships-1-organisation": str(charlies_organisation.pk),
            "memberships-1-profile": Membership.Profile.PROVIDER,
            "memberships-0-DELETE": "on",
        },
    )
    assert inline.status_code == 302
    assert list(alice.memberships.values_list("organisation", flat=True)) == [acme.pk]


def test_the_user_page_shows_the_rights_read_only_to_a_superuser(client, superuser, alice):
    client.force_login(superuser)

    response = client.get(user_change_url(alice))

    (inline,) = response.context["inline_admin_formsets"]
    assert inline.opts.model is Membership
    assert not inline.has_add_permission
    assert not inline.has_change_permission
    assert not inline.has_delete_permission


def test_a_staff_member_given_change_user_still_cannot_edit_users(client, staff_with_roles, alice):
    hand_made = staff_with_roles()
    hand_made.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["portal", "auth"])
    )
    client.force_login(hand_made)

    assert client.get(reverse("admin:portal_user_changelist")).status_code == 403
    assert client.get(user_change_url(alice)).status_code == 403
    assert client.get(reverse("admin:portal_user_add")).status_code == 403
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert client.post(reverse("admin:auth_group_add"), {"name": "Alles"}).status_code == 403
    assert not Group.objects.filter(name="Alles").exists()


def test_staff_cannot_list_users_through_the_autocomplete(client, mallory, alice):
    client.force_login(mallory)

    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "portal", "model_name": "membership", "field_name": "user", "term": "a"},
    )

    assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role.key)
def test_no_role_reaches_users_groups_or_permissions(client, staff_with_roles, role, alice):
    staff = staff_with_roles(role)
    client.force_login(staff)

    assert client.get(reverse("admin:portal_user_changelist")).status_code == 403
    assert client.get(user_change_url(staff)).status_code == 403
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert not any(
        permission.startswith(("auth.", "portal.add_", "portal.change_", "portal.delete_"))
        or permission.endswith("_user")
        for permission in role.permissions
    )


def test_a_superuser_cannot_change_a_role_in_the_admin(client, superuser):
    reviewer = Group.objects.get(name=REVIEWER.name)
    before = set(reviewer.permissions.all())
    client.force_login(superuser)
    url = reverse("admin:auth_group_change", args=[reviewer.pk])
    everything = [str(pk) for pk in Permission.objects.values_list("pk", flat=True)]

    page = client.get(url)
    response = client.post(url, {"name": REVIEWER.name, "permissions": everything})
    delete = client.post(reverse("admin:auth_group_delete", args=[reviewer.pk]), {"post": "yes"})

    assert page.status_code == 200
    assert response.status_code == 403
    assert delete.status_code == 403
    assert set(reviewer.permissions.all()) == before


def test_a_superuser_gives_a_staff_member_a_role(client, superuser, staff_with_roles):
    staff = staff_with_roles()
    processor = Group.objects.get(name=PROCESSOR.name)

    response = change_user_as(client, superuser, superuser, staff, groups=[str(processor.pk)])

    assert response.status_code == 302
    assert list(staff.groups.all()) == [processor]
    staff = type(staff).objects.get(pk=staff.pk)
    assert staff.has_perm("projects.change_project")


@pytest.mark.parametrize("role", [REVIEWER, VERIFIER, AUDITOR], ids=lambda role: role.key)
def test_a_staff_member_can_still_change_their_own_password(client, staff_with_roles, role):
    staff = staff_with_roles(role)
    staff.set_password("Oud-wachtwoord-1")
    staff.save()
    client.force_login(staff)

    response = client.post(
        reverse("admin:password_change"),
        {
            "old_password": "Oud-wachtwoord-1",
            "new_password1": "Nieuw-wachtwoord-2",
            "new_password2": "Nieuw-wachtwoord-2",
        },
    )

    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.check_password("Nieuw-wachtwoord-2")
