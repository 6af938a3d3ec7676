"""The words of a search and their typo correction on the vocabulary.

The search text becomes Terms: each folded word with its lexeme (directory.text).
Typos are corrected the same way for both matchers: a search word that occurs in
no document is replaced by the words of the vocabulary (SearchWord) that are
similar to it by pg_trgm's measure; PostgreSQL finds them with a trigram index,
other databases with a prefilter that leaves nothing similar enough out.
"""

import dataclasses
import math
from dataclasses import dataclass

from django.contrib.postgres.lookups import TrigramSimilar
from django.db.models import F, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length

from directory.models import SearchWord
from directory.text import TEXT_SEARCH_CONFIG, lexeme, similarity, words

# A search word is "misspelt" when no document has it; it is then replaced by the
# vocabulary words at least this similar (pg_trgm similarity), the best few.
TYPO_MIN_SIMILARITY = 0.4
TYPO_MAX_ALTERNATIVES = 5
TYPO_MIN_LENGTH = 4
MAX_TERMS = 10


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


def search_terms(text):
    """The Terms of a search text: its words without stop words and repeats, at most
    MAX_TERMS."""
    terms = []
    for word in words(text):
        word_lexeme = lexeme(word)
        if word_lexeme and all(term.word != word for term in terms):
            terms.append(Term(word=word, lexeme=word_lexeme))
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


def corrected_terms(terms, *, use_trigram_index):
    """Give each misspelt term its alternatives, with one query on the vocabulary.

    On PostgreSQL the same query also tells the lexeme that the text-search
    configuration makes of a one-word search: the inverted index is then read
    with that lexeme as a constant, so that the planner knows how common it is.
    """
    if not terms:
        return terms
    fuzzy = [term for term in terms if term.word.isalpha() and len(term.word) >= TYPO_MIN_LENGTH]
    condition = Q(lexeme__in=[term.lexeme for term in terms])
    vocabulary = SearchWord.objects.all()
    fields = ["word", "lexeme"]
    if fuzzy and use_trigram_index:
        # `%` finds the words above pg_trgm.similarity_threshold (0.3 unless a DBA
        # raised it above TYPO_MIN_SIMILARITY) with the trigram index.
        for term in fuzzy:
            condition |= Q(TrigramSimilar(F("word"), Value(term.word)))
    elif fuzzy:
        vocabulary = vocabulary.annotate(length=Length("word"))
        for term in fuzzy:
            condition |= _fuzzy_candidates(term.word)
    if use_trigram_index and len(terms) == 1 and terms[0].word.isalpha():
        vocabulary = vocabulary.annotate(
            vector_lexeme=RawSQL(
                "SELECT string_agg(term.lexeme, ' ') "
                "FROM unnest(to_tsvector(%s::regconfig, %s)) AS term",
                (TEXT_SEARCH_CONFIG, terms[0].word),
            )
        )
        fields.append("vector_lexeme")
    rows = list(vocabulary.filter(condition).values_list(*fields))
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
                (-similarity(term.word, row[0]), row[0], row[1])
                for row in rows
                if similarity(term.word, row[0]) >= TYPO_MIN_SIMILARITY
            ),
        )[:TYPO_MAX_ALTERNATIVES]
        alternatives = tuple((word, word_lexeme) for _score, word, word_lexeme in scored)
        corrected.append(Term(word=term.word, lexeme=term.lexeme, alternatives=alternatives))
    return corrected
