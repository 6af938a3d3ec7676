"""directory.text: folding, the Dutch stemmer, stop words and trigram
similarity, and (on PostgreSQL) that they agree with PostgreSQL's own."""

import re
from pathlib import Path

import pytest
from django.db import connection

from demo.providers import METHOD_SENTENCES, OPENINGS, TOPIC_SENTENCES
from directory import text as search_text

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="compares with PostgreSQL"
)

# Words with every kind of Dutch suffix the stemmer handles, and some without.
WORDS = [
    "opleidingen", "opleiding", "opleider", "adviezen", "advies", "adviseur", "boekhouding",
    "boekhouders", "gemeenten", "gemeente", "mogelijkheden", "vrijheid", "lichamelijk",
    "lichamelijke", "zichtbaar", "eetbaar", "heerlijk", "prachtig", "beweging", "lopende",
    "maan", "brood", "kinderen", "bakkerij", "huizen", "yoghurt", "aaien", "ooi", "ijs",
    "kas", "lessen", "les", "huisje", "duidelijk", "tegenwerkend", "vergadering",
    "kwaliteitszorg", "energie", "efficientie", "communicatie", "cyberbeveiliging",
    "ondernemingen", "dienstverlener", "dienstverlening", "gastvrijheid", "hoeveelheden",
    "ene", "gemene", "mens", "tent", "zee", "zeeen", "reeds", "bedrijven", "medewerkers",
    "taalhuis", "talen", "welzijn", "gezondheid", "logistiek", "verkooptechnieken",
]  # fmt: skip


def test_fold_removes_accents_and_case():
    assert search_text.fold("Café ÉLAN naïef Straße Œuvre") == "cafe elan naief strasse oeuvre"


def test_words_are_folded_and_split_on_everything_else():
    assert search_text.words("Sint-Niklaas, 9100 – kmo's!") == [
        "sint",
        "niklaas",
        "9100",
        "kmo",
        "s",
    ]


def test_lexemes_leave_out_stop_words_and_keep_numbers():
    assert search_text.lexemes("De opleidingen van 2024 in Gent") == ["opleid", "2024", "gent"]


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("opleidingen", "opleid"),
        ("opleiding", "opleid"),
        ("adviezen", "adviez"),
        ("mogelijkheden", "mogelijk"),
        ("maan", "man"),
        ("lichamelijk", "licham"),
        ("gemeenten", "gemeent"),
        ("kinderen", "kinder"),
    ],
)
def test_the_dutch_stemmer(word, stem):
    assert search_text.stem(word) == stem


def test_trigram_similarity_is_pg_trgms():
    assert search_text.trigrams("ab") == {"  a", " ab", "ab "}
    assert search_text.similarity("boekhouding", "boekhouding") == 1
    assert search_text.similarity("opleidng", "opleiding") == pytest.approx(7 / 12)
    assert search_text.similarity("abc", "xyz") == 0


@on_postgresql
@pytest.mark.django_db
def test_the_stemmer_agrees_with_postgresqls_dutch_stemmer():
    with connection.cursor() as cursor:
        for word in WORDS:
            cursor.execute("SELECT ts_lexize('dutch_stem', %s)", [word])
            (lexemes,) = cursor.fetchone()
            expected = lexemes[0] if lexemes else None
            assert search_text.lexeme(word) == expected, word


# The suffixes each step of the Snowball Dutch algorithm looks for.
SUFFIXES = ["", "en", "ene", "heden", "se", "s", "e", "heid", "lijk", "lijke", "baar", "bar",
            "end", "ing", "ingen", "ig", "igend", "ige"]  # fmt: skip
CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_the_stemmer_is_the_original_snowball_dutch_not_kraaij_pohlmann():
    """snowballstemmer 3 calls PostgreSQL's algorithm "dutch_porter"; its "dutch" is
    Kraaij-Pohlmann, which stems these differently."""
    assert search_text.STEMMER_ALGORITHM == "dutch_porter"
    assert [search_text.stem(word) for word in ("aanboden", "adviezen", "gemeenten")] == [
        "aanbod",
        "adviez",
        "gemeent",
    ]


@on_postgresql
@pytest.mark.django_db
def test_the_stemmer_agrees_with_postgresql_on_the_portals_dutch_with_every_suffix():
    """Every word of the portal's Dutch texts (the source strings of the translation
    catalogue and the demo presentations), also with each suffix the algorithm
    handles: thousands of words, in one query."""
    texts = re.findall(r'^msgid "(.*)"$', CATALOGUE.read_text(), re.MULTILINE)
    texts += [*OPENINGS, *TOPIC_SENTENCES, *METHOD_SENTENCES]
    stems = {word for text in texts for word in search_text.words(text) if word.isalpha()}
    words = sorted({f"{word}{suffix}" for word in stems for suffix in SUFFIXES})
    assert len(words) > 5000
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word, ts_lexize('dutch_stem', word) FROM unnest(%s::text[]) AS word",
            [words],
        )
        postgres = {word: lexemes[0] if lexemes else None for word, lexemes in cursor.fetchall()}
    differ = [word for word in words if search_text.lexeme(word) != postgres[word]]
    assert differ == []


@on_postgresql
@pytest.mark.django_db
def test_stop_words_are_postgresqls():
    with connection.cursor() as cursor:
        for word in search_text.STOP_WORDS:
            cursor.execute("SELECT ts_lexize('dutch_stem', %s)", [word])
            assert cursor.fetchone()[0] == [], word


@on_postgresql
@pytest.mark.django_db
def test_folding_agrees_with_unaccent():
    text = "Café Élan naïef Curaçao Ærø Œuvre Łódź Straße Ñandú Ångström"
    with connection.cursor() as cursor:
        cursor.execute("SELECT lower(unaccent(%s))", [text])
        assert search_text.fold(text) == cursor.fetchone()[0]


@on_postgresql
@pytest.mark.django_db
def test_similarity_agrees_with_pg_trgm():
    pairs = [("boekhoudnig", "boekhouding"), ("advis", "advies"), ("gent", "genk")]
    with connection.cursor() as cursor:
        for first, second in pairs:
            cursor.execute("SELECT similarity(%s, %s)", [first, second])
            assert search_text.similarity(first, second) == pytest.approx(cursor.fetchone()[0])


@on_postgresql
@pytest.mark.django_db
def test_every_python_lexeme_is_in_postgresqls_vector():
    texts = [*OPENINGS, *TOPIC_SENTENCES, *METHOD_SENTENCES, "Energie-efficiëntie in 9000 Gent"]
    with connection.cursor() as cursor:
        for text in texts:
            cursor.execute(
                "SELECT tsvector_to_array(to_tsvector('nl_unaccent'::regconfig, %s))", [text]
            )
            postgres = set(cursor.fetchone()[0])
            assert set(search_text.lexemes(text)) <= postgres, text
