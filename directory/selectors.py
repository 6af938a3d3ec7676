"""The public search: "Zoek een geregistreerde dienstverlener". What the views, the
forms, the tests and the benchmark call.

`provider_search` answers every search, `public_provider` gives the public page of one
provider, `place_resolve` the place a visitor means. Who is public at all is decided by
registrations.selectors.listed_service_providers and by nothing here; only public
fields are shown (directory.results).

How a search runs, module by module:

- directory.identifiers: a KBO or registration number is looked up exactly;
- directory.spelling: otherwise the text becomes search words, looked up in the
  vocabulary, and only words it does not know corrected on it;
- directory.matching: the words are matched and ranked, with PostgreSQL's full-text
  search or with the portable matcher;
- directory.places: a place filters on the distance to the nearest establishment;
- directory.query: all of it becomes one narrow statement, in order, with the total;
- directory.ranking: that statement compiled once per shape of search (core.statements),
  each search filling in its own values;
- directory.results: a page of it, with what each result shows.
"""

import functools

from django.utils import timezone

from directory import query
from directory.identifiers import exact_lookup
from directory.matching import text_matcher
from directory.places import (
    DEFAULT_RADIUS_KM,
    RADII_KM,
    Place,
    place_resolve,
    place_suggestions,
)
from directory.query import Sort
from directory.ranking import CompiledRanking, DocumentSearch
from directory.results import (
    PAGE_SIZE,
    PUBLIC_FIELDS,
    SearchResult,
    attach_registrations,
    public_establishments,
)
from directory.spelling import corrected_terms, search_terms
from registrations.selectors import listed_service_providers

__all__ = [
    "DEFAULT_RADIUS_KM",
    "PAGE_SIZE",
    "RADII_KM",
    "Place",
    "SearchResult",
    "Sort",
    "place_resolve",
    "place_suggestions",
    "provider_search",
    "public_provider",
]


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
    correct=True,
    topic="",
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
      matched (default: what the database offers; the tests use both);
    - `correct`: False searches misspelt words as typed instead of correcting them;
    - `topic`: "cybersecurity" keeps the providers in the vakgebied ICT or with "cyber"
      in their presentation (query.TOPIC_VAKGEBIEDEN, query.TOPIC_WORDS).

    Returns a SearchResult; nothing runs until a page is asked for, except the
    vocabulary lookup of the words (and for a word it does not know, the scan for the
    words it may be a typo of; for several common words on PostgreSQL, the ranks their
    lexemes have: directory.rank_classes).
    """
    sort = Sort(sort)
    if sort == Sort.DISTANCE and place is None:
        raise ValueError("Sorting by distance needs a place.")
    terms, matcher = [], text_matcher(text_search)
    lookup = exact_lookup(text)
    if lookup is None:
        terms = corrected_terms(
            search_terms(text), use_trigram_index=matcher.use_trigram_index, correct=correct
        )
    if place is not None:
        radius_km = DEFAULT_RADIUS_KM if radius_km is None else int(radius_km)
    search = DocumentSearch(
        on=on or timezone.localdate(),
        service_types=tuple(service_types or ()),
        vakgebieden=tuple(vakgebieden),
        topic=topic,
        lookup=(lookup.kind, lookup.number) if lookup is not None else None,
        terms=tuple(terms),
        matcher=matcher.name,
        place=place,
        radius_km=radius_km if place is not None else None,
        sort=sort,
    )
    found = functools.partial(
        SearchResult,
        place=place,
        radius_km=search.radius_km,
        sort=sort,
        terms=terms,
        lookup=lookup.kind if lookup is not None else None,
        on=on,
    )
    if terms and sort == Sort.RELEVANCE and place is None:
        ranking = matcher.term_ranking(terms, search)
        if ranking is not None:
            return found(ranking=ranking)
    if place is not None:
        by_distance = sort == Sort.DISTANCE or (sort == Sort.RELEVANCE and not terms)
        if by_distance and not vakgebieden and not topic and query.common(terms):
            # Nearest first without text (or with words that most providers use): read
            # from the nearest points on, up to the page and a capped count (a large
            # city's 50 km hold half the directory). A rare word, a vakgebied or a topic
            # keeps few providers: those are better found first (the walk would check
            # every point's providers). Not narrowed, it checks the provider sets
            # directly rather than the documents (a probe less per pair).
            candidates = (
                [search.documents().values("pk")] if search.narrowed else search.provider_sets()
            )
            return found(ranking=query.NearestFirst(candidates, place, radius_km))
    return found(ranking=CompiledRanking(search))


def public_provider(pk, *, on=None):
    """A listed service provider with what its public page shows, or None.

    Four queries: the provider, its vakgebieden, its registrations in force and
    its organisation's active establishments.
    """
    provider = listed_service_providers(on=on).filter(pk=pk).only(*PUBLIC_FIELDS).first()
    if provider is None:
        return None
    provider.public_vakgebieden = list(provider.vakgebieden.only("name", "slug").order_by("name"))
    attach_registrations([provider], on)
    provider.public_establishments = public_establishments(provider.organisation_id)
    return provider
