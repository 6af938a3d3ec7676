"""The public search: "Zoek een geregistreerde dienstverlener".

One selector, `provider_search`, answers every search; `public_provider` gives the
public page of one provider. Who is public at all is decided by
registrations.selectors.listed_service_providers and by nothing here. Only
public fields leave this module: never a bank account, a contact person or a
billing address (which for a self-employed trainer is a home address).

Two ways to match free text, with the same meaning. Why two: production runs on
PostgreSQL, whose full-text search (stemming dictionaries, GIN indexes) and
pg_trgm make the search fast at 50,000 providers; development and the test
suite run on SQLite without any set-up, and SQLite has none of that.

- on PostgreSQL, full-text search on the stored, GIN-indexed `search_vector`
  column of the provider's ProviderSearchDocument (configuration `nl_unaccent`:
  Dutch stemming without accents, see directory migration 0002), ranked with ts_rank;
- everywhere else (SQLite, the zero-setup default), a portable match on the
  lexemes that directory.text computed in Python when the document was
  written: the same stemmer and stop words, so the same providers match. It is
  plain ORM and also runs on PostgreSQL, which is how the tests hold the two to
  the same results.

Typos are corrected the same way for both: a search word that occurs in no
document is replaced by the words of the vocabulary (SearchWord) that are
similar to it by pg_trgm's measure; PostgreSQL finds them with a trigram index.

The distance to a place is measured from the place's postcode coordinates to
the nearest active establishment of the provider's organisation: a bounding box
on the indexed coordinates first, then the great-circle distance, computed in
SQL with functions that both databases have (Django registers them on SQLite).
"""

import dataclasses
import difflib
import enum
import math
import re
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.contrib.postgres.lookups import TrigramSimilar
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVectorExact,
    SearchVectorField,
)
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Expression,
    F,
    FloatField,
    IntegerField,
    Min,
    OrderBy,
    Prefetch,
    Q,
    RowRange,
    Subquery,
    Value,
    When,
    Window,
    prefetch_related_objects,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Cos, Length, Power, Radians, RowNumber, Sin

from core import validators
from directory import text as search_text
from directory.models import ProviderSearchDocument, ProviderSearchTerm, SearchWord
from establishments.models import Establishment
from organisations.models import Postcode
from providers.models import ServiceProvider
from registrations.selectors import (
    listed_registrations,
    listed_service_provider_ids,
    listed_service_providers,
)

PAGE_SIZE = 20
RADII_KM = (0, 5, 10, 25, 50)  # 0: only the municipality itself
DEFAULT_RADIUS_KM = 10
EARTH_RADIUS_KM = 6371.0088
# A search word is "misspelt" when no document has it; it is then replaced by the
# vocabulary words at least this similar (pg_trgm similarity), the best few.
TYPO_MIN_SIMILARITY = 0.4
TYPO_MAX_ALTERNATIVES = 5
TYPO_MIN_LENGTH = 4
MAX_TERMS = 10
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


class Sort(enum.StrEnum):
    RELEVANCE = "relevance"
    DISTANCE = "distance"
    NAME = "name"


# --- Places: the postcode table, kept in memory ------------------------------------


@dataclass(frozen=True)
class Place:
    """Where to search from: a place's coordinates and its municipality's postcodes."""

    label: str
    municipality: str
    latitude: float
    longitude: float
    postcodes: frozenset
    # The bounding box of the municipality's postcode coordinates (exact-municipality search).
    municipality_box: tuple


def _name_key(text):
    return " ".join(search_text.words(text))


