"""The staff of the security tests, and posting an admin form as a browser would.

Mallory is agency staff with the rights the demo's former catch-all group
("VLAIO-medewerkers") gave: view and change on every model of the portal's apps.
She tries every side door; no role gives that much any more, so she stands for a
staff member someone gave too many model permissions by hand. Alice is a provider
user of Acme; Charlie's organisation is another one.
"""

import pytest
from django.contrib.auth.models import Group, Permission

from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

# The apps whose view and change permissions the demo's staff group held.
CATCH_ALL_APPS = [
    "portal",
    "organisations",
    "providers",
    "establishments",
    "registrations",
    "projects",
    "directory",
]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def mallory(db):
    user = UserFactory(username="mallory", first_name="Mallory", last_name="VLAIO", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=CATCH_ALL_APPS, codename__regex=r"^(view|change)_"
        )
    )
    return user


@pytest.fixture
def superuser(db):
    return UserFactory(
        username="root", first_name="Root", last_name="VLAIO", is_staff=True, is_superuser=True
    )


@pytest.fixture
def staff_with_roles(db):
    """`staff_with_roles(REVIEWER, ...)`: a new staff member in those role groups."""
    counter = iter(range(1, 1000))

    def make(*roles, **fields):
        fields.setdefault("username", f"staff{next(counter)}")
        fields.setdefault("last_name", "VLAIO")
        user = UserFactory(is_staff=True, **fields)
        user.groups.set(Group.objects.filter(name__in=[role.name for role in roles]))
        return user

    return make


@pytest.fixture
def acme(db):
    return OrganisationFactory(name="Acme")


@pytest.fixture
def charlies_organisation(db):
    return OrganisationFactory(name="Charlie & Co")


@pytest.fixture
def alice(alice, acme):
    MembershipFactory(user=alice, organisation=acme)
    return alice


def form_data(response):
    """The POST a browser sends for the admin form on `response` (a change, add or
    history page), with every inline: the fields as the page shows them."""
    data = {}
    form = response.context["adminform"].form
    data.update(_fields(form))
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        data.update(_fields(formset.management_form))
        for subform in formset.forms:
            data.update(_fields(subform))
    return data


def _fields(form):
    data = {}
    for name in form.fields:
        bound = form[name]
        value = bound.value()
        key = bound.html_name
        if value is None or value is False:
            continue
        if value is True:
            data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(getattr(item, "pk", item)) for item in value]
        else:
            data[key] = str(getattr(value, "pk", value))
    return data
