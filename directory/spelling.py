"""The words of a search and what each may match: its own lexeme, the parts of a
compound, the words it begins (the word being typed), the scheme's meaning of a word,
and corrections of a typo.

The search text becomes Terms: each folded word with its lexeme (directory.text).
A term matches a document that has

- its lexeme, as a word or as a part of a compound ("advies" finds "adviesbureau":
  directory.index stores the parts of compounds too);
- all the parts of the term when it is a compound itself ("opleidingscentrum" finds
  "centrum voor opleidingen"; directory.compounds splits it);
- for the last word, when it is not a word of the vocabulary, a word it begins
  ("boekh" finds "boekhouding"): the visitor is still typing it;
- for a word with a meaning in the scheme ("advies", "opleiding" and their forms),
  the scheme's lexeme, which directory.index stores for every provider registered for
  that service type and next to every form of the word;
- for a word that occurs nowhere, the most similar words of the names, presentations
  and vakgebieden (never of places: "boekhoudng" is not the village Boekhoute),
  which the page then offers as "Bedoelt u …?".

Both matchers read the same Terms, so both databases find the same providers.
"""

import dataclasses
import math
from dataclasses import dataclass

from django.contrib.postgres.lookups import TrigramSimilar
from django.db import connection
from django.db.models import F, Q, Value
from django.db.models.functions import Length
from rapidfuzz.distance import OSA

from core.statements import Statement, bucket, padded
from directory.compounds import INFLECTIONS, split
from directory.models import SearchWord
from directory.text import SCHEME_TYPES, STOP_WORDS, lexeme, meaning, similarity, words

# A search word is "misspelt" when no document has it; it is then replaced by the
# vocabulary words the fewest edits away (letters added, left out, changed or swapped:
# "adveis" -> "advies"), at most one edit for a short word and two for a longer one.
# Candidates share the first two letters or are similar by pg_trgm's measure.
TYPO_MIN_SIMILARITY = 0.4
TYPO_MAX_ALTERNATIVES = 5
TYPO_MIN_LENGTH = 4
TYPO_TWO_EDITS_FROM = 8
MAX_TERMS = 10
# The word being typed: at least this long, and the most common completions only.
PREFIX_MIN_LENGTH = 3
MAX_COMPLETIONS = 30


@dataclass(frozen=True)
class Term:
    """One search word and what it may match (see the module's docstring)."""

    word: str
    lexeme: str
    alternatives: tuple = ()  # typo corrections: ((word, lexeme), ...)
    parts: tuple = ()  # the lexemes of its parts when it is a compound
    completions: tuple = ()  # lexemes of the words it begins (the last word only)
    forms: tuple = ()  # lexemes of its other forms (a scheme word)
    service_type: str | None = None  # its meaning in the scheme
    last: bool = False
    # The one lexeme by which a document can match the term, for the inverted index: a
    # plain word's own, or the one correction of a misspelt word (its own lexeme is in
    # no document, or it would not be misspelt).
    vector_lexeme: str | None = None
    # How many providers have its lexeme (SearchWord.documents; 0: not known), and for a
    # compound the rarest of its parts (0: none, or a part in no text).
    documents: int = 0
    part_documents: int = 0

    @property
    def corrected(self):
        return bool(self.alternatives)

    @property
    def lexemes(self):
        """Every single lexeme that matches this term (not the parts, which match together)."""
        alternatives = (item for _word, item in self.alternatives)
        return tuple(dict.fromkeys((self.lexeme, *self.forms, *self.completions, *alternatives)))

    @property
    def plain(self):
        """A term that matches its own lexeme only."""
        return not (self.alternatives or self.parts or self.completions or self.forms)


def _meant(item):
    """A lexeme, or the scheme's lexeme for a form of one of its words."""
    return meaning(item) or item


def _parts(word):
    """The lexemes of a compound's parts ("opleidingscentrum": the scheme's lexeme for
    "opleidings", and "centrum"), or () when it is not one."""
    parts = tuple(
        dict.fromkeys(_meant(lexeme(part)) for part in split(word) if part not in STOP_WORDS)
    )
    return parts if len(parts) > 1 else ()