class PostcodeIndex:
    """The Belgian postcodes (reference data, 2,786 rows) with lookups by postcode,
    place name and municipality, accent- and case-insensitive."""

    def __init__(self, rows):
        self.rows = rows
        self.by_postcode = {}
        self.by_name = {}
        self.by_main = {}
        for row in rows:
            self.by_postcode.setdefault(row.postcode, []).append(row)
            for name in (row.municipality_nl, row.municipality_fr):
                if name:
                    self.by_name.setdefault(_name_key(name), []).append(row)
            self.by_main.setdefault(_name_key(row.main_municipality), []).append(row)

    def main_municipality(self, postcode, municipality):
        rows = self.by_postcode.get(postcode, [])
        key = _name_key(municipality)
        for row in rows:
            if key in (_name_key(row.municipality_nl), _name_key(row.municipality_fr)):
                return row.main_municipality
        return rows[0].main_municipality if rows else ""

    def _place(self, label, rows, centre_rows):
        main = rows[0].main_municipality
        municipality_rows = self.by_main.get(_name_key(main), rows)
        latitudes = [float(row.latitude) for row in municipality_rows]
        longitudes = [float(row.longitude) for row in municipality_rows]
        return Place(
            label=label,
            municipality=main,
            latitude=sum(float(row.latitude) for row in centre_rows) / len(centre_rows),
            longitude=sum(float(row.longitude) for row in centre_rows) / len(centre_rows),
            postcodes=frozenset(row.postcode for row in municipality_rows),
            municipality_box=(min(latitudes), max(latitudes), min(longitudes), max(longitudes)),
        )

    def resolve(self, text):
        """The Place for "9000", "9000 Gent", "Gent", "gentbrugge" or "Bruxelles", or None."""
        text = (text or "").strip()
        match = re.fullmatch(r"(\d{4})\s*(.*)", text)
        if match:
            rows = self.by_postcode.get(match.group(1), [])
            name = _name_key(match.group(2))
            if name:
                rows = [
                    row
                    for row in rows
                    if name
                    in (
                        _name_key(row.municipality_nl),
                        _name_key(row.municipality_fr),
                        _name_key(row.main_municipality),
                    )
                ] or [
                    row
                    for row in rows
                    if name in (_name_key(row.municipality_nl), _name_key(row.municipality_fr))
                ]
            if not rows:
                return None
            names = {row.municipality_nl for row in rows}
            shown = rows[0].municipality_nl if len(names) == 1 else rows[0].main_municipality
            return self._place(f"{rows[0].postcode} {shown}", rows, rows)
        key = _name_key(text)
        if not key:
            return None
        named = self.by_name.get(key)
        if named:
            return self._place(named[0].municipality_nl, named[:1], named[:1])
        main = self.by_main.get(key)
        if main:
            centre = [row for row in main if _name_key(row.municipality_nl) == key] or main
            return self._place(main[0].main_municipality, main, centre)
        return None

    def suggestions(self, text, limit=3):
        """Municipalities whose name looks like `text`, for an unknown place."""
        names = {}
        for row in self.rows:
            for name in (row.municipality_nl, row.main_municipality):
                names.setdefault(_name_key(name), name)
        close = difflib.get_close_matches(_name_key(text), list(names), n=limit, cutoff=0.75)
        return [names[key] for key in close]


_postcode_index = None


def postcode_index():
    """The postcode index, built once per process.

    Postcodes are reference data that only a migration changes, so every
    request reads them from memory instead of spending one of its few queries.
    An empty table (a database being set up) is not cached.
    """
    global _postcode_index
    if _postcode_index is None:
        rows = list(
            Postcode.objects.order_by("postcode", "municipality_nl").only(
                "postcode",
                "municipality_nl",
                "municipality_fr",
                "main_municipality",
                "latitude",
                "longitude",
            )
        )
        index = PostcodeIndex(rows)
        if not rows:
            return index
        _postcode_index = index
    return _postcode_index


def place_resolve(text):
    """The Place a visitor means by `text` (postcode or municipality), or None."""
    return postcode_index().resolve(text)


# --- Exact lookups: KBO and registration numbers ---------------------------------------

_KBO_SHAPE = re.compile(r"(BE)?\s*[\d][\d\s./-]{7,}\d", re.IGNORECASE)
_REGISTRATION_NUMBER = re.compile(r"DV\s*[.\-]?\s*([OA])\s*[.\-]?\s*(\d{1,6})", re.IGNORECASE)


def looks_like_kbo_number(text):
    """True for "0123.456.749", "BE 0123 456 749", "123456749" (valid or not)."""
    text = (text or "").strip()
    if not _KBO_SHAPE.fullmatch(text):
        return False
    return len(re.sub(r"\D", "", text)) in (9, 10)


