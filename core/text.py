"""Plain text as people type it and as other systems send it.

Browsers send a textarea's line breaks as CR LF, while a person (and the character
counter next to the field) counts a line break once; PostgreSQL refuses a NUL
character in text, and a JSON string (an ID token's claims) can hold a lone UTF-16
surrogate that no database can store. These functions give the text the portal
counts and stores.
"""

import re
import unicodedata

_LINE_BREAK = re.compile(r"\r\n?")
# Control characters other than line feed and tab, and surrogates (never text on their own).
_KEPT_CONTROLS = {"\n", "\t"}


def normalise_line_breaks(text):
    """'a\\r\\nb' and 'a\\rb' -> 'a\\nb': one character per line break, as it is typed."""
    return _LINE_BREAK.sub("\n", text)


def without_control_characters(text):
    """The text without NUL and other control characters, or lone surrogates; line
    breaks and tabs stay. For text from other systems (claims) that no form checked."""
    return "".join(
        char
        for char in text
        if char in _KEPT_CONTROLS or unicodedata.category(char) not in ("Cc", "Cs")
    )


def longest_word_length(text):
    """The length of the longest run of characters without white space in `text`."""
    return max((len(word) for word in str(text or "").split()), default=0)


def name_key(text):
    """'Sint niklaas ' and 'sint-Niklaas' -> 'sint niklaas', 'LIÈGE' -> 'liege': a name
    with case, accents, punctuation and extra spaces left out, to compare what people
    type with a reference list's spelling."""
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[\W_]+", " ", plain.casefold()).split())
