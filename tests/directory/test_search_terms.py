"""The inverted index of the public search (ProviderSearchTerm), PostgreSQL only.

A search for one plain word (or a typo with one correction), by relevance and
without a place, reads its page and total from the index instead of ranking every
matching document's vector. It must give exactly what the vector gives: the same
providers, in the same order, with the same total; and the index must follow every
write of the documents.
"""

import dataclasses

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory import matching, query, rank_classes
from directory.matching import PostgresFullText
from directory.models import ProviderSearchTerm
from directory.selectors import Sort, place_resolve, provider_search
from directory.spelling import _only_correction, make_term
from tests.directory.search_support import provider

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's full-text search"),
]

TERM_TABLE = ProviderSearchTerm._meta.db_table
# Words of the scheme ("opleidingen", "advies") read the index too: their lexeme is in the
# vector of every provider registered for the type. "de" is a stop word and "xyzzy"
# unknown and corrected: those are left to the vector.
ONE_WORD = ["opleiding", "opleidingen", "advies", "Gent", "cafe", "Café", "taal", "de", "xyzzy"]
FILTERS = [{}, {"vakgebieden": ["ict"]}, {"service_types": ["A"]}, {"service_types": ["O"]}]


@pytest.fixture
def corpus(corpus):
    # Enough ties and ranks to make the order mean something: names, vakgebieden
    # and presentations that carry the same words.
    for index in range(12):
        provider(
            f"Opleidingen Advies {index:02d}" if index % 3 else f"Studio {index:02d}",
            place=("9000", "Gent") if index % 2 else ("2000", "Antwerpen"),
            description="Advies en opleiding op maat." if index % 4 else "Taalles.",
            vakgebieden=["ICT"] if index % 2 else ["Talen"],
            types=("O", "A") if index % 5 else ("A",),
        )
    return corpus


def ranking(**criteria):
    """(pk, page count) of the first two pages of 5, and the SQL they ran."""
    search = provider_search(text_search="postgresql", **criteria)
    with CaptureQueriesContext(connection) as queries:
        pages = [search.page(number, per_page=5) for number in (1, 2)]
    pks = [item.pk for page in pages for item in page.object_list]
    return (pks, pages[0].paginator.count), " ".join(query["sql"] for query in queries)


def vector_ranking(monkeypatch, **criteria):
    with monkeypatch.context() as patch:
        patch.setattr(PostgresFullText, "term_ranking", lambda self, terms, sets: None)
        result, sql = ranking(**criteria)
    assert TERM_TABLE not in sql
    return result


def index_rankings_equal_vector_rankings(monkeypatch, texts):
    """Each text under each filter ranks the same from the index as from the vectors;
    how many of them read the index."""
    used = 0
    for text in texts:
        for criteria in FILTERS:
            expected = vector_ranking(monkeypatch, text=text, **criteria)
            result, sql = ranking(text=text, **criteria)
            assert result == expected, (text, criteria)
            used += TERM_TABLE in sql
    return used


def test_one_word_gives_what_the_vector_gives_in_the_same_order(corpus, monkeypatch):
    assert index_rankings_equal_vector_rankings(monkeypatch, ONE_WORD) >= len(FILTERS) * 7


def test_the_index_serves_only_a_ranking_by_relevance_without_a_place(corpus, monkeypatch):
    for criteria in (
        {"text": "e-mail"},
        {"text": "opleiding", "sort": Sort.NAME},
        {"text": "opleiding", "place": place_resolve("Gent"), "radius_km": 25},
        {"text": "opleiding advies", "place": place_resolve("Gent"), "radius_km": 25},
    ):
        result, sql = ranking(**criteria)
        assert TERM_TABLE not in sql, criteria
        assert result == vector_ranking(monkeypatch, **criteria)


# Several lexemes: two words, a compound and its parts, a word of the scheme with its
# forms, a typo with several corrections, a word and a place's name.
SEVERAL_WORDS = [
    "opleiding advies",
    "advies opleiding taal",
    "opleidingscentrum",
    "taalopleiding",
    "advies gent",
    "opleidingen studio",
    "boekhoudnig",
    "ict advies",
]