def make_term(word, **fields):
    """The Term of one folded word (None for a stop word). A word of the scheme searches
    the scheme's lexeme, which every form of it and every registration for it brings."""
    word_lexeme = lexeme(word)
    if not word_lexeme:
        return None
    return Term(
        word=word,
        lexeme=_meant(word_lexeme),
        parts=_parts(word),
        service_type=SCHEME_TYPES.get(word),
        **fields,
    )


def search_terms(text):
    """The Terms of a search text: its words without stop words and repeats, at most
    MAX_TERMS; the last one is the word being typed."""
    terms = []
    for word in words(text):
        term = make_term(word)
        if term and all(other.word != word for other in terms):
            terms.append(term)
    terms = terms[:MAX_TERMS]
    if terms:
        terms[-1] = dataclasses.replace(terms[-1], last=True)
    return terms


def _fuzzy_lengths(word):
    """The shortest and the longest word that can be similar enough to `word`."""
    size = len(word) + 1  # pg_trgm trigrams of a word
    shortest = max(1, math.ceil(size * TYPO_MIN_SIMILARITY) - 1)
    longest = math.floor(size / TYPO_MIN_SIMILARITY) - 1
    return shortest, longest


def _fuzzy_candidates(word):
    """Vocabulary rows that can be similar to `word` at all: a length within reach
    and at least one trigram in common (a first letter, a last pair, or three
    letters inside). Exact: nothing similar enough is left out."""
    shortest, longest = _fuzzy_lengths(word)
    shared = Q(word__startswith=word[0]) | Q(word__endswith=word[-2:])
    for index in range(len(word) - 2):
        shared |= Q(word__contains=word[index : index + 3])
    return Q(length__gte=shortest, length__lte=longest) & shared


# The forms of a word that the stemmer does not take off alike ("cursus" and
# "cursussen" stem differently) and that the vocabulary has are searched with it; the
# endings are those a compound's end part may carry (directory.compounds).


def inflected_forms(word):
    """Words that may be `word` inflected, or `word` without its inflection."""
    forms = {word + ending for ending in INFLECTIONS}
    forms.add(word + word[-1] + "en")  # bus -> bussen
    for ending in INFLECTIONS:
        base = word[: -len(ending)]
        if word.endswith(ending) and len(base) >= PREFIX_MIN_LENGTH:
            forms.add(base)
            if len(base) > PREFIX_MIN_LENGTH and base[-1] == base[-2]:
                forms.add(base[:-1])
    forms.discard(word)
    return forms


def _may_be_typed(term):
    return term.last and term.word.isalpha() and len(term.word) >= PREFIX_MIN_LENGTH


def _may_be_misspelt(term):
    return term.word.isalpha() and len(term.word) >= TYPO_MIN_LENGTH and not term.service_type


def _typo_candidates(word):
    """Vocabulary rows that may be a few edits from `word`: the same first two letters
    and a length within two."""
    return Q(word__startswith=word[:2], length__gte=len(word) - 2, length__lte=len(word) + 2)


def corrections(word, rows):
    """The words of the texts (not places) the fewest edits from a misspelt `word`, with
    their lexemes: [(word, lexeme), ...], the most common first (the providers that use
    it, SearchWord.documents), then the most similar."""
    most = 2 if len(word) >= TYPO_TWO_EDITS_FROM else 1
    scored = []
    for candidate, candidate_lexeme, in_text, documents in rows:
        if not in_text:
            continue
        edits = OSA.distance(word, candidate, score_cutoff=most)
        if edits <= most:
            scored.append(
                (edits, -documents, -similarity(word, candidate), candidate, candidate_lexeme)
            )
    if not scored:
        return ()
    fewest = min(item[0] for item in scored)
    best = sorted(item for item in scored if item[0] == fewest)[:TYPO_MAX_ALTERNATIVES]
    return tuple((candidate, candidate_lexeme) for *_score, candidate, candidate_lexeme in best)


