"""Dutch compounds split into their parts, with the OpenTaal Hunspell dictionary.

Dutch writes compounds as one word: "adviesbureau", "opleidingscentrum",
"heftruckcursussen". A search for "advies" must find "Adviesbureau Deerlijk", and a
search for "opleidingscentrum" the "Centrum voor Opleidingen". The search therefore
indexes the parts of each compound next to the compound itself, and searches a
compound as its parts too (directory.text, directory.index, directory.spelling).

Which strings may be parts is not a hand list: it is the compounding information of
the Dutch dictionary of OpenTaal that Debian ships as `hunspell-nl`
(/usr/share/hunspell/nl.dic and nl.aff). Its flags say which words may begin (Ca),
continue (Cb) or end (Cc) a compound, and which take the linking "s" (Ch, Cd:
"opleiding" + s + "centrum"). A split is a begin part, any middle parts and an end
part; the end part may be inflected ("heftruck" + "cursussen"), which is checked with
the search's own Dutch stemmer. Of several splits the one with the fewest parts wins,
then the one whose shortest part is longest.

PostgreSQL's own Ispell dictionary template can read these files too (after removing
the few lines with an escaped "/"), but it does not split most compounds with a linking
"s" ("opleidingscentrum", "bedrijfsovername") and would give SQLite no answer at all;
splitting in Python gives both databases the same lexemes (docs/search.md).

Without the dictionary (`DIRECTORY_HUNSPELL_DIC` points nowhere) nothing is split: the
search still works on whole words, and `manage.py check` warns (directory.W001).
"""

import logging
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core import checks

from directory.text import fold, lexeme, stem, words

logger = logging.getLogger(__name__)

# Flags of nl.aff (FLAG long: two characters each).
BEGIN, MIDDLE, END = "Ca", "Cb", "Cc"
LINKING_S_BEGIN_MIDDLE = "Ch"  # word + "s" begins or continues a compound
LINKING_S_ANYWHERE = "Cd"  # word + "s" begins, continues or ends a compound
AS_IS_BEGIN_MIDDLE = "Ce"  # the word itself begins or continues a compound

# Parts shorter than this are not trusted ("ei", "as"); words shorter are never split.
MIN_PART = 3
MIN_WORD = 7
# Plural and adjective endings of an end part, tried when its stem is not the word's:
# "cursus-sen", "bus-sen" (undoubled), "audit-s", "leidinggevend-en".
INFLECTIONS = ("sen", "en", "s", "e", "n")
# Derivational endings that are also nouns in the dictionary: a word ending in one is a
# derivation, not a compound ("vrijheid" is not "vrij" + "heid", heath).
SUFFIXES = frozenset({"heid", "heden", "ing", "ingen", "lijk", "lijke", "baar", "schap", "isme"})


@dataclass(frozen=True)
class Lexicon:
    begin: frozenset
    middle: frozenset
    end: frozenset
    end_stems: frozenset

    def is_end(self, piece):
        """Whether `piece` ends a compound, also inflected: "cursussen", "audits"."""
        if piece in SUFFIXES:
            return False
        if piece in self.end or stem(piece) in self.end_stems:
            return True
        for ending in INFLECTIONS:
            base = piece[: -len(ending)]
            if not piece.endswith(ending) or len(base) < MIN_PART:
                continue
            if base in self.end or (base[-1] == base[-2] and base[:-1] in self.end):
                return True
        return False


EMPTY = Lexicon(frozenset(), frozenset(), frozenset(), frozenset())
_lock = threading.Lock()
_lexicon = None


def dictionary_path():
    return Path(settings.DIRECTORY_HUNSPELL_DIC)


def _flags(entry):
    """The flags of a .dic entry "word/FlFl..." (long flags), or ""."""
    _, _, flags = entry.partition("/")
    return {flags[index : index + 2] for index in range(0, len(flags) - 1, 2)}