@pytest.fixture
def classes_for_every_word(monkeypatch):
    """The classes serve words of every frequency: the corpus's are all rare."""
    monkeypatch.setattr(matching, "CLASSES_FROM_DOCUMENTS", 0)


def test_words_that_few_providers_have_are_ranked_from_the_vectors(corpus):
    for text in ("opleiding advies", "opleidingscentrum"):
        terms = provider_search(text=text).terms
        assert all(0 < term.documents + term.part_documents < 100 for term in terms)
        _result, sql = ranking(text=text)
        assert TERM_TABLE not in sql, text


@pytest.mark.usefixtures("classes_for_every_word")
@pytest.mark.parametrize("classes_per_statement", [1, rank_classes.CLASSES_PER_STATEMENT])
def test_several_words_read_their_classes_in_the_vectors_order(
    corpus, monkeypatch, classes_per_statement
):
    # One class per statement: most pages need the vectors' ranking after the best class.
    monkeypatch.setattr(rank_classes, "CLASSES_PER_STATEMENT", classes_per_statement)
    used = index_rankings_equal_vector_rankings(monkeypatch, SEVERAL_WORDS)
    assert used >= len(FILTERS) * 5


@pytest.mark.usefixtures("classes_for_every_word")
def test_a_page_of_classes_costs_five_queries(corpus, django_assert_num_queries):
    # The vocabulary, the lexemes' ranks, the classes with the total, the providers,
    # their establishments; and for a page past the end nothing more.
    for number in (1, 99):
        with django_assert_num_queries(5) as queries:
            page = provider_search(text="opleiding advies").page(number, per_page=5)
        assert page.object_list
        assert TERM_TABLE in queries.captured_queries[2]["sql"]


