"""People and organisations of the page tests of subsidy dossiers (projviews).

Alice works for Vormingscentrum Schelde, a provider registered for opleiding
and advies with the vakgebieden ICT and Energie. An files applications for
Bakkerij De Gouden Korst. Bob (another provider) and Charlie (another SME)
must never see their dossiers.
"""

import pytest

from portal.models import Membership
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.projects.domain_support import registered_provider, sme, submit


@pytest.fixture
def provider_organisation(db):
    return OrganisationFactory(name="Vormingscentrum Schelde", email="info@schelde.example")


@pytest.fixture
def provider(provider_organisation):
    return registered_provider(
        organisation=provider_organisation,
        name="Vormingscentrum Schelde",
        email="opleidingen@schelde.example",
    )


@pytest.fixture
def client_organisation(db):
    return sme()


@pytest.fixture
def alice(alice, provider_organisation):
    """Alice works for Vormingscentrum Schelde."""
    MembershipFactory(user=alice, organisation=provider_organisation)
    return alice


@pytest.fixture
def an(client_organisation):
    user = UserFactory(username="an", first_name="An", last_name="Willems")
    MembershipFactory(user=user, organisation=client_organisation, profile=Membership.Profile.SME)
    return user


@pytest.fixture
def bob(db):
    """A provider user of another organisation."""
    return MembershipFactory(user__username="bob").user


@pytest.fixture
def charlie(db):
    """An SME user of another enterprise."""
    return MembershipFactory(user__username="charlie", profile=Membership.Profile.SME).user


@pytest.fixture
def project(client_organisation, provider, an):
    """An advies application of EUR 2,000 filed today by An, naming Alice's provider."""
    return submit(client=client_organisation, provider=provider, user=an)


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def an_client(client, an):
    client.force_login(an)
    return client
