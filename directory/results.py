"""What a search result and a public page show, and the paging of a search.

A SearchResult holds a ranking (rows of provider id, nearness and total count, in
order: directory.query or directory.matching) and runs it one page at a time. Only
public fields leave this module: never a bank account, a contact person or a
billing address (which for a self-employed trainer is a home address).
"""

import functools
import math
from collections import Counter
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone

from core.statements import Statement, padded
from directory import query
from directory.places import HaversineTerm, Place, km_from_haversine_term
from directory.query import Sort
from establishments.models import Establishment
from providers.models import ServiceProvider
from registrations.selectors import listed_registrations

PAGE_SIZE = 20
# What the result list and the public page read of a provider: nothing else.
PUBLIC_FIELDS = (
    "id",
    "organisation",
    "name",
    "phone",
    "email",
    "website",
    "kbo_number",
    "description",
)
REGISTRATION_FIELDS = (
    "service_provider_id",
    "service_type",
    "number",
    "valid_from",
    "valid_until",
)
ESTABLISHMENT_FIELDS = (
    "organisation_id",
    "is_registered_office",
    "name",
    "street",
    "house_number",
    "box",
    "postcode",
    "municipality",
    "phone",
    "email",
)
# Establishments a result names when there is no place to measure from.
RESULT_ESTABLISHMENTS = 3
# What a result reads of a provider: the public fields but the presentation, whose start
# its search document holds.
RESULT_FIELDS = tuple(name for name in PUBLIC_FIELDS if name != "description")
RESULT_ATTNAMES = tuple(ServiceProvider._meta.get_field(name).attname for name in RESULT_FIELDS)


class _KnownCount:
    """An object list for Paginator whose length is already known."""

    def __init__(self, count):
        self._count = count

    def count(self):
        return self._count


@dataclass
class SearchResult:
    """A search ready to be paged: `page(number)` runs it for one page.

    `terms` tells which words were searched and which were corrected; `lookup`
    is "kbo" or "registration" when the text was such a number.
    """

    # (pk, nearness, total_count) rows in an order without ties (the id last), so that
    # reversed they read the same rows from the end: a values_list queryset, or a
    # directory.query.NearestFirst for a search by distance without text.
    ranking: object
    place: Place | None
    radius_km: int | None
    sort: Sort
    terms: list
    lookup: str | None
    on: object = None
    # How many providers the last page() counted, up to COUNT_LIMIT + 1.
    total: int | None = None

    def _slice(self, number, per_page, limit):
        return list(self.ranking[(number - 1) * per_page : min(number * per_page, limit)])

    def page(self, number=1, per_page=PAGE_SIZE):
        """One page (a django.core.paginator.Page) of providers with what a result shows.

        Three queries: the page's ids in order with the total (narrow rows of the
        documents, or of the inverted index for one word), their public fields with
        their registrations in force, and their active establishments. A page past the
        end gives the last page, for one query more.

        A search counts up to COUNT_LIMIT (directory.query): beyond it `capped` is true,
        the page says "more than" and pages go no further than the limit.
        """
        limit = query.COUNT_LIMIT  # read at run time: the tests lower it
        last_page = math.ceil(limit / per_page)
        try:
            number = min(max(int(number), 1), last_page)
        except (TypeError, ValueError):
            number = 1
        ranked = self._slice(number, per_page, limit)
        if ranked:
            total = ranked[0][2]
        elif number > 1:
            # Past the last page: the last page, read backwards from the end. Its rows
            # carry the total, so one statement does what a count and a slice did.
            last = list(self.ranking.reverse()[:per_page])
            total = last[0][2] if last else 0
            if total:
                number = math.ceil(total / per_page)
                ranked = last[: total - (number - 1) * per_page][::-1]
        else:
            total = 0
        self.total = total
        nearness = {pk: value for pk, value, _total in ranked}
        providers = _public_providers(list(nearness), on=self.on)
        for provider in providers:
            value = nearness[provider.pk]
            provider.distance_km = None if value is None else km_from_haversine_term(value)
        if providers:
            _result_establishments(providers, place=self.place, radius_km=self.radius_km)
        paginator = Paginator(_KnownCount(min(total, limit)), per_page)
        return Page(providers, number, paginator)

    @property
    def capped(self):
        """Whether the last page() found more providers than a search counts
        (directory.query.COUNT_LIMIT): the page says "more than" that many."""
        return self.total is not None and self.total > query.COUNT_LIMIT

    @property
    def corrected_terms(self):
        return [term for term in self.terms if term.corrected]

    @property
    def corrected_text(self):
        """The search words with each misspelt one replaced by its best correction:
        the search that "Bedoelt u …?" offers."""
        return " ".join(
            term.alternatives[0][0] if term.corrected else term.word for term in self.terms
        )


