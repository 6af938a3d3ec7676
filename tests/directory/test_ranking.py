"""directory.ranking: a search's statement, compiled once per shape, gives the rows that
its queryset gives, for every slice, with each matcher; and so does the vocabulary's
statement (directory.spelling)."""

import pytest
from django.db import connection

from directory import ranking, results, spelling
from directory.ranking import CompiledRanking
from directory.selectors import Sort, place_resolve, provider_search
from directory.spelling import search_terms
from tests.directory.search_support import TRAINER_KBO, registration_of

pytestmark = pytest.mark.django_db

ENGINES = ["portable"] + (["postgresql"] if connection.vendor == "postgresql" else [])

# Searches that are ranked from their documents (or their points' rows): a place, a
# filter, a sort by name or a number. A place is given by what a visitor types.
CRITERIA = [
    {"text": "opleidingen", "sort": Sort.NAME},
    {"text": "opleidingen gent"},
    {"text": "opleid", "sort": Sort.NAME},
    {"text": "opleidingscentrum", "sort": Sort.NAME},
    {"text": "opleidngen", "sort": Sort.NAME},
    {"text": "taal", "vakgebieden": ["talen"], "sort": Sort.NAME},
    {"vakgebieden": ["ict", "talen"], "service_types": ["O"]},
    {"place": "9000", "radius_km": 0, "sort": Sort.NAME},
    {"place": "Leuven", "radius_km": 25, "vakgebieden": ["ict"]},
    {"text": "opleidingen", "place": "9000", "radius_km": 0},
    {"text": "opleidingen", "place": "9000", "radius_km": 50},
    {"text": "opleidingen", "place": "2000", "radius_km": 10, "sort": Sort.DISTANCE},
    {"text": TRAINER_KBO},
    {"topic": "cybersecurity", "service_types": ["O"]},
]


def _search(engine, criteria):
    criteria = dict(criteria)
    if "place" in criteria:
        criteria["place"] = place_resolve(criteria["place"])
    return provider_search(text_search=engine, **criteria)


def _slices(rows):
    return [
        list(rows[0:2]),
        list(rows[2:4]),
        list(rows[3:]),
        list(rows[:]),
        list(rows.reverse()[0:2]),
        list(rows.reverse()[:]),
    ]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("criteria", CRITERIA, ids=str)
def test_the_compiled_statement_gives_the_querysets_rows(corpus, engine, criteria):
    result = _search(engine, criteria)
    assert isinstance(result.ranking, CompiledRanking)
    queryset = result.ranking.search.queryset()
    assert list(queryset), "a search that finds nobody would compare nothing"
    assert _slices(result.ranking) == _slices(queryset)
    result.page(1)
    # Every shape passed the check (a failing one would be built by the ORM instead).
    for statement in (ranking._RANKINGS, results._PROVIDERS, results._ESTABLISHMENTS):
        assert not statement.uncompiled


@pytest.mark.parametrize("engine", ENGINES)
def test_a_registration_number_gives_the_querysets_rows(corpus, engine):
    number = registration_of(corpus["leie"], "A").number
    result = _search(engine, {"text": number})
    assert [pk for pk, _nearness, _total in result.ranking] == [corpus["leie"].pk]
    assert _slices(result.ranking) == _slices(result.ranking.search.queryset())


def test_searches_of_one_shape_share_their_statement(corpus):
    ranking._RANKINGS.forget()
    near_gent = _search(None, {"text": "logistiek", "place": "9000", "radius_km": 50})
    near_antwerpen = _search(None, {"text": "energie", "place": "2000", "radius_km": 25})
    assert near_gent.ranking._shape == near_antwerpen.ranking._shape

    for result in (near_gent, near_antwerpen):
        assert list(result.ranking[0:20]) == list(result.ranking.search.queryset()[0:20])
    compiled = ranking._RANKINGS._compiled.cache_info()
    assert (compiled.misses, compiled.hits) == (1, 1)


def test_a_municipalitys_postcodes_fill_a_bucket(corpus):
    gent = place_resolve("9000")
    assert len(gent.postcodes) not in (1, 2, 4, 8, 16)  # so the last one is repeated
    result = _search(None, {"place": "9000", "radius_km": 0, "vakgebieden": ["ict"]})
    assert list(result.ranking[:]) == list(result.ranking.search.queryset())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's inverted index")
def test_one_word_read_from_the_inverted_index_gives_the_querysets_rows(corpus):
    for criteria in ({"text": "taal"}, {"text": "taal", "vakgebieden": ["talen"]}):
        result = _search("postgresql", criteria)
        assert result.ranking.search.lexeme == "tal"
        queryset = result.ranking.search.queryset()
        assert list(queryset)
        assert _slices(result.ranking) == _slices(queryset)


# One word, a form, a compound and its parts, the word being typed, a typo, a number,
# several words.
VOCABULARY_TEXTS = ["opleiding", "opleidingen", "opleidingscentrum", "opleidingen gent", "opl",
                    "opleidngen", "9000", "taal kwaliteit opleiding"]  # fmt: skip


@pytest.mark.parametrize("text", VOCABULARY_TEXTS)
def test_the_vocabularys_statement_gives_the_querysets_rows(corpus, text, monkeypatch):
    given = []
    vocabulary = spelling._vocabulary

    def compared(terms, forms_of, typed):
        rows = vocabulary(terms, forms_of, typed)
        lexemes = {item for term in terms for item in (term.lexeme, *term.parts)}
        arguments = (lexemes, set().union(*forms_of.values()), typed and typed.word)
        given.append((rows, list(spelling._vocabulary_statement(None, arguments))))
        return rows

    monkeypatch.setattr(spelling, "_vocabulary", compared)
    spelling.corrected_terms(search_terms(text), use_trigram_index=False)

    ((rows, expected),) = given
    assert sorted(rows) == sorted(expected)
    assert not spelling._VOCABULARY.uncompiled


@pytest.mark.parametrize("typed", ["ta%", "t_al"])
def test_the_vocabularys_statement_escapes_the_typed_word_as_the_orm_does(corpus, typed):
    # Search words hold no % or _ (directory.text): the statement must not count on it.
    term = spelling.make_term(typed)
    rows = spelling._vocabulary([term], {}, term)

    arguments = ({term.lexeme, *term.parts}, set(), typed)
    assert sorted(rows) == sorted(spelling._vocabulary_statement(None, arguments))
    assert not [row for row in rows if row[0] == "taal"]