@pytest.mark.usefixtures("classes_for_every_word")
def test_the_classes_page_on_past_the_end_and_to_the_last_provider(corpus, monkeypatch):
    search = provider_search(text="opleiding advies", text_search="postgresql")
    every = [item.pk for item in search.page(1, per_page=100).object_list]
    with monkeypatch.context() as patch:
        patch.setattr(PostgresFullText, "term_ranking", lambda self, terms, sets: None)
        vector = provider_search(text="opleiding advies", text_search="postgresql")
        assert every == [item.pk for item in vector.page(1, per_page=100).object_list]
    assert len(every) > 7
    paged = []
    for number in range(1, 5):
        page = provider_search(text="opleiding advies").page(number, per_page=3)
        paged += [item.pk for item in page.object_list if item.pk not in paged]
    assert paged == every[: len(paged)]
    last = provider_search(text="opleiding advies").page(99, per_page=3)
    assert last.number == -(-len(every) // 3)
    assert [item.pk for item in last.object_list] == every[(last.number - 1) * 3 :]
    assert last.paginator.count == len(every)


@pytest.mark.usefixtures("classes_for_every_word")
def test_the_classes_count_up_to_the_limit_and_page_no_further(corpus, monkeypatch):
    every = [item.pk for item in provider_search(text="opleiding advies").page(1)]
    monkeypatch.setattr(query, "COUNT_LIMIT", 4)
    search = provider_search(text="opleiding advies")

    first = search.page(1, per_page=3)
    assert isinstance(search.ranking, rank_classes.ClassRanking)
    assert search.capped
    assert first.paginator.count == 4
    last = search.page(9, per_page=3)
    assert last.number == 2
    assert [item.pk for item in [*first, *last]] == every[:4]


def test_a_query_of_too_many_combinations_is_left_to_the_vector(monkeypatch):
    monkeypatch.setattr(rank_classes, "MAX_COMBINATIONS", 8)
    terms = [make_term("opleiding"), make_term("advies")]
    items = rank_classes.lexemes_of(terms)
    ranks = {items[0]: [0.6, 0.2, 0.1], items[1]: [0.6, 0.1]}
    assert rank_classes.rank_classes(terms, items, ranks) is None
    monkeypatch.setattr(rank_classes, "MAX_COMBINATIONS", 4096)
    classes = rank_classes.rank_classes(terms, items, ranks)
    # Both words in every class, best sum first; none without one of them.
    assert len(classes) == 6
    scores = [item.score for item in classes]
    assert scores == sorted(scores, reverse=True)
    assert classes[0].ranks == (0.6, 0.6)
    assert all(None not in item.ranks for item in classes)


def test_a_compound_matches_by_itself_or_by_all_of_its_parts():
    (term,) = [dataclasses.replace(make_term("opleidingscentrum"), parts=("centrum", "opleid"))]
    items = rank_classes.lexemes_of([term])
    assert items == ("centrum", "opleid", "opleidingscentrum")
    ranks = {"centrum": [0.2], "opleid": [0.6], "opleidingscentrum": [0.6]}
    classes = {item.ranks for item in rank_classes.rank_classes([term], items, ranks)}
    assert classes == {
        (0.2, 0.6, 0.6),
        (None, 0.6, 0.6),
        (0.2, None, 0.6),
        (None, None, 0.6),
        (0.2, 0.6, None),
    }


@pytest.mark.parametrize("text", ["opleidnig", "adveis", "fiscalitiet"])
def test_a_misspelt_word_with_one_correction_reads_the_index_in_the_vectors_order(
    corpus, monkeypatch, text
):
    (term,) = provider_search(text=text).terms
    assert len(term.alternatives) == 1
    for criteria in FILTERS:
        result, sql = ranking(text=text, **criteria)
        assert TERM_TABLE in sql, (text, criteria)
        assert result == vector_ranking(monkeypatch, text=text, **criteria), (text, criteria)


def test_a_misspelt_word_with_several_corrections_or_a_completion_is_left_to_the_vector():
    # Each correction's lexeme is in documents: the rank is a sum, not one row's.
    term = make_term("boekhoudnig")
    one = (("boekhouding", "boekhoud"),)
    assert _only_correction(term, one) == "boekhoud"
    assert _only_correction(term, (*one, ("boekhouden", "boekhoud_"))) is None
    assert _only_correction(dataclasses.replace(term, completions=("boekhoudnigs",)), one) is None


def test_the_index_follows_the_documents(corpus):
    schelde = corpus["schelde"]

    def found(text):
        return [item.pk for item in provider_search(text=text).page(1, per_page=50).object_list]

    assert schelde.pk in found("fiscaliteit")
    schelde.description = "Wij geven opleidingen in kalligrafie."
    schelde.save()
    assert schelde.pk not in found("fiscaliteit")
    assert schelde.pk in found("kalligrafie")

    unregistered = provider("Atelier Tijdelijk", types=())
    assert ProviderSearchTerm.objects.filter(document_id=unregistered.pk).exists()
    unregistered.delete()
    assert not ProviderSearchTerm.objects.filter(document_id=unregistered.pk).exists()


def test_addresses_and_paths_become_plain_lexemes_with_their_rank(corpus):
    # The vector holds directory.text's lexemes: words of [a-z0-9] only, so an e-mail
    # address, a URL or a path never reaches the tsquery parser with its operators.
    odd = provider(
        "Atelier Kalligrafie",
        description=r"Mail info@atelier.example of https://www.atelier.example/a:b&c!d, C:\t'x.",
    )
    ranks = dict(
        ProviderSearchTerm.objects.filter(document_id=odd.pk).values_list("lexeme", "rank")
    )
    assert {"info", "atelier", "exampl", "kalligrafie"} <= set(ranks)
    assert all(lexeme.isalnum() for lexeme in ranks)
    assert all(rank > 0 for rank in ranks.values())
    found = provider_search(text="kalligrafie").page(1).object_list
    assert [item.pk for item in found] == [odd.pk]


def test_rebuild_restores_the_index(corpus):
    before = set(ProviderSearchTerm.objects.values_list("document_id", "lexeme", "rank"))
    ProviderSearchTerm.objects.all().delete()

    call_command("rebuild_search_index", verbosity=0)

    assert set(ProviderSearchTerm.objects.values_list("document_id", "lexeme", "rank")) == before
