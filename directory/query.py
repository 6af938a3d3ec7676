"""The statement of a search: which documents may appear, the exact lookups, the
distance filter, and the order with the total, in one narrow statement.

Every search ends in a queryset of rows (provider id, nearness, total count) in the
order of the results, which directory.results pages. The rows are narrow on
purpose: the documents are filtered, ranked and counted without their wide
columns, and a page reads its providers' public fields afterwards.
"""

import enum

from django.db.models import (
    Count,
    F,
    FloatField,
    IntegerField,
    Min,
    OrderBy,
    Q,
    RowRange,
    Subquery,
    Value,
    Window,
)

from directory.models import ProviderSearchDocument
from directory.places import haversine_term, haversine_term_within, search_box
from providers.models import ServiceProvider
from registrations.selectors import listed_registrations, listed_service_provider_ids


class Sort(enum.StrEnum):
    RELEVANCE = "relevance"
    DISTANCE = "distance"
    NAME = "name"


class CountOf(Subquery):
    """The number of rows of a queryset, as a scalar subquery."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"
    output_field = IntegerField()


# The topic filter (`onderwerp`): who offers cybersecurity, the only advice the scheme
# supports since 1 February 2026. The portal knows no topic per provider, so: active in
# the vakgebied ICT, or "cyber" in the presentation (cybersecurity, cyberveiligheid, ...).
TOPIC_VAKGEBIEDEN = {"cybersecurity": "ict"}
TOPIC_WORDS = {"cybersecurity": "cyber"}


def provider_sets(*, on=None, service_types=(), vakgebieden=(), topic=""):
    """Who may appear, as subqueries of provider ids: the listed ones (which only the
    registrations selector decides) and, when chosen, those of the vakgebieden and
    those of the topic."""
    sets = [listed_service_provider_ids(on=on, service_types=service_types or None)]
    if topic:
        sets.append(
            ServiceProvider.objects.filter(
                Q(vakgebieden__slug=TOPIC_VAKGEBIEDEN[topic])
                | Q(description__icontains=TOPIC_WORDS[topic])
            ).values("pk")
        )
    if vakgebieden:
        chosen = ServiceProvider.vakgebieden.through.objects.filter(
            vakgebied__slug__in=list(vakgebieden)
        )
        sets.append(chosen.values("serviceprovider_id"))
    return sets


def documents_of(sets):
    """The documents of the providers in every one of `sets`: the search runs on these
    narrow rows."""
    return ProviderSearchDocument.objects.filter(*[Q(service_provider__in=ids) for ids in sets])


def with_kbo_number(documents, kbo_number):
    """The provider with this KBO number, or the providers of the organisation with it."""
    return documents.filter(
        Q(service_provider__kbo_number=kbo_number) | Q(organisation__kbo_number=kbo_number)
    )


def with_registration_number(documents, number, *, on=None, service_types=()):
    """The provider that has this number in a listed registration (of these types)."""
    numbered = listed_registrations(on=on, service_types=service_types or None).filter(
        number=number
    )
    return documents.filter(service_provider__in=numbered.values("service_provider_id"))


def narrow(documents):
    """From here on one narrow row per provider: its id (and, after `near`, the
    nearness of its nearest establishment)."""
    return documents.values("service_provider_id")


def near(documents, place, radius_km):
    """The providers of `narrow` documents with an active establishment within
    `radius_km` of the place (0: in its municipality), grouped per provider with the
    `nearness` of the nearest one (a haversine term, see directory.places)."""
    (south, north), (west, east) = search_box(place, radius_km)
    if radius_km == 0:
        nearby = Q(organisation__establishments__postcode__in=sorted(place.postcodes))
    else:
        nearby = Q()
    # Filter before annotating: the minimum then runs over these establishments only.
    documents = documents.filter(
        nearby,
        organisation__establishments__is_active=True,
        organisation__establishments__latitude__range=(south, north),
        organisation__establishments__longitude__range=(west, east),
    ).annotate(
        nearness=Min(
            haversine_term("organisation__establishments__", place.latitude, place.longitude)
        )
    )
    if radius_km:
        documents = documents.filter(nearness__lte=haversine_term_within(radius_km))
    return documents


def _order_by(name):
    return OrderBy(F(name[1:]), descending=True) if name.startswith("-") else OrderBy(F(name))


def ranking(documents, *, sort, by_rank, by_nearness):
    """The ranking rows (provider id, nearness, total count) of `narrow` documents, in
    the order of `sort`.

    `by_rank`: the documents carry a text `rank` (directory.matching);
    `by_nearness`: they are grouped per provider with a `nearness` (`near`).
    """
    if sort == Sort.RELEVANCE and by_rank:
        ordering = ["-rank", "sort_name", "service_provider_id"]
    elif sort in (Sort.RELEVANCE, Sort.DISTANCE) and by_nearness:
        ordering = ["nearness", "sort_name", "service_provider_id"]
    else:
        ordering = ["sort_name", "service_provider_id"]

    if ordering[0] == "sort_name":
        # Sorting by name walks an index and stops after the page; the total is a
        # separate scalar subquery that the database runs once.
        total = CountOf(documents.order_by())
    elif by_nearness:
        # Grouped per provider: the window counts the narrow groups.
        total = Window(Count("*"), output_field=IntegerField())
    else:
        # Ranked by relevance every match is computed anyway: count them in the
        # same pass. The window is ordered like the results, so that the rows are
        # ranked (and narrow) before it keeps them.
        total = Window(
            Count("*"),
            order_by=[_order_by(name) for name in ordering],
            frame=RowRange(start=None, end=None),
            output_field=IntegerField(),
        )
    nearness = F("nearness") if by_nearness else Value(None, output_field=FloatField())
    return (
        documents.annotate(result_nearness=nearness, total_count=total)
        .order_by(*ordering)
        .values_list("service_provider_id", "result_nearness", "total_count")
    )