def kbo_number_from(text):
    """The ten digits of a KBO number in any notation, or None."""
    if not looks_like_kbo_number(text):
        return None
    digits = re.sub(r"\D", "", text)
    if len(digits) == 9:
        # The old notation, without the leading zero.
        digits = f"0{digits}"
    try:
        return validators.normalise_kbo_number(digits)
    except ValidationError:
        return None


def registration_number_from(text):
    """ "DV.O000123", "dv o 123", "DVA123" -> "DV.O000123" / "DV.A000123"; else None."""
    match = _REGISTRATION_NUMBER.fullmatch((text or "").strip())
    if not match:
        return None
    return f"DV.{match.group(1).upper()}{int(match.group(2)):06d}"


# --- Free text ---------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One search word and what it may match: its own lexeme or, when no document
    has that, similar words of the vocabulary."""

    word: str
    lexeme: str
    alternatives: tuple = ()  # ((word, lexeme), ...)
    # PostgreSQL's lexeme of the word, for a one-word search on PostgreSQL.
    vector_lexeme: str | None = None

    @property
    def corrected(self):
        return bool(self.alternatives)


def _terms(text):
    terms = []
    for word in search_text.words(text):
        lexeme = search_text.lexeme(word)
        if lexeme and all(term.word != word for term in terms):
            terms.append(Term(word=word, lexeme=lexeme))
    return terms[:MAX_TERMS]


def _fuzzy_candidates(word):
    """Vocabulary rows that can be similar to `word` at all: a length within reach
    and at least one trigram in common (a first letter, a last pair, or three
    letters inside). Exact: nothing similar enough is left out."""
    size = len(word) + 1  # pg_trgm trigrams of a word
    shortest = max(1, math.ceil(size * TYPO_MIN_SIMILARITY) - 1)
    longest = math.floor(size / TYPO_MIN_SIMILARITY) - 1
    shared = Q(word__startswith=word[0]) | Q(word__endswith=word[-2:])
    for index in range(len(word) - 2):
        shared |= Q(word__contains=word[index : index + 3])
    return Q(length__gte=shortest, length__lte=longest) & shared


def _correct(terms, *, use_trigram_index):
    """Give each misspelt term its alternatives, with one query on the vocabulary.

    On PostgreSQL the same query also tells the lexeme that the text-search
    configuration makes of a one-word search: the inverted index is then read
    with that lexeme as a constant, so that the planner knows how common it is.
    """
    if not terms:
        return terms
    fuzzy = [term for term in terms if term.word.isalpha() and len(term.word) >= TYPO_MIN_LENGTH]
    condition = Q(lexeme__in=[term.lexeme for term in terms])
    words = SearchWord.objects.all()
    fields = ["word", "lexeme"]
    if fuzzy and use_trigram_index:
        # `%` finds the words above pg_trgm.similarity_threshold (0.3 unless a DBA
        # raised it above TYPO_MIN_SIMILARITY) with the trigram index.
        for term in fuzzy:
            condition |= Q(TrigramSimilar(F("word"), Value(term.word)))
    elif fuzzy:
        words = words.annotate(length=Length("word"))
        for term in fuzzy:
            condition |= _fuzzy_candidates(term.word)
    if use_trigram_index and len(terms) == 1 and terms[0].word.isalpha():
        words = words.annotate(
            vector_lexeme=RawSQL(
                "SELECT string_agg(term.lexeme, ' ') "
                "FROM unnest(to_tsvector(%s::regconfig, %s)) AS term",
                (search_text.TEXT_SEARCH_CONFIG, terms[0].word),
            )
        )
        fields.append("vector_lexeme")
    rows = list(words.filter(condition).values_list(*fields))
    known = {row[1] for row in rows}
    corrected = []
    for term in terms:
        if term.lexeme in known:
            vector_lexeme = rows[0][2] if len(fields) == 3 else None
            corrected.append(dataclasses.replace(term, vector_lexeme=vector_lexeme))
            continue
        if term not in fuzzy:
            corrected.append(term)
            continue
        scored = sorted(
            (
                (-search_text.similarity(term.word, row[0]), row[0], row[1])
                for row in rows
                if search_text.similarity(term.word, row[0]) >= TYPO_MIN_SIMILARITY
            ),
        )[:TYPO_MAX_ALTERNATIVES]
        alternatives = tuple((word, lexeme) for _score, word, lexeme in scored)
        corrected.append(Term(word=term.word, lexeme=term.lexeme, alternatives=alternatives))
    return corrected


class DocumentSearchVector(Expression):
    """The `search_vector` column of ProviderSearchDocument.

    A PostgreSQL-only column that the model does not declare: it is named on the
    table alias of a declared column of the same table, so that it follows that
    table when Django relabels it (in a subquery, say).
    """

    output_field = SearchVectorField()

    def __init__(self, anchor=None):
        super().__init__()
        self.anchor = anchor if anchor is not None else F("sort_name")

    def get_source_expressions(self):
        return [self.anchor]

    def set_source_expressions(self, expressions):
        (self.anchor,) = expressions

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(self.anchor.alias)
        return f"{alias}.{connection.ops.quote_name('search_vector')}", []


class PostgresFullText:
    """Free text on PostgreSQL: the stored tsvector, a tsquery, ts_rank."""

    use_trigram_index = True

    def apply(self, queryset, terms):
        groups = []
        for term in terms:
            words = [term.word, *(word for word, _lexeme in term.alternatives)]
            groups.append("(" + " | ".join(words) + ")")
        query = SearchQuery(
            " & ".join(groups), config=search_text.TEXT_SEARCH_CONFIG, search_type="raw"
        )
        vector = DocumentSearchVector()
        return queryset.filter(SearchVectorExact(vector, query)).annotate(
            rank=SearchRank(vector, query)
        )

    def term_ranking(self, terms, provider_sets):
        """For a search of one plain word, the ranking read from the inverted index
        (ProviderSearchTerm) instead of from the documents; None for other searches.

        The same providers in the same order as `apply` gives (ts_rank of the one
        lexeme, then the sort name and the id), but the page is the start of an
        index range and the total an index-only count: a common word no longer
        makes the database read and rank every matching document's vector. The
        word's lexeme is PostgreSQL's own, which the vocabulary query found
        (`Term.vector_lexeme`): a word the configuration turns into no lexeme or into
        several, or that no document has, is left to `apply`.
        """
        if len(terms) != 1 or terms[0].corrected:
            return None
        lexeme = terms[0].vector_lexeme
        if not lexeme or " " in lexeme:
            return None
        rows = ProviderSearchTerm.objects.filter(
            *[Q(document_id__in=ids) for ids in provider_sets], lexeme=lexeme
        )
        return (
            rows.annotate(
                result_nearness=Value(None, output_field=FloatField()),
                total_count=CountOf(rows.values("document_id")),
            )
            .order_by("-rank", "sort_name", "document_id")
            .values_list("document_id", "result_nearness", "total_count")
        )


class PortableText:
    """Free text without PostgreSQL: whole lexemes in the provider's lexeme list.

    A match in the name counts double, as the name weighs most on PostgreSQL.
    """

    use_trigram_index = False

    def term_ranking(self, terms, provider_sets):
        """No inverted index without PostgreSQL: `apply` does all text searches."""
        return None

    def apply(self, queryset, terms):
        score = Value(0.0)
        for term in terms:
            lexemes = [term.lexeme, *(lexeme for _word, lexeme in term.alternatives)]
            anywhere = Q()
            in_name = Q()
            for lexeme in lexemes:
                anywhere |= Q(portable__lexemes__contains=f" {lexeme} ")
                in_name |= Q(portable__name_lexemes__contains=f" {lexeme} ")
            queryset = queryset.filter(anywhere)
            score = score + Case(
                When(in_name, then=Value(2.0)), default=Value(1.0), output_field=FloatField()
            )
        return queryset.annotate(rank=score)


TEXT_SEARCHES = {"postgresql": PostgresFullText, "portable": PortableText}


def _text_search(name):
    if name is None:
        name = "postgresql" if connection.vendor == "postgresql" else "portable"
    return TEXT_SEARCHES[name]()


# --- Distance --------------------------------------------------------------------


def _box(latitude, longitude, radius_km):
    """(south, north, west, east) around a point: a cheap prefilter on the index."""
    dlat = radius_km / 111.32
    widest = math.cos(math.radians(min(abs(latitude) + dlat, 89.0)))
    dlon = radius_km / (111.32 * widest)
    return latitude - dlat, latitude + dlat, longitude - dlon, longitude + dlon


def _decimal(value, rounding):
    return Decimal(value).quantize(Decimal("0.0001"), rounding=rounding)


def _haversine_term(prefix, latitude, longitude):
    """The haversine formula's inner term, in SQL, from a point to
    `prefix`latitude/longitude: distance = 2R·asin(√term).

    The distance grows with the term, so the nearest establishment is the one with
    the smallest term: the square root and arc sine are taken once per provider
    (in Python), not once per establishment.
    """
    lat = Radians(Cast(F(f"{prefix}latitude"), FloatField()))
    lon = Radians(Cast(F(f"{prefix}longitude"), FloatField()))
    lat0 = math.radians(latitude)
    lon0 = math.radians(longitude)
    half = Value(2.0)
    return Power(Sin((lat - Value(lat0)) / half), 2) + Value(math.cos(lat0)) * Cos(lat) * Power(
        Sin((lon - Value(lon0)) / half), 2
    )


def _term_for(radius_km):
    return math.sin(radius_km / (2 * EARTH_RADIUS_KM)) ** 2


def _km_from_term(term):
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(max(term, 0.0), 1.0)))


# --- The search --------------------------------------------------------------------


class CountOf(Subquery):
    """The number of rows of a queryset, as a scalar subquery."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"
    output_field = IntegerField()


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

    ranking: object  # a values_list queryset: (pk, nearness, total_count), in order
    place: Place | None
    radius_km: int | None
    sort: Sort
    terms: list
    lookup: str | None
    on: object = None

    def _slice(self, number, per_page):
        return list(self.ranking[(number - 1) * per_page : number * per_page])

    def page(self, number=1, per_page=PAGE_SIZE):
        """One page (a django.core.paginator.Page) of providers with what a result shows.

        Four queries: the page's ids in order with the total (narrow rows of the
        documents, or of the inverted index for one word), their public fields, their
        registrations in force and their active establishments. A page past the
        end costs a count and gives the last page.
        """
        try:
            number = max(int(number), 1)
        except (TypeError, ValueError):
            number = 1
        ranked = self._slice(number, per_page)
        if ranked:
            total = ranked[0][2]
        elif number > 1:
            total = self.ranking.count()
            if total:
                number = math.ceil(total / per_page)
                ranked = self._slice(number, per_page)
        else:
            total = 0
        providers = _public_providers([pk for pk, _nearness, _total in ranked])
        for (_pk, nearness, _total), provider in zip(ranked, providers, strict=True):
            provider.distance_km = None if nearness is None else _km_from_term(nearness)
        _decorate(providers, place=self.place, radius_km=self.radius_km, on=self.on)
        return Page(providers, number, Paginator(_KnownCount(total), per_page))

    @property
    def corrected_terms(self):
        return [term for term in self.terms if term.corrected]