def parse_dictionary(lines):
    """A Lexicon from the lines of a Hunspell .dic file with OpenTaal's flags."""
    begin, middle, end = set(), set(), set()
    for line in lines:
        entry = line.split("\t", 1)[0].split(" ", 1)[0].strip()
        if "/" not in entry or "\\" in entry:
            continue
        word = entry.split("/", 1)[0]
        # Proper nouns and abbreviations never take part in a compound here.
        if not word.isalpha() or not word.islower():
            continue
        word = fold(word)
        flags = _flags(entry)
        if BEGIN in flags or AS_IS_BEGIN_MIDDLE in flags:
            begin.add(word)
        if MIDDLE in flags or AS_IS_BEGIN_MIDDLE in flags:
            middle.add(word)
        if END in flags:
            end.add(word)
        if LINKING_S_BEGIN_MIDDLE in flags or LINKING_S_ANYWHERE in flags:
            # With its linking "s" and, as people often write it, without:
            # "coachingsbureau" and "coachingbureau".
            begin.update((word + "s", word))
            middle.update((word + "s", word))
        if LINKING_S_ANYWHERE in flags:
            end.add(word + "s")
    return Lexicon(
        begin=frozenset(begin),
        middle=frozenset(middle),
        end=frozenset(end),
        end_stems=frozenset(stem(word) for word in end),
    )


def lexicon():
    """The lexicon of the configured dictionary, read once per process (about 1.5 s; an app
    server's worker reads it before its first request: DirectoryConfig.warm_up)."""
    global _lexicon
    if _lexicon is None:
        with _lock:
            if _lexicon is None:
                path = dictionary_path()
                try:
                    with path.open(encoding="utf-8") as lines:
                        _lexicon = parse_dictionary(lines)
                except OSError:
                    logger.warning(
                        "Dutch dictionary not found; compounds are not split", extra={"path": path}
                    )
                    _lexicon = EMPTY
    return _lexicon


def reset():
    """Forget the lexicon (a test that points DIRECTORY_HUNSPELL_DIC elsewhere)."""
    global _lexicon
    with _lock:
        _lexicon = None
    split.cache_clear()


def _tail(word, start, lexicon, memo):
    """The fewest parts that make word[start:] as middle parts and an end part."""
    if start in memo:
        return memo[start]
    best = None
    length = len(word)
    if length - start >= MIN_PART and lexicon.is_end(word[start:]):
        best = (word[start:],)
    for stop in range(start + MIN_PART, length - MIN_PART + 1):
        piece = word[start:stop]
        if piece not in lexicon.middle:
            continue
        rest = _tail(word, stop, lexicon, memo)
        if rest is not None:
            candidate = (piece, *rest)
            if best is None or _better(candidate, best):
                best = candidate
    memo[start] = best
    return best


def _better(candidate, best):
    return (len(candidate), -min(map(len, candidate))) < (len(best), -min(map(len, best)))


@lru_cache(maxsize=100_000)
def split(word):
    """The parts of a folded Dutch compound, or () if `word` is not one.

    "adviesbureau" -> ("advies", "bureau"); "opleidingscentrum" -> ("opleidings",
    "centrum"); "energieadviesbureau" -> ("energie", "advies", "bureau").
    """
    if len(word) < MIN_WORD or not word.isalpha():
        return ()
    current = lexicon()
    if not current.begin:
        return ()
    heads = [
        stop for stop in range(MIN_PART, len(word) - MIN_PART + 1) if word[:stop] in current.begin
    ]
    if not heads:
        return ()
    # A word that begins with a longer begin part than its split's head is a derivation
    # of that longer part, not a compound of the shorter one: "boekhouding" is
    # "boekhoud" + "ing", not "boek" + "houding".
    longest = heads[-1]
    rest = _tail(word, longest, current, {})
    if rest is None:
        return ()
    parts = []
    for part in (word[:longest], *rest):
        parts += split(part) or [part]
    return tuple(parts)


def part_lexemes(word):
    """The lexemes of the parts of a folded word that is a compound, without stop words:
    "opleidingscentrum" -> ["opleid", "centrum"]; [] for a word that is not one."""
    return [item for item in map(lexeme, split(word)) if item]


def text_part_lexemes(text):
    """The lexemes of the parts of every compound in `text`."""
    return [item for word in words(text) for item in part_lexemes(word)]


def check_dictionary(app_configs=None, **kwargs):
    """directory.W001: the Dutch dictionary is missing, so compounds are not split."""
    if dictionary_path().is_file():
        return []
    return [
        checks.Warning(
            f"The Dutch dictionary {dictionary_path()} is missing: the public search does not "
            "split compounds ('advies' does not find 'adviesbureau').",
            hint="Install Debian's hunspell-nl (make run and make test do as root), or point "
            "DIRECTORY_HUNSPELL_DIC at nl.dic.",
            id="directory.W001",
        )
    ]
