"""The statement of a search: which documents may appear, the exact lookups, the
distance filter, and the order with the total, in one narrow statement.

Every search ends in a queryset of rows (provider id, nearness, total count) in the
order of the results, which directory.results pages. The rows are narrow on
purpose: the documents are filtered, ranked and counted without their wide
columns, and a page reads its providers' public fields afterwards. A search by
distance without text (or with words most providers use) walks from the nearest point
instead and counts up to a limit (NearestFirst), which gives the same rows.
"""

import enum
import math
import time

from django.db import connection
from django.db.models import (
    Count,
    F,
    FloatField,
    IntegerField,
    Min,
    Q,
    RowRange,
    Subquery,
    Value,
    Window,
)
from django.db.models.lookups import LessThanOrEqual

from directory.models import ProviderPlace, ProviderSearchDocument
from directory.places import HaversineTerm, haversine_term_within, nearby_places, search_box
from providers.models import ServiceProvider
from registrations.selectors import listed_registrations, listed_service_provider_ids


class Sort(enum.StrEnum):
    RELEVANCE = "relevance"
    DISTANCE = "distance"
    NAME = "name"


# How many providers a search counts: beyond it the page says "more than" (and pages up
# to it). Counting further costs as many rows as there are matches (26,800 providers
# within 50 km of Brussel, 40,000 that mention "advies"), and no visitor reads past
# the fiftieth page: they add a word, a vakgebied or a place.
COUNT_LIMIT = 1000