@dataclass(frozen=True)
class PublicRegistration:
    """A registration in force as a result shows it."""

    service_type: str
    number: str


def _public_providers(pks, *, on):
    """The providers with these pks, in this order, with only their public fields but
    the presentation, what their search document holds for a result (the vakgebieden,
    `phone_text` and `summary`) and their registrations in force (PublicRegistration).

    One query: the registrations in force of these providers, each with its provider's
    public fields (a listed provider has at least one), as plain rows: three model
    instances per registration (the registration, its provider and the document) took
    about half a millisecond more per page. A provider whose last registration lapsed after the
    ranking was read is left out.
    """
    if not pks:
        return []
    rows = _PROVIDERS.rows((len(pks), on or timezone.localdate()), pks)
    found = {}
    for service_type, number, vakgebieden_text, phone_text, summary, *values in rows:
        pk = values[0]  # RESULT_FIELDS begins with the id
        provider = found.get(pk)
        if provider is None:
            provider = found[pk] = _from_row(ServiceProvider, RESULT_ATTNAMES, values)
            provider.public_registrations = []
            provider.public_vakgebied_names = [
                name for name in (vakgebieden_text or "").split("\n") if name
            ]
            provider.phone_text = phone_text or ""
            provider.summary = summary or ""
        provider.public_registrations.append(PublicRegistration(service_type, number))
    providers = [found[pk] for pk in pks if pk in found]
    for provider in providers:
        provider.public_registrations = _one_per_number(provider.public_registrations)
    return providers


def _from_row(model, attnames, values):
    """An instance with these fields of a row and every other field blank (its default):
    nothing but what the row holds can show. Given as keywords, every other field's
    default was worked out again per instance, about half of the time of the page's rows;
    here they are worked out once per process."""
    blank, positions = _blank_fields(model, attnames)
    fields = list(blank)
    for position, value in zip(positions, values, strict=True):
        fields[position] = value
    instance = model(*fields)
    instance._state.adding = False
    return instance


@functools.cache
def _blank_fields(model, attnames):
    """The defaults of the model's fields, in its order, and where the attnames go in."""
    concrete = [field.attname for field in model._meta.concrete_fields]
    blank = tuple(field.get_default() for field in model._meta.concrete_fields)
    return blank, [concrete.index(name) for name in attnames]


# The two statements of every page, compiled once per shape (core.statements): the ids,
# postcodes and place of a page fill in those of stand-ins, which are ids and postcodes
# that no row has, and points in the ocean.
def _stand_in_ids(count, n):
    return [-1 - n * 1000 - index for index in range(count)]


def _providers_statement(shape, pks):
    _count, on = shape
    return (
        _registrations_in_force(on)
        .filter(service_provider_id__in=pks)
        .values_list(
            "service_type",
            "number",
            "service_provider__search_document__vakgebieden_text",
            "service_provider__search_document__phone_text",
            "service_provider__search_document__summary",
            *(f"service_provider__{name}" for name in RESULT_FIELDS),
        )
    )


_PROVIDERS = Statement(
    _providers_statement,
    parameters=list,
    stand_in=lambda shape, n: _stand_in_ids(shape[0], n),
    prepared=True,
)


def _registrations_in_force(on):
    return (
        listed_registrations(on=on)
        .only(*REGISTRATION_FIELDS)
        .order_by("-service_type", "number", "-valid_until")
    )


