"""Alice works for Acme (her provider user signs in through OIDC); Sam and Tina are
agency staff. Charlie's organisation must never see Acme's data. Whoever the services
write for must hold a provider right for the organisation (portal.scope): Alice has
one for Acme, and `colleague()` makes another person of Acme."""

import pytest

from providers.models import ServiceProvider, Vakgebied
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    ServiceProviderFactory,
    UserFactory,
)

VALID_IBAN = "BE71096123456769"  # Belfius, GKCCBEBB
OTHER_IBAN = "BE48001123456727"  # BNP Paribas Fortis, GEBABEBB


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Acme", email="zetel@acme.example")


@pytest.fixture
def alice(alice, organisation):
    MembershipFactory(user=alice, organisation=organisation)
    return alice


def colleague(organisation, **fields):
    """Another provider user of `organisation`."""
    user = UserFactory(**fields)
    MembershipFactory(user=user, organisation=organisation)
    return user


@pytest.fixture
def provider(organisation):
    provider = ServiceProviderFactory(
        organisation=organisation,
        type=ServiceProvider.Type.REGISTERED_OFFICE,
        name="Acme Opleidingen",
        email="info@acme.example",
        iban=VALID_IBAN,
        bic="GKCCBEBB",
        description="Wij geven opleidingen.",
    )
    provider.vakgebieden.set(Vakgebied.objects.filter(name="ICT"))
    return provider


def step1_data(provider, **changes):
    """Cleaned stap-1 data as the form hands it to the service."""
    data = {
        "name": provider.name,
        "country": provider.country,
        "postcode": provider.postcode,
        "municipality": provider.municipality,
        "street": provider.street,
        "house_number": provider.house_number,
        "box": provider.box,
        "phone": provider.phone,
        "mobile": provider.mobile,
        "email": provider.email,
        "website": provider.website,
        "contact_last_name": provider.contact_last_name,
        "contact_first_name": provider.contact_first_name,
        "extra_info": provider.extra_info,
        "kbo_number": provider.kbo_number,
        "iban": provider.iban,
        "bic": provider.bic,
        "legal_form": provider.legal_form,
    }
    data.update(changes)
    return data


def step2_data(names=("ICT",), description="Wij geven opleidingen."):
    return {
        "vakgebieden": list(Vakgebied.objects.filter(name__in=names)),
        "description": description,
    }