def _vocabulary(terms, forms_of, typed):
    """The vocabulary rows that tell what each term is: its lexeme and the lexemes of its
    parts (a compound is known when its parts are), the forms it may have, and the words
    that the word being typed begins. Index lookups only: (word, lexeme, in_text,
    documents). Its statement is compiled once per shape (core.statements): building
    and compiling it took a third of a millisecond of every search with words."""
    lexemes = sorted({item for term in terms for item in (term.lexeme, *term.parts)})
    forms = sorted(set().union(*forms_of.values()))
    shape = (bucket(len(lexemes)), bucket(len(forms)), typed is not None)
    arguments = (padded(lexemes), padded(forms), typed.word if typed is not None else None)
    return _VOCABULARY.rows(shape, arguments)


def _vocabulary_statement(shape, arguments):
    lexemes, forms, typed = arguments
    condition = Q(lexeme__in=lexemes) | Q(word__in=forms)
    if typed is not None:
        condition |= Q(word__startswith=typed)
    return SearchWord.objects.filter(condition).values_list(
        "word", "lexeme", "in_text", "documents"
    )


def _vocabulary_parameters(arguments):
    lexemes, forms, typed = arguments
    # As the ORM makes a startswith pattern of the word (the same for every database
    # the portal runs on).
    pattern = [f"{connection.ops.prep_for_like_query(typed)}%"] if typed is not None else []
    return [*lexemes, *forms, *pattern]


def _vocabulary_stand_in(shape, n):
    lexemes, forms, typed = shape
    return (
        [f"stand-in lexeme {n}-{index}" for index in range(lexemes)],
        [f"stand-in form {n}-{index}" for index in range(forms)],
        f"stand-in word {n}" if typed else None,
    )


_VOCABULARY = Statement(
    _vocabulary_statement, parameters=_vocabulary_parameters, stand_in=_vocabulary_stand_in
)


def _typo_vocabulary(words, *, use_trigram_index):
    """The vocabulary rows that may be a few edits from any of these words: a scan of
    the similar words, asked only for words that the vocabulary does not know. Its
    statement is compiled once per shape (core.statements): the ORM took a millisecond
    and a half to build and compile it for each search with a typo. The shape is the
    number of words, and without the trigram index their lengths too (how many
    trigrams each word is looked up by)."""
    if use_trigram_index:
        shape = (True, len(words))
    else:
        shape = (False, tuple(len(word) for word in words))
    return _TYPO_VOCABULARY.rows(shape, (tuple(words), use_trigram_index))


def _typo_statement(shape, arguments):
    words, use_trigram_index = arguments
    condition = Q()
    for word in words:
        condition |= _typo_candidates(word)
        if use_trigram_index:
            # `%` finds the words above pg_trgm.similarity_threshold (0.3 unless a DBA
            # raised it above TYPO_MIN_SIMILARITY) with the trigram index.
            condition |= Q(TrigramSimilar(F("word"), Value(word)))
        else:
            condition |= _fuzzy_candidates(word)
    return (
        SearchWord.objects.annotate(length=Length("word"))
        .filter(condition)
        .values_list("word", "lexeme", "in_text", "documents")
    )


def _typo_parameters(arguments):
    """What `_typo_statement` puts into the SQL, as the ORM writes it: the patterns of
    the lookups and the lengths (`_typo_candidates`, `_fuzzy_candidates`)."""
    words, use_trigram_index = arguments
    like = connection.ops.prep_for_like_query

    def length(value):  # a length compared with Length("word"), an IntegerField
        return connection.ops.adapt_integerfield_value(value, "IntegerField")

    values = []
    for word in words:
        values += [f"{like(word[:2])}%", length(len(word) - 2), length(len(word) + 2)]
        if use_trigram_index:
            values.append(word)
            continue
        shortest, longest = _fuzzy_lengths(word)
        values += [length(shortest), length(longest), f"{like(word[0])}%", f"%{like(word[-2:])}"]
        values += [f"%{like(word[index : index + 3])}%" for index in range(len(word) - 2)]
    return values