def _one_per_number(registrations):
    """The first registration of each service type and number (the latest validity)."""
    seen = set()
    unique = []
    for registration in registrations:
        key = (registration.service_type, registration.number)
        if key not in seen:
            seen.add(key)
            unique.append(registration)
    return unique


def attach_registrations(providers, on):
    """The registrations in force, one per service type and number (one query)."""
    prefetch_related_objects(
        providers,
        Prefetch(
            "registrations",
            queryset=_registrations_in_force(on),
            to_attr="public_registrations",
        ),
    )
    for provider in providers:
        provider.public_registrations = _one_per_number(provider.public_registrations)


def public_establishments(organisation_id):
    """All active establishments of an organisation, registered office first."""
    return list(
        Establishment.objects.active()
        .filter(organisation_id=organisation_id)
        .only(*ESTABLISHMENT_FIELDS)
        .order_by("-is_registered_office", "municipality", "street", "pk")
    )


def _result_establishments(providers, *, place, radius_km):
    """Per result the establishments it names: with a place the nearest one
    (`nearest_establishment`), else the registered office and the next ones
    (`public_establishments`, `more_establishments`).

    One query that reads the active establishments of the page's organisations as plain
    rows, in the order shown, and keeps the first few of each here. Keeping them in SQL
    (a window numbering each organisation's rows) read fewer rows for a chain, but
    compiling that statement took longer than reading them: 3.1 ms against 1.2 for a page
    of the benchmark's providers, and a chain's 300 establishments add about 0.3 ms
    (measured when every page compiled its statement; now it is compiled once per shape).
    """
    organisations = padded(sorted({provider.organisation_id for provider in providers}))
    if place is not None:
        postcodes = padded(sorted(place.postcodes)) if radius_km == 0 else ()
        point = (place.latitude, place.longitude)
        keep = 1
    else:
        postcodes, point, keep = (), None, RESULT_ESTABLISHMENTS
    shape = (len(organisations), place is not None, len(postcodes))
    shown, counted = {}, Counter()
    for row in _ESTABLISHMENTS.rows(shape, (organisations, postcodes, point)):
        organisation_id = row[0]  # ESTABLISHMENT_FIELDS begins with it
        counted[organisation_id] += 1
        if counted[organisation_id] <= keep:
            establishment = _from_row(Establishment, ESTABLISHMENT_FIELDS, row)
            shown.setdefault(organisation_id, []).append(establishment)
    for provider in providers:
        kept = shown.get(provider.organisation_id, [])
        provider.nearest_establishment = kept[0] if place is not None and kept else None
        provider.public_establishments = [] if place is not None else kept
        provider.more_establishments = counted[provider.organisation_id] - len(kept)


def _establishments_statement(shape, arguments):
    organisations, postcodes, point = arguments
    rows = Establishment.objects.active().filter(organisation_id__in=organisations)
    if point is not None:
        if postcodes:
            rows = rows.filter(postcode__in=postcodes)
        rows = rows.filter(latitude__isnull=False, longitude__isnull=False).annotate(
            nearness=HaversineTerm("", *point)
        )
        order = ["organisation_id", "nearness", "pk"]
    else:
        order = ["organisation_id", "-is_registered_office", "municipality", "street", "pk"]
    return rows.order_by(*order).values_list(*ESTABLISHMENT_FIELDS)


def _establishments_parameters(arguments):
    organisations, postcodes, point = arguments
    return [
        *organisations,
        *postcodes,
        *(HaversineTerm.parameters(*point) if point is not None else ()),
    ]


def _establishments_stand_in(shape, n):
    count, near, postcodes = shape
    return (
        _stand_in_ids(count, n),
        [f"stand-in {n}-{index}" for index in range(postcodes)],
        (-45.5 - n, -123.5 - n) if near else None,
    )


_ESTABLISHMENTS = Statement(
    _establishments_statement,
    parameters=_establishments_parameters,
    stand_in=_establishments_stand_in,
    prepared=True,
)
