"""factory_boy factories for the portal's models.

Alice and Bob work for different organisations; tests use them to check that
one never sees the other's things.
"""

import factory
from factory.django import DjangoModelFactory

from portal.models import Membership, User
from providers.models import Organisation, ServiceProvider


def _kbo(n):
    """A valid KBO number from a sequence number (mod-97 check digits)."""
    # 0200.000.0xx: a leading 0, as every valid number has (0 or 1).
    base = 2_000_000 + n
    return f"{base:08d}{97 - base % 97:02d}"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Alice"
    last_name = "Peeters"
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.be")
    oidc_subject = factory.Sequence(lambda n: f"sub-{n:06d}")


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    kbo_number = factory.Sequence(_kbo)
    name = factory.Sequence(lambda n: f"Onderneming {n}")
    country = "BE"
    postcode = "9000"
    municipality = "Gent"
    street = "Korenmarkt"
    house_number = "1"
    email = factory.Sequence(lambda n: f"info{n}@onderneming.be")


class ServiceProviderFactory(DjangoModelFactory):
    class Meta:
        model = ServiceProvider

    organisation = factory.SubFactory(OrganisationFactory)
    type = ServiceProvider.Type.PROVIDER
    name = factory.Sequence(lambda n: f"Dienstverlener {n}")
    country = "BE"
    postcode = "1030"
    municipality = "Schaarbeek"
    street = "Koning Albert II-Laan"
    house_number = "35"
    email = factory.Sequence(lambda n: f"dv{n}@example.be")
    kbo_number = factory.LazyAttribute(lambda sp: sp.organisation.kbo_number)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    profile = Membership.Profile.PROVIDER


class EstablishmentFactory(DjangoModelFactory):
    class Meta:
        model = "establishments.Establishment"

    organisation = factory.SubFactory(OrganisationFactory)
    country = "BE"
    postcode = "3000"
    municipality = "Leuven"
    street = factory.Sequence(lambda n: f"Bondgenotenlaan {n}")
    house_number = "10"
