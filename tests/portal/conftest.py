"""Fixtures of the portal's tests."""

import pytest

from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.portal.oidc_support import FakeOP


@pytest.fixture
def op(settings):
    """A fake OpenID provider that the portal's OIDC settings point at."""
    with FakeOP(settings) as fake:
        yield fake


@pytest.fixture
def org_a():
    return OrganisationFactory(name="Vormingscentrum Schelde")


@pytest.fixture
def org_b():
    return OrganisationFactory(name="Adviesbureau Leie")


@pytest.fixture
def dave(org_a, org_b):
    """A provider user of two organisations: he chooses one, and can switch."""
    user = UserFactory(first_name="Dave")
    MembershipFactory(user=user, organisation=org_a)
    MembershipFactory(user=user, organisation=org_b)
    return user
