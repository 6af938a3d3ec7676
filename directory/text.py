"""The language side of the public search, in plain Python: folding, words, Dutch
stems and trigram similarity.

PostgreSQL does all of this itself (the `nl_unaccent` text-search configuration:
unaccent, then the Snowball Dutch stemmer with its stop words; pg_trgm for
similarity). The portable search that SQLite uses (directory.search) and the
typo correction on both databases need the same answers without PostgreSQL, so
this module reproduces those steps:

- `fold` does what `unaccent` does for the Latin letters names and Dutch text use;
- `stem` is the Snowball Dutch stemmer (snowballstem.org, the version PostgreSQL
  15 ships as `dutch_stem`), `STOP_WORDS` its stop-word list (`dutch.stop`);
- `similarity` is pg_trgm's `similarity()` for words made of [a-z0-9].

tests/directory/test_text.py compares them with PostgreSQL itself.
"""

import re
import unicodedata
from functools import lru_cache

# PostgreSQL's text-search configuration with the same analysis (directory migration 0002).
TEXT_SEARCH_CONFIG = "nl_unaccent"

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
# A transcription of dutch.sbl (the original Dutch algorithm, not Kraaij-Pohlmann).
# Positions are indexes into the word; R1 and R2 start at p1 and p2. Upper-case I and
# Y mark an i or y that acts as a consonant.

_VOWELS = frozenset("aeiouyè")
_UNDOUBLE = ("kk", "dd", "tt")


def _non_vowel_before(word, index):
    return index > 0 and word[index - 1] not in _VOWELS


def _undouble(word):
    return word[:-1] if word.endswith(_UNDOUBLE) else word


def _region_start(word, start):
    """Position after the first non-vowel that follows a vowel, from `start` on."""
    index = start
    length = len(word)
    while index < length and word[index] not in _VOWELS:
        index += 1
    while index < length and word[index] in _VOWELS:
        index += 1
    return min(index + 1, length)


def _en_ending(word, suffix_length, p1):
    start = len(word) - suffix_length
    if start >= p1 and _non_vowel_before(word, start) and not word[:start].endswith("gem"):
        return _undouble(word[:start]), True
    return word, False


def _e_ending(word, p1):
    start = len(word) - 1
    if word.endswith("e") and start >= p1 and _non_vowel_before(word, start):
        return _undouble(word[:start]), True
    return word, False


@lru_cache(maxsize=50_000)
def stem(word):
    """The Snowball Dutch stem of a lower-case word: "opleidingen" -> "opleid"."""
    chars = list(word)
    length = len(chars)
    # Prelude: an initial y, a y after a vowel and an i between vowels are consonants.
    if chars and chars[0] == "y":
        chars[0] = "Y"
    for index in range(length - 1):
        if chars[index] not in _VOWELS:
            continue
        following = chars[index + 1]
        if following == "i" and index + 2 < length and chars[index + 2] in _VOWELS:
            chars[index + 1] = "I"
        elif following == "y":
            chars[index + 1] = "Y"
    word = "".join(chars)

    p1 = p2 = len(word)
    if any(char in _VOWELS for char in word):
        p1 = _region_start(word, 0)
        p2 = _region_start(word, p1) if p1 < len(word) else len(word)
        p1 = max(p1, 3)

    # Step 1: the longest of heden, ene, en, se, s.
    if word.endswith("heden"):
        if len(word) - 5 >= p1:
            word = word[:-5] + "heid"
    elif word.endswith("ene"):
        word, _ = _en_ending(word, 3, p1)
    elif word.endswith("en"):
        word, _ = _en_ending(word, 2, p1)
    elif word.endswith(("se", "s")):
        start = len(word) - (2 if word.endswith("se") else 1)
        if start >= p1 and _non_vowel_before(word, start) and word[start - 1] != "j":
            word = word[:start]

    # Step 2: a final e.
    word, e_found = _e_ending(word, p1)

    # Step 3a: heid.
    if word.endswith("heid"):
        start = len(word) - 4
        if start >= p2 and not (start > 0 and word[start - 1] == "c"):
            word = word[:start]
            if word.endswith("en"):
                word, _ = _en_ending(word, 2, p1)

    # Step 3b: derivational suffixes.
    start = None
    for suffix in ("lijk", "baar", "end", "ing", "bar", "ig"):
        if word.endswith(suffix):
            start = len(word) - len(suffix)
            break
    if start is not None and start >= p2:
        if suffix in ("end", "ing"):
            word = word[:start]
            ig_start = len(word) - 2
            if (
                word.endswith("ig")
                and ig_start >= p2
                and not (ig_start > 0 and word[ig_start - 1] == "e")
            ):
                word = word[:ig_start]
            else:
                word = _undouble(word)
        elif suffix == "ig":
            if not (start > 0 and word[start - 1] == "e"):
                word = word[:start]
        elif suffix == "lijk":
            word, _ = _e_ending(word[:start], p1)
        elif suffix == "baar" or (suffix == "bar" and e_found):
            word = word[:start]

    # Step 4: undouble a vowel before a final consonant (maan -> man).
    if (
        len(word) >= 4
        and word[-1] not in _VOWELS
        and word[-1] != "I"
        and word[-3:-1] in ("aa", "ee", "oo", "uu")
        and word[-4] not in _VOWELS
    ):
        word = word[:-2] + word[-1]

    return word.replace("I", "i").replace("Y", "y")


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