def _typo_stand_in(shape, n):
    """Words of the shape whose every letter differs from every other (so that every
    pattern made of them differs too: a search has at most MAX_TERMS words of at most
    the form's 200 letters) and, with the trigram index, whose lengths keep their bounds
    apart."""
    use_trigram_index, words = shape
    lengths = [20 + 10 * index + n for index in range(words)] if use_trigram_index else words
    stand_ins = []
    for index, length in enumerate(lengths):
        first = 0x100 + (2 * index + n) * 1024
        stand_ins.append("".join(chr(first + position) for position in range(length)))
    return (tuple(stand_ins), use_trigram_index)


_TYPO_VOCABULARY = Statement(_typo_statement, parameters=_typo_parameters, stand_in=_typo_stand_in)


def _documents(rows, lexeme):
    """How many providers have this lexeme, by the vocabulary's rows (0: not known)."""
    return max((row[3] for row in rows if row[1] == lexeme), default=0)


def _only_correction(term, alternatives):
    """The lexeme of a misspelt word's one correction when nothing else matches the word.

    The full-text query then has two lexemes, the word's own, which no document has, and
    the correction's: the rank is the correction's alone (directory.matching adds the
    lexemes' ranks), so the inverted index serves it as a plain word."""
    if len(alternatives) == 1 and not (term.parts or term.completions or term.forms):
        return alternatives[0][1]
    return None


def corrected_terms(terms, *, use_trigram_index, correct=True):
    """Give each term its forms, completions or corrections.

    One query on the vocabulary tells which words are known (or a form of a known word,
    or a compound of known parts, or the beginning of known words when typed last).
    Only a word that is none of these is a typo: a second query then scans for the
    words it may be misspelt from. A search spelt right never pays for that scan.

    `correct=False` searches the words as typed: no corrections ("Zoek toch naar …").
    """
    if not terms:
        return terms
    forms_of = {term.word: inflected_forms(term.word) for term in terms if term.word.isalpha()}
    typed = terms[-1] if _may_be_typed(terms[-1]) else None
    rows = _vocabulary(terms, forms_of, typed)
    known = {row[1] for row in rows}
    looked_up = []  # (term, whether it is to be corrected)
    for term in terms:
        inflected = forms_of.get(term.word, set())
        forms = {row[1] for row in rows if row[0] in inflected} - {term.lexeme, *term.forms}
        if forms:
            term = dataclasses.replace(term, forms=(*term.forms, *sorted(forms)))
            known.add(term.lexeme)
        if term.lexeme in known or term.service_type or (term.parts and set(term.parts) <= known):
            term = dataclasses.replace(
                term,
                vector_lexeme=term.lexeme if term.plain else None,
                documents=_documents(rows, term.lexeme),
                part_documents=min((_documents(rows, part) for part in term.parts), default=0),
            )
            looked_up.append((term, False))
            continue
        if term is typed:
            completions = sorted(
                {row[1] for row in rows if row[0].startswith(term.word)}, key=lambda x: (len(x), x)
            )[:MAX_COMPLETIONS]
            if completions:
                term = dataclasses.replace(term, completions=tuple(completions))
                looked_up.append((term, False))
                continue
        looked_up.append((term, correct and _may_be_misspelt(term)))
    misspelt = [term.word for term, to_correct in looked_up if to_correct]
    if not misspelt:
        return [term for term, _to_correct in looked_up]
    typo_rows = _typo_vocabulary(misspelt, use_trigram_index=use_trigram_index)
    # A word found by the first query (another term's form, a completion) can be the
    # nearest to a typo too.
    candidates = list({row[0]: row for row in (*rows, *typo_rows)}.values())
    corrected = []
    for term, to_correct in looked_up:
        if not to_correct:
            corrected.append(term)
            continue
        # A correction keeps the meaning of the word it corrects to ("opleidnig").
        alternatives = tuple(
            (word, _meant(word_lexeme)) for word, word_lexeme in corrections(term.word, candidates)
        )
        meant = next(
            (SCHEME_TYPES[word] for word, _lexeme in alternatives if word in SCHEME_TYPES), None
        )
        corrected.append(
            dataclasses.replace(
                term,
                alternatives=alternatives,
                service_type=meant,
                vector_lexeme=_only_correction(term, alternatives),
            )
        )
    return corrected