def _public_providers(pks):
    """The providers with these pks, in this order, with only their public fields and
    the vakgebieden of their search document."""
    if not pks:
        return []
    rows = (
        ServiceProvider.objects.filter(pk__in=pks)
        .select_related("search_document")
        .only(*PUBLIC_FIELDS, "search_document__vakgebieden_text")
        .in_bulk()
    )
    providers = [rows[pk] for pk in pks]
    for provider in providers:
        document = getattr(provider, "search_document", None)
        text = document.vakgebieden_text if document else ""
        provider.public_vakgebied_names = [name for name in text.split("\n") if name]
    return providers


def _public_registrations(on):
    return listed_registrations(on=on).only(
        "service_provider_id", "service_type", "number", "valid_from", "valid_until"
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


def _attach_registrations(providers, on):
    """The registrations in force, one per service type and number (one query)."""
    prefetch_related_objects(
        providers,
        Prefetch(
            "registrations",
            queryset=_public_registrations(on).order_by("-service_type", "number", "-valid_until"),
            to_attr="public_registrations",
        ),
    )
    for provider in providers:
        seen = set()
        unique = []
        for registration in provider.public_registrations:
            key = (registration.service_type, registration.number)
            if key not in seen:
                seen.add(key)
                unique.append(registration)
        provider.public_registrations = unique


def _result_establishments(providers, *, place, radius_km):
    """Per result the establishments it names, in one query that returns at most a
    few per organisation (a chain has hundreds): with a place the nearest one
    (`nearest_establishment`), else the registered office and the next ones
    (`public_establishments`, `more_establishments`)."""
    rows = Establishment.objects.active().filter(
        organisation_id__in={provider.organisation_id for provider in providers}
    )
    if place is not None:
        if radius_km == 0:
            rows = rows.filter(postcode__in=sorted(place.postcodes))
        rows = rows.filter(latitude__isnull=False, longitude__isnull=False).annotate(
            nearness=_haversine_term("", place.latitude, place.longitude)
        )
        order = [F("nearness").asc(), F("pk").asc()]
        keep = 1
    else:
        order = [
            F("is_registered_office").desc(),
            F("municipality").asc(),
            F("street").asc(),
            F("pk").asc(),
        ]
        keep = RESULT_ESTABLISHMENTS
    rows = (
        rows.only(*ESTABLISHMENT_FIELDS)
        .annotate(
            position=Window(RowNumber(), partition_by=[F("organisation_id")], order_by=order),
            siblings=Window(Count("*"), partition_by=[F("organisation_id")]),
        )
        .filter(position__lte=keep)
        .order_by("organisation_id", "position")
    )
    by_organisation = {}
    for establishment in rows:
        by_organisation.setdefault(establishment.organisation_id, []).append(establishment)
    for provider in providers:
        shown = by_organisation.get(provider.organisation_id, [])
        provider.nearest_establishment = shown[0] if place is not None and shown else None
        provider.public_establishments = [] if place is not None else shown
        provider.more_establishments = shown[0].siblings - len(shown) if shown else 0


def _decorate(providers, *, place=None, radius_km=None, on=None):
    """Attach what a result shows: the registrations in force and the establishments
    it names (two queries)."""
    if not providers:
        return
    _attach_registrations(providers, on)
    _result_establishments(providers, place=place, radius_km=radius_km)


def _order_by(name):
    return OrderBy(F(name[1:]), descending=True) if name.startswith("-") else OrderBy(F(name))


def provider_search(
    *,
    text="",
    vakgebieden=(),
    service_types=(),
    place=None,
    radius_km=None,
    sort=Sort.RELEVANCE,
    on=None,
    text_search=None,
):
    """Search the listed service providers.

    - `text`: free text (name, presentation, vakgebieden, municipality), or a KBO
      number or registration number in any notation, looked up exactly;
    - `vakgebieden`: Vakgebied slugs, a provider active in any of them matches;
    - `service_types`: "O" and/or "A", registered (and listed) for any of them;
    - `place` (a Place from place_resolve) and `radius_km` (0 = in the
      municipality itself, default 10): an active establishment that near;
    - `sort`: relevance (without text: nearest first, or by name), distance
      (needs a place) or name;
    - `on`: the day whose listing counts (default today);
    - `text_search`: "postgresql" or "portable" to choose how free text is
      matched (default: what the database offers; the tests use both).

    Returns a SearchResult; nothing runs until a page is asked for, except the
    vocabulary lookup that corrects typos.
    """
    sort = Sort(sort)
    if sort == Sort.DISTANCE and place is None:
        raise ValueError("Sorting by distance needs a place.")
    service_types = tuple(service_types or ())
    # Who may appear, as sets of provider ids: the listed ones (which only the
    # registrations selector decides) and, when chosen, those of the vakgebieden.
    provider_sets = [listed_service_provider_ids(on=on, service_types=service_types or None)]
    if vakgebieden:
        chosen = ServiceProvider.vakgebieden.through.objects.filter(
            vakgebied__slug__in=list(vakgebieden)
        )
        provider_sets.append(chosen.values("serviceprovider_id"))
    # The search runs on the narrow documents.
    documents = ProviderSearchDocument.objects.filter(
        *[Q(service_provider__in=ids) for ids in provider_sets]
    )

    terms = []
    lookup = None
    kbo_number = kbo_number_from(text)
    registration_number = registration_number_from(text)
    if kbo_number:
        lookup = "kbo"
        documents = documents.filter(
            Q(service_provider__kbo_number=kbo_number) | Q(organisation__kbo_number=kbo_number)
        )
    elif registration_number:
        lookup = "registration"
        numbered = listed_registrations(on=on, service_types=service_types or None).filter(
            number=registration_number
        )
        documents = documents.filter(service_provider__in=numbered.values("service_provider_id"))
    else:
        matcher = _text_search(text_search)
        terms = _correct(_terms(text), use_trigram_index=matcher.use_trigram_index)
        if terms and sort == Sort.RELEVANCE and place is None:
            ranking = matcher.term_ranking(terms, provider_sets)
            if ranking is not None:
                return SearchResult(
                    ranking=ranking,
                    place=None,
                    radius_km=None,
                    sort=sort,
                    terms=terms,
                    lookup=None,
                    on=on,
                )
        if terms:
            documents = matcher.apply(documents, terms)

    # From here on one narrow row per provider: the id, and with a place the
    # nearness of its nearest establishment.
    documents = documents.values("service_provider_id")
    nearness = Value(None, output_field=FloatField())
    if place is not None:
        radius_km = DEFAULT_RADIUS_KM if radius_km is None else int(radius_km)
        if radius_km == 0:
            south, north, west, east = place.municipality_box
            nearby = Q(organisation__establishments__postcode__in=sorted(place.postcodes))
        else:
            south, north, west, east = _box(place.latitude, place.longitude, radius_km)
            nearby = Q()
        # Filter before annotating: the minimum then runs over these establishments only.
        documents = documents.filter(
            nearby,
            organisation__establishments__is_active=True,
            organisation__establishments__latitude__range=(
                _decimal(south, ROUND_FLOOR),
                _decimal(north, ROUND_CEILING),
            ),
            organisation__establishments__longitude__range=(
                _decimal(west, ROUND_FLOOR),
                _decimal(east, ROUND_CEILING),
            ),
        ).annotate(
            nearness=Min(
                _haversine_term("organisation__establishments__", place.latitude, place.longitude)
            )
        )
        if radius_km:
            documents = documents.filter(nearness__lte=_term_for(radius_km))
        nearness = F("nearness")

    if sort == Sort.RELEVANCE and terms:
        ordering = ["-rank", "sort_name", "service_provider_id"]
    elif sort in (Sort.RELEVANCE, Sort.DISTANCE) and place is not None:
        ordering = ["nearness", "sort_name", "service_provider_id"]
    else:
        ordering = ["sort_name", "service_provider_id"]

    if ordering[0] == "sort_name":
        # Sorting by name walks an index and stops after the page; the total is a
        # separate scalar subquery that the database runs once.
        total = CountOf(documents.order_by())
    elif place is not None:
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
    ranking = (
        documents.annotate(result_nearness=nearness, total_count=total)
        .order_by(*ordering)
        .values_list("service_provider_id", "result_nearness", "total_count")
    )
    return SearchResult(
        ranking=ranking,
        place=place,
        radius_km=radius_km if place is not None else None,
        sort=sort,
        terms=terms,
        lookup=lookup,
        on=on,
    )


def public_provider(pk, *, on=None):
    """A listed service provider with what its public page shows, or None.

    Four queries: the provider, its vakgebieden, its registrations in force and
    its organisation's active establishments.
    """
    provider = listed_service_providers(on=on).filter(pk=pk).only(*PUBLIC_FIELDS).first()
    if provider is None:
        return None
    provider.public_vakgebieden = list(provider.vakgebieden.only("name", "slug").order_by("name"))
    _attach_registrations([provider], on)
    provider.public_establishments = list(
        Establishment.objects.active()
        .filter(organisation_id=provider.organisation_id)
        .only(*ESTABLISHMENT_FIELDS)
        .order_by("-is_registered_office", "municipality", "street", "pk")
    )
    return provider
