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


def test_one_word_gives_what_the_vector_gives_in_the_same_order(corpus, monkeypatch):
    used = 0
    for text in ONE_WORD:
        for criteria in FILTERS:
            expected = vector_ranking(monkeypatch, text=text, **criteria)
            result, sql = ranking(text=text, **criteria)
            assert result == expected, (text, criteria)
            used += TERM_TABLE in sql
    assert used >= len(FILTERS) * 7


def test_the_index_serves_only_one_plain_word_by_relevance_without_a_place(corpus, monkeypatch):
    for criteria in (
        {"text": "opleiding advies"},
        {"text": "e-mail"},
        {"text": "opleiding", "sort": Sort.NAME},
        {"text": "opleiding", "place": place_resolve("Gent"), "radius_km": 25},
    ):
        result, sql = ranking(**criteria)
        assert TERM_TABLE not in sql, criteria
        assert result == vector_ranking(monkeypatch, **criteria)


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
