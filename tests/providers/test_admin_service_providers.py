"""A service provider in the admin is named with its organisation's own KBO number.

Sam administers (superuser). Acme's provider typed another KBO number in "Mijn
gegevens" than the organisation has: staff see the organisation's.
"""

import pytest
from django.urls import reverse

from tests.factories import OrganisationFactory, ServiceProviderFactory, make_superuser

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme_provider(db):
    acme = OrganisationFactory(name="Acme", kbo_number="0123456749")
    return ServiceProviderFactory(organisation=acme, name="Acme Opleidingen", kbo_number="")


def test_the_provider_list_names_the_organisation_with_its_own_kbo(client, sam, acme_provider):
    client.force_login(make_superuser(sam))

    text = client.get(reverse("admin:providers_serviceprovider_changelist")).content.decode()

    assert "Acme (KBO 0123.456.749)" in text


def test_the_provider_page_names_the_organisation_with_its_own_kbo(client, sam, acme_provider):
    client.force_login(make_superuser(sam))
    url = reverse("admin:providers_serviceprovider_change", args=[acme_provider.pk])

    text = client.get(url).content.decode()

    assert "Acme (KBO 0123.456.749)" in text
