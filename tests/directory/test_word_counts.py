"""How common each word of the vocabulary is (SearchWord.documents): a misspelt word is
corrected towards the more common of equally near words (issue 16)."""

import pytest

from directory.index import search_documents_rebuild, search_words_recount
from directory.models import SearchWord
from directory.selectors import provider_search
from directory.tasks import search_documents_listing_refresh
from providers.models import ServiceProvider
from tests.directory.search_support import provider

pytestmark = pytest.mark.django_db


def documents(word):
    return SearchWord.objects.get(word=word).documents


@pytest.fixture
def bakers(db):
    """Three presentations say "bakkerij", one says "bakkerie": as near to the typo
    "bakkerig", and first in the alphabet."""
    for name in ("Brood en Banket", "De Korenaar", "Het Gouden Graan"):
        provider(name, description="Opleidingen voor de bakkerij.")
    provider("Atelier Bakkerie", description="Kunstatelier De Bakkerie.")


def test_a_new_word_counts_the_providers_that_brought_it_and_a_recount_counts_them_all(bakers):
    # Each provider was saved on its own: "bakkerij" was new with the first only.
    assert documents("bakkerij") == 1
    assert documents("bakkerie") == 1

    assert search_words_recount() > 0

    assert documents("bakkerij") == 3
    assert documents("bakkerie") == 1
    assert search_words_recount() == 0  # nothing changed since


def test_a_rebuild_and_the_nightly_task_recount(bakers):
    search_documents_rebuild()
    assert documents("bakkerij") == 3

    SearchWord.objects.filter(word="bakkerij").update(documents=0)
    search_documents_listing_refresh()
    assert documents("bakkerij") == 3


def test_a_typo_is_corrected_towards_the_more_common_of_equally_near_words(bakers):
    search_words_recount()

    result = provider_search(text="bakkerig")

    (term,) = result.terms
    assert [word for word, _lexeme in term.alternatives][:2] == ["bakkerij", "bakkerie"]
    assert result.corrected_text == "bakkerij"


def test_a_provider_who_drops_a_word_counts_less_after_the_recount(bakers):
    korenaar = ServiceProvider.objects.get(name="De Korenaar")
    korenaar.description = "Opleidingen voor de slagerij."
    korenaar.save()  # the search data follow every save (directory.index)
    search_words_recount()

    assert documents("bakkerij") == 2
