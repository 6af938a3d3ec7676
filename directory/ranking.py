"""The ranking of a search read from its documents (or its points' rows), its statement
compiled once per shape.

Most searches end here (directory.selectors): text with or without a place, a place with
a filter, a vakgebied, a number. Their statement (directory.query) is a queryset of four
to eight subqueries, and the ORM built and compiled it on every page: about a fifth of a
search's Python. Its SQL depends only on the search's shape: the day, the service types
and the topic, how many vakgebieden, how many lexemes the words have (for the portable
matcher also which word has which), whether there is a place and whether the search is
in its municipality (how many postcodes, in buckets), the sort. So it is compiled once
per shape (core.statements), and a search fills in its own values: the vakgebieden, the
number looked up, the words, the place and the radius, and the page's slice.

A DocumentSearch says all that decides the statement; `queryset()` builds it with the
ORM, as it always did, and CompiledRanking reads its rows a slice at a time.
"""

import dataclasses
from dataclasses import dataclass

from core.statements import Statement, bucket, padded
from directory import query
from directory.matching import TEXT_SEARCHES, PostgresFullText
from directory.places import HaversineTerm, Place, haversine_term_within, search_box
from directory.query import Sort
from directory.rank_classes import lexemes_of
from directory.spelling import Term


@dataclass(frozen=True)
class DocumentSearch:
    """What decides a search's statement when it is ranked from the documents."""

    on: object  # the day whose listing counts
    service_types: tuple
    vakgebieden: tuple  # slugs
    topic: str
    lookup: tuple | None  # ("kbo" or "registration", number)
    terms: tuple  # spelling.Term
    matcher: str  # directory.matching.TEXT_SEARCHES
    place: Place | None
    radius_km: int | None
    sort: Sort
    # A search of one word read from the inverted index (PostgresFullText.term_ranking):
    # that word's lexeme, instead of the terms.
    lexeme: str | None = None

    def provider_sets(self):
        return query.provider_sets(
            on=self.on,
            service_types=self.service_types,
            vakgebieden=self.vakgebieden,
            topic=self.topic,
        )

    def documents(self, provider_sets=None):
        """The documents that the text or the number narrows the search to."""
        documents = query.documents_of(provider_sets or self.provider_sets())
        if self.lookup is not None:
            kind, number = self.lookup
            if kind == "kbo":
                return query.with_kbo_number(documents, number)
            return query.with_registration_number(
                documents, number, on=self.on, service_types=self.service_types
            )
        if self.terms:
            return TEXT_SEARCHES[self.matcher]().apply(documents, list(self.terms))
        return documents

    @property
    def narrowed(self):
        """Whether anything but the provider sets decides who appears."""
        return bool(self.terms) or self.lookup is not None

    def by_lexeme(self, lexeme):
        """The ranking of this search of one word from the inverted index, compiled."""
        return CompiledRanking(dataclasses.replace(self, terms=(), lexeme=lexeme))

    def queryset(self):
        """The ranking rows (provider id, nearness, total count) in order, as a queryset."""
        provider_sets = self.provider_sets()
        if self.lexeme is not None:
            return PostgresFullText.lexeme_ranking(self.lexeme, provider_sets)
        if self.place is not None and not self.narrowed:
            documents = query.near_without_documents(provider_sets, self.place, self.radius_km)
        else:
            documents = query.narrow(self.documents(provider_sets))
            if self.place is not None:
                documents = query.near(documents, self.place, self.radius_km)
        return query.ranking(
            documents,
            sort=self.sort,
            by_rank=bool(self.terms),
            by_nearness=self.place is not None,
        )

    # --- Its statement, compiled once per shape (core.statements) -------------------

    def shape(self):
        """All that decides the SQL; what `parameters` gives goes into it as parameters."""
        return (
            self.on,
            self.service_types,
            len(self.vakgebieden),
            self.topic,
            self.lookup[0] if self.lookup else None,
            self.matcher if self.terms else None,
            _terms_pattern(self.terms, self.matcher),
            self.place is not None,
            # Within a radius, or in the municipality (its postcodes, how many in a bucket).
            self.radius_km == 0,
            bucket(len(self.place.postcodes)) if self.place and self.radius_km == 0 else 0,
            self.sort,
            self.lexeme is not None,
            query.COUNT_LIMIT,  # read at run time: the tests lower it
        )

    def parameters(self):
        """The values this search puts into its statement, in an order fixed per shape."""
        values = list(self.vakgebieden)
        if self.lexeme is not None:
            values.append(self.lexeme)
        if self.lookup is not None:
            values.append(self.lookup[1])
        if self.terms:
            values += TEXT_SEARCHES[self.matcher].parameters(list(self.terms))
        if self.place is not None:
            (south, north), (west, east) = search_box(self.place, self.radius_km)
            values += [south, north, west, east]
            values += HaversineTerm.parameters(self.place.latitude, self.place.longitude)
            if self.radius_km:
                values.append(haversine_term_within(self.radius_km))
            else:
                values += padded(sorted(self.place.postcodes))
        return values

    @classmethod
    def stand_in(cls, shape, n):
        """A search of this shape whose values no real search has (n: 0 or 1)."""
        (on, service_types, vakgebieden, topic, lookup, matcher, pattern, near, in_municipality,
         postcodes, sort, by_lexeme, _count_limit) = shape  # fmt: skip
        place, radius_km = None, None
        if near:
            # In the ocean, with a municipality box of its own.
            latitude, longitude = -45.5 - n, -123.5 - n
            place = Place(
                label="",
                municipality="",
                latitude=latitude,
                longitude=longitude,
                postcodes=frozenset(f"stand-in {n}-{index}" for index in range(postcodes)),
                municipality_box=(latitude - 0.1, latitude + 0.1, longitude - 0.2, longitude),
            )
            radius_km = 0 if in_municipality else 7 + 6 * n
        return cls(
            on=on,
            service_types=service_types,
            vakgebieden=tuple(f"stand-in-{n}-{index}" for index in range(vakgebieden)),
            topic=topic,
            lookup=(lookup, f"stand-in {n}") if lookup else None,
            terms=_stand_in_terms(pattern, n),
            matcher=matcher,
            place=place,
            radius_km=radius_km,
            sort=sort,
            lexeme=f"standin{'ab'[n]}" if by_lexeme else None,
        )


