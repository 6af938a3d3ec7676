"""Reads about registrations, including the one answer the public search relies on:
which service providers are publicly listed, and for which service types.

The directory reads registrations through this module only (tests/test_architecture.py),
so it also offers what the search needs of registrations.numbers: the one parser
of a registration number that someone typed.
"""

import datetime

from django.db.models import Prefetch, Q
from django.utils import timezone

from providers.models import ServiceProvider
from registrations.models import Registration, ServiceType
from registrations.numbers import parse_registration_number

__all__ = [
    "LISTING_MODELS",
    "ServiceType",
    "listed_registrations",
    "listed_service_provider_ids",
    "listed_service_providers",
    "parse_registration_number",
    "registration_overview",
]

# The models whose writes can change who is listed (the public search's cache
# follows them); ServiceType is the vocabulary of the listing's filter.
LISTING_MODELS = (Registration,)


def listed_registrations(*, on=None, service_types=None):
    """The registrations the public may see: approved, with `on` (default today) in
    their validity. Suspended, refused, withdrawn, excluded and lapsed ones are not.
    """
    registrations = Registration.objects.in_force(on)
    if service_types:
        registrations = registrations.filter(service_type__in=service_types)
    return registrations


def registrations_changing_listing(*, on=None):
    """The ids of the service providers with a registration whose validity starts `on`
    (default today) or ended the day before: what they are listed for changes today."""
    on = on or timezone.localdate()
    return (
        Registration.objects.filter(
            Q(valid_from=on) | Q(valid_until=on - datetime.timedelta(days=1))
        )
        .values_list("service_provider_id", flat=True)
        .distinct()
    )


def listed_service_provider_ids(*, on=None, service_types=None):
    """The ids of the listed service providers, as a subquery (no join with the
    provider table): what the public search filters its documents with.
    """
    return listed_registrations(on=on, service_types=service_types).values("service_provider_id")


def listed_service_providers(*, on=None, service_types=None):
    """The service providers the public search lists: those with a listed
    registration (of one of `service_types`, when given). The public search uses
    this rule and nothing else to decide who appears.
    """
    return ServiceProvider.objects.filter(
        pk__in=listed_service_provider_ids(on=on, service_types=service_types)
    )


def registration_overview(*, organisation):
    """The organisation's service providers (MZ first) with their registrations, newest first."""
    return (
        ServiceProvider.objects.for_organisation(organisation)
        .order_by("-type", "name", "pk")
        .prefetch_related(
            Prefetch(
                "registrations",
                queryset=Registration.objects.order_by("service_type", "-requested_at", "-pk"),
            )
        )
    )
