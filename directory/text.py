"""The language side of the public search, in plain Python: folding, words, Dutch
stems, trigram similarity and the words of the scheme.

Both databases search the lexemes this module makes (directory.index stores them; on
PostgreSQL as the `search_vector` under the "simple" configuration). It reproduces what
PostgreSQL's own Dutch analysis does (the `nl_unaccent` text-search configuration of
migration 0002: unaccent, then the Snowball Dutch stemmer with its stop words; pg_trgm
for similarity), so that the two give the same answers:

- `fold` does what `unaccent` does for the Latin letters names and Dutch text use;
- `stem` is the Snowball Dutch stemmer that PostgreSQL 15 ships as `dutch_stem`,
  from the snowballstemmer package; `STOP_WORDS` is PostgreSQL's stop-word list
  (`dutch.stop`), which the package does not have;
- `similarity` is pg_trgm's `similarity()` for words made of [a-z0-9].

tests/directory/test_text.py compares them with PostgreSQL itself.
"""

import re
import threading
import unicodedata
from functools import lru_cache

import snowballstemmer

# PostgreSQL's tsearch_data/dutch.stop (from Snowball), in its order.
STOP_WORDS = frozenset(
    [
        "de",
        "en",
        "van",
        "ik",
        "te",
        "dat",
        "die",
        "in",
        "een",
        "hij",
        "het",
        "niet",
        "zijn",
        "is",
        "was",
        "op",
        "aan",
        "met",
        "als",
        "voor",
        "had",
        "er",
        "maar",
        "om",
        "hem",
        "dan",
        "zou",
        "of",
        "wat",
        "mijn",
        "men",
        "dit",
        "zo",
        "door",
        "over",
        "ze",
        "zich",
        "bij",
        "ook",
        "tot",
        "je",
        "mij",
        "uit",
        "der",
        "daar",
        "haar",
        "naar",
        "heb",
        "hoe",
        "heeft",
        "hebben",
        "deze",
        "u",
        "want",
        "nog",
        "zal",
        "me",
        "zij",
        "nu",
        "ge",
        "geen",
        "omdat",
        "iets",
        "worden",
        "toch",
        "al",
        "waren",
        "veel",
        "meer",
        "doen",
        "toen",
        "moet",
        "ben",
        "zonder",
        "kan",
        "hun",
        "dus",
        "alles",
        "onder",
        "ja",
        "eens",
        "hier",
        "wie",
        "werd",
        "altijd",
        "doch",
        "wordt",
        "wezen",
        "kunnen",
        "ons",
        "zelf",
        "tegen",
        "na",
        "reeds",
        "wil",
        "kon",
        "niets",
        "uw",
        "iemand",
        "geweest",
        "andere",
    ]
)

# Letters that Unicode does not decompose into a base letter and an accent, mapped
# as PostgreSQL's unaccent.rules maps them.
_LIGATURES = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "\u0131": "i",  # dotless i
    }
)
_WORD = re.compile(r"[a-z0-9]+")


def fold(text):
    """Lower case without accents: "Café Élan" -> "cafe elan"."""
    text = str(text or "").translate(_LIGATURES)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def words(text):
    """The folded words of `text`: "Sint-Niklaas, 9100" -> ["sint", "niklaas", "9100"]."""
    return _WORD.findall(fold(text))


def lexeme(word):
    """What the full-text index stores for one folded word, or None for a stop word.

    Numbers and words with digits are kept as they are (PostgreSQL's "simple"
    dictionary); other words are stemmed.
    """
    if not word.isalpha():
        return word
    if word in STOP_WORDS:
        return None
    return stem(word)


def lexemes(text):
    """The lexemes of `text`, in order, stop words left out."""
    return [item for item in map(lexeme, words(text)) if item]


# --- The Snowball Dutch stemmer ------------------------------------------------------
# PostgreSQL 15's `dutch_stem` is Snowball's original Dutch algorithm, which
# snowballstemmer 3 calls "dutch_porter"; its "dutch" is the newer Kraaij-Pohlmann
# algorithm, which stems many words differently ("aanboden": "aanbod" against
# "aanbood") and would make the portable search disagree with the full-text one.
STEMMER_ALGORITHM = "dutch_porter"

# A stemmer object keeps the word it works on in itself: one per thread.
_stemmers = threading.local()


@lru_cache(maxsize=50_000)
def stem(word):
    """The Snowball Dutch stem of a lower-case word, as PostgreSQL's `dutch_stem`
    gives it: "opleidingen" -> "opleid". Cached: a rebuild stems the same few
    thousand words millions of times."""
    stemmer = getattr(_stemmers, "stemmer", None)
    if stemmer is None:
        stemmer = _stemmers.stemmer = snowballstemmer.stemmer(STEMMER_ALGORITHM)
    return stemmer.stemWord(word)


# --- pg_trgm ---------------------------------------------------------------------------


def trigrams(word):
    """pg_trgm's trigrams of one word: padded with two spaces in front and one behind."""
    padded = f"  {word} "
    return {padded[index : index + 3] for index in range(len(padded) - 2)}


def similarity(first, second):
    """pg_trgm's similarity() of two folded words: shared trigrams over all trigrams."""
    a, b = trigrams(first), trigrams(second)
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


# --- Words with a meaning in the scheme -------------------------------------------------
# A provider registered for a service type answers the scheme's words for it, also when
# its texts do not use them; and every form of such a word finds the others ("adviezen"
# finds "advies"). directory.index stores the type's lexeme (SCHEME_LEXEMES) for each
# registration in force and next to every form in a text; a search word of the scheme
# searches that one lexeme.
SCHEME_WORDS = {
    "A": ("advies", "adviezen", "adviseur", "adviseurs", "advisering", "adviseren"),
    "O": ("opleiding", "opleidingen", "training", "trainingen"),
}
SCHEME_LEXEMES = {service_type: stem(forms[0]) for service_type, forms in SCHEME_WORDS.items()}
SCHEME_TYPES = {
    word: service_type for service_type, forms in SCHEME_WORDS.items() for word in forms
}
_MEANING = {
    stem(word): SCHEME_LEXEMES[service_type]
    for service_type, forms in SCHEME_WORDS.items()
    for word in forms
}


def meaning(lexeme_):
    """The scheme's lexeme for a lexeme of one of its words ("adviez" -> "advies"), or None."""
    return _MEANING.get(lexeme_)


def with_meanings(items):
    """Lexemes with the scheme's lexeme added after each form of a scheme word."""
    result = []
    for item in items:
        result.append(item)
        scheme = _MEANING.get(item)
        if scheme and scheme != item:
            result.append(scheme)
    return result