def _terms_pattern(terms, matcher):
    """The search words as far as the SQL sees them: how many lexemes they have in all
    (rank_classes.lexemes_of) and, for the portable matcher, per term the positions of
    its lexemes and of its parts among them. On PostgreSQL the words go into one
    tsquery, a parameter, and each lexeme is ranked: only their number shapes the SQL."""
    if not terms:
        return ()
    items = lexemes_of(terms)
    if matcher == "postgresql":
        return (len(items), None)
    index = {item: position for position, item in enumerate(items)}
    positions = tuple(
        (tuple(index[item] for item in term.lexemes), tuple(index[part] for part in term.parts))
        for term in terms
    )
    return (len(items), positions)


def _stand_in_terms(pattern, n):
    """Terms of this pattern with lexemes that no document has, in the same order."""
    if not pattern:
        return ()
    count, terms = pattern
    # Letters only, in the order of their positions.
    items = [
        f"standin{'ab'[n]}{chr(97 + index // 26)}{chr(97 + index % 26)}" for index in range(count)
    ]
    if terms is None:
        terms = ((tuple(range(count)), ()),)
    return tuple(
        Term(
            word=items[lexemes[0]],
            lexeme=items[lexemes[0]],
            forms=tuple(items[index] for index in lexemes[1:]),
            parts=tuple(items[index] for index in parts),
        )
        for lexemes, parts in terms
    )


def _build(shape, search):
    _search_shape, reverse = shape
    rows = search.queryset()
    return rows.reverse() if reverse else rows


_RANKINGS = Statement(
    _build,
    shapes=2048,
    parameters=DocumentSearch.parameters,
    stand_in=lambda shape, n: DocumentSearch.stand_in(shape[0], n),
)


def _length(start, stop):
    return None if stop is None else stop - start


class CompiledRanking:
    """The ranking rows of a DocumentSearch, a slice at a time: what its queryset's slices
    give, from the statement compiled for the search's shape (the slice a parameter)."""

    def __init__(self, search, *, reverse=False):
        self.search = search
        self._reverse = reverse
        self._shape = search.shape()

    def __getitem__(self, window):
        start, stop, step = window.start or 0, window.stop, window.step
        if step is not None or start < 0 or (stop is not None and stop < start):
            raise ValueError("A ranking is read by slices of positive bounds without a step.")
        return _RANKINGS.rows(
            (self._shape, self._reverse),
            self.search,
            window=None if stop is None and not start else (start, _length(start, stop)),
        )

    def __iter__(self):
        return iter(self[:])

    def reverse(self):
        return CompiledRanking(self.search, reverse=not self._reverse)