class CountOf(Subquery):
    """The number of rows of a queryset up to COUNT_LIMIT + 1, as a scalar subquery:
    one more than the limit tells that there are more (directory.results)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"
    output_field = IntegerField()

    def __init__(self, queryset, **extra):
        super().__init__(queryset[: COUNT_LIMIT + 1], **extra)


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


def _nearby(prefix, place, radius_km, *, exact=True):
    """For rows that reach ProviderPlace through `prefix`: the condition "stands on a
    point within `radius_km` of the place" (0: in its municipality) and the `nearness`
    of the nearest such point (a haversine term, see directory.places). Not `exact`:
    a point in the box around the circle, for the caller to check the nearness.

    The condition is on the point the nearness is measured from (one join), not on the
    ids of a subquery of points: that read the points twice and doubled the planning of
    a search near a place (0.8 ms more; the same rows and estimates)."""
    (south, north), (west, east) = search_box(place, radius_km)
    point = f"{prefix}place__"
    condition = Q(
        **{f"{point}latitude__range": (south, north), f"{point}longitude__range": (west, east)}
    )
    if radius_km == 0:
        condition &= Q(**{f"{prefix}postcode__in": sorted(place.postcodes)})
    elif exact:
        condition &= Q(
            LessThanOrEqual(
                HaversineTerm(point, place.latitude, place.longitude),
                haversine_term_within(radius_km),
            )
        )
    return condition, Min(HaversineTerm(point, place.latitude, place.longitude))


def near(documents, place, radius_km):
    """The providers of `narrow` documents with an active establishment within
    `radius_km` of the place (0: in its municipality), grouped per provider with the
    `nearness` of the nearest one: through the points the establishments stand on
    (ProviderPlace, SearchPlace), narrow rows.

    The points are those of the box around the circle, and the radius is checked on
    each provider's nearest one (HAVING): the same providers. PostgreSQL estimates the
    box well, but not the circle in it (a third of the box, where there are four
    fifths), and with that guess it went from the points to the documents even for a
    rare word: "contracten" within 50 km of 9881 checked 53,720 pairs against the
    documents (140 ms) where the word's 2,662 documents are found first (30 ms).
    """
    condition, nearness = _nearby("places__", place, radius_km, exact=False)
    # Filter before annotating: the minimum then runs over these points only.
    near = documents.filter(condition).annotate(nearness=nearness)
    if radius_km:
        near = near.filter(nearness__lte=haversine_term_within(radius_km))
    return near


def near_without_documents(sets, place, radius_km):
    """What `near` gives for the providers in every one of `sets`, read from the points'
    rows alone (ProviderPlace, which carries the sort name): for a search without text
    or a number the documents add nothing but a probe per (point, provider) pair."""
    condition, nearness = _nearby("", place, radius_km)
    rows = ProviderPlace.objects.filter(condition, *[Q(document_id__in=ids) for ids in sets])
    return rows.values("document_id").annotate(
        service_provider_id=F("document_id"), nearness=nearness
    )


_document_total = (0.0, 0)  # (when counted, how many)
DOCUMENT_TOTAL_SECONDS = 3600


def document_total():
    """How many providers the search has documents of, counted once an hour per process:
    enough to tell a common word from a rare one."""
    global _document_total
    counted_at, total = _document_total
    if time.monotonic() - counted_at > DOCUMENT_TOTAL_SECONDS or not total:
        _document_total = (time.monotonic(), ProviderSearchDocument.objects.count())
    return _document_total[1]


def common(terms):
    """Whether the walk from the nearest point suits these search words: every one so
    common that the nearest providers soon include enough of them. The walk reads about
    COUNT_LIMIT / share rows, finding the matches first reads share * total: the
    walk wins when a word's providers number more than sqrt(COUNT_LIMIT * total)
    (7,000 of 50,000; "advies" has two thirds of them). No words: the walk."""
    if not terms:
        return True
    threshold = math.sqrt(COUNT_LIMIT * document_total())
    return all(term.documents > threshold for term in terms)


# The nearest rows of a search by distance (NearestFirst): {points} is the nearby points
# with their nearness, {in_candidates} the conditions on the providers that may appear,
# both compiled from querysets whose values are parameters; {table} a quoted name.
_NEAREST_PAIRS_SQL = {
    "postgresql": """
        SELECT pp.document_id, near.nearness, near.id, pp.sort_name
        FROM ({points}) AS near
        CROSS JOIN LATERAL (
            SELECT pp.document_id, pp.sort_name FROM {table} AS pp
            WHERE pp.place_id = near.id {in_municipality} {in_candidates}
            ORDER BY pp.sort_name, pp.document_id
        ) AS pp
        ORDER BY near.nearness, near.id
        LIMIT %s
    """,
    "default": """
        SELECT pp.document_id, near.nearness, near.id, pp.sort_name
        FROM ({points}) AS near
        JOIN {table} AS pp ON pp.place_id = near.id {in_municipality} {in_candidates}
        ORDER BY near.nearness, near.id
        LIMIT %s
    """,
}
# Of those pairs (point by point, up to a limit), each provider once at its nearest
# point, in order: by point, then by name. A limit may cut the last point's providers
# anywhere, so when the pairs reach it ({complete}: their count below the limit, a
# parameter), that point is left out. One row says whether they were complete, with
# the providers or without any (the LEFT JOIN).
_NEAREST_SQL = """
    WITH pairs AS ({pairs}),
    firsts AS (
        SELECT document_id, nearness, id, sort_name,
            ROW_NUMBER() OVER (PARTITION BY document_id ORDER BY nearness, id) AS nth
        FROM pairs
        WHERE {complete}
            OR id <> (SELECT id FROM pairs ORDER BY nearness DESC, id DESC LIMIT 1)
    )
    SELECT firsts.document_id, firsts.nearness, status.complete
    FROM (SELECT {complete} AS complete) AS status
    LEFT JOIN firsts ON firsts.nth = 1
    ORDER BY firsts.nearness, firsts.id, firsts.sort_name, firsts.document_id
    LIMIT %s
"""
_COMPLETE_SQL = "(SELECT COUNT(*) FROM pairs) < %s"


class NearestFirst:
    """The ranking rows (provider id, nearness, total count) of a search by distance
    without text or with common words (`common`): the providers of `documents` nearest
    to the place first, equally near ones by name.

    The nearest points are read first (the spatial index) and, per point, its providers
    in name order (the index providerplace_nearest); a provider's first row is its
    nearest establishment. The statement orders by point only, which the walk over the
    sorted points gives without sorting anything, so it stops after the rows that the
    page and the count need: the count goes to COUNT_LIMIT + 1 at most, as CountOf's
    does. The same statement orders each point's rows by name and keeps each provider's
    first (_NEAREST_SQL): Python gets the providers in order, an id and a nearness each.
    On PostgreSQL the points are walked with a lateral join; elsewhere a plain join is
    sorted (small data sets).
    """

    def __init__(self, candidates, place, radius_km):
        # Subqueries of the ids of the providers that may appear: each pair of a point
        # and a provider is checked against every one (an index probe each).
        self.candidates = candidates
        self.place = place
        self.radius_km = radius_km
        self._rows = None

    def _statement(self, limit, wanted):
        points_sql, points_params = (
            nearby_places(self.place, self.radius_km)
            .order_by("nearness", "id")
            .values_list("id", "nearness")
            .query.sql_with_params()
        )
        in_candidates, candidates_params = [], []
        for ids in self.candidates:
            ids_sql, ids_params = ids.order_by().query.sql_with_params()
            in_candidates.append(f"AND pp.document_id IN ({ids_sql})")
            candidates_params.extend(ids_params)
        table = connection.ops.quote_name(ProviderPlace._meta.db_table)
        postcodes = sorted(self.place.postcodes) if self.radius_km == 0 else []
        in_municipality = (
            f"AND pp.postcode IN ({', '.join(['%s'] * len(postcodes))})" if postcodes else ""
        )
        template = _NEAREST_PAIRS_SQL.get(connection.vendor, _NEAREST_PAIRS_SQL["default"])
        pairs = template.format(
            points=points_sql,
            table=table,
            in_municipality=in_municipality,
            in_candidates=" ".join(in_candidates),
        )
        if limit is None:  # every pair: complete, whatever their count
            complete, complete_params = "1 = 1", []
        else:
            complete, complete_params = _COMPLETE_SQL, [limit]
        sql = _NEAREST_SQL.format(pairs=pairs, complete=complete)
        params = [
            *points_params,
            *postcodes,
            *candidates_params,
            connection.ops.no_limit_value() if limit is None else limit,
        ]
        return sql, [*params, *complete_params, *complete_params, wanted]

    def _fetch(self):
        """The providers in order, up to COUNT_LIMIT + 1, each once."""
        wanted = COUNT_LIMIT + 1
        # Most providers stand on one or two nearby points: twice as many pairs as
        # providers are plenty, and should they not be, the statement runs again without
        # a limit.
        found, complete = self._providers(wanted * 2, wanted)
        if not complete and len(found) < wanted:
            found, _complete = self._providers(None, wanted)
        return found

    def _providers(self, limit, wanted):
        """Up to `wanted` providers in order from up to `limit` pairs (None: every pair),
        and whether those were all the pairs."""
        sql, params = self._statement(limit, wanted)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        found = [(pk, nearness) for pk, nearness, _complete in rows if pk is not None]
        return found, bool(rows[0][2])

    @property
    def rows(self):
        if self._rows is None:
            self._rows = self._fetch()
        return self._rows

    def count(self):
        """Up to COUNT_LIMIT + 1, like CountOf."""
        return len(self.rows)

    def __getitem__(self, window):
        """The rows of a slice, like a values_list queryset's (of the first COUNT_LIMIT)."""
        total = self.count()
        return [(pk, nearness, total) for pk, nearness in self.rows[:COUNT_LIMIT][window]]

    def __iter__(self):
        return iter(self[:])

    def reverse(self):
        """The rows from the last on, like a reversed queryset's (a page past the end)."""
        return self[::-1]


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
        # Ranked by relevance: every match is read, ranked and sorted, and the window
        # counts them in that same pass (over all of them, in the results' order); the
        # page is the first rows of the sort. A count apart (CountOf, up to the limit)
        # read the matches a second time: the text rankings of the long tail 239 -> 163
        # ms (53 statements). For the few searches whose words match thousands, which the
        # window sorts in full, a little more: "ver" (32,877 matches) 91 -> 104 ms; a
        # window without an order kept every match's vector until the page was sorted
        # out of them, 222 (docs/performance.md, "Thirteenth step").
        total = Window(
            Count("*"),
            order_by=ordering,
            frame=RowRange(start=None, end=None),
            output_field=IntegerField(),
        )
    nearness = F("nearness") if by_nearness else Value(None, output_field=FloatField())
    return (
        documents.annotate(result_nearness=nearness, total_count=total)
        .order_by(*ordering)
        .values_list("service_provider_id", "result_nearness", "total_count")
    )
