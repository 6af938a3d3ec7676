"""Dutch compounds split with the OpenTaal dictionary (directory.compounds)."""

import pytest
from django.core import checks

from directory import compounds
from directory.compounds import parse_dictionary, part_lexemes, split
from tests.directory.search_support import requires_dictionary

# A few entries as Debian's nl.dic writes them (FLAG long): Ca begins a compound, Cb
# continues one, Cc ends one, Ch takes the linking "s" before the next part.
SAMPLE = [
    "7",
    "advies/CcCaZhCbC1Yb",
    "bureau/CcCeZaYa",
    "opleiding/ZbCcChC4",
    "centrum/CcCaCbZaYb",
    "boek/CaCbCc",
    "boekhoud/Ca",
    "houding/CcZa",
    "vrij/Ca",
    "heid/Cc",
    "I\\/O",
    "Gent/Kc",
]


@pytest.fixture
def sample(settings, tmp_path):
    path = tmp_path / "nl.dic"
    path.write_text("\n".join(SAMPLE), encoding="utf-8")
    settings.DIRECTORY_HUNSPELL_DIC = path
    compounds.reset()
    yield
    compounds.reset()


def test_the_flags_say_which_words_begin_continue_and_end_a_compound():
    lexicon = parse_dictionary(SAMPLE)
    assert "advies" in lexicon.begin and "advies" in lexicon.end
    # With its linking "s", and without as people often write it ("coachingbureau").
    assert {"opleidings", "opleiding"} <= lexicon.begin
    assert "houding" not in lexicon.begin
    assert "bureau" in lexicon.begin and "bureau" in lexicon.middle
    assert "gent" not in lexicon.begin  # proper nouns never take part


def test_a_compound_splits_into_its_parts(sample):
    assert split("adviesbureau") == ("advies", "bureau")
    assert split("opleidingscentrum") == ("opleidings", "centrum")
    assert split("adviesbureaus") == ("advies", "bureaus")  # an inflected end part
    assert part_lexemes("opleidingscentrum") == ["opleid", "centrum"]


def test_a_derivation_is_not_a_compound_of_a_shorter_word(sample):
    # "boekhouding" is "boekhoud" + "ing", not "boek" + "houding"; "-heid" is a suffix.
    assert split("boekhouding") == ()
    assert split("vrijheid") == ()
    assert split("bureau") == ()


def test_without_the_dictionary_nothing_is_split_and_the_check_warns(settings, tmp_path):
    settings.DIRECTORY_HUNSPELL_DIC = tmp_path / "missing.dic"
    compounds.reset()
    try:
        assert split("adviesbureau") == ()
        (warning,) = compounds.check_dictionary()
        assert warning.id == "directory.W001"
        assert warning.level == checks.WARNING
    finally:
        compounds.reset()


@requires_dictionary
@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("adviesbureau", ("advies", "bureau")),
        ("opleidingscentrum", ("opleidings", "centrum")),
        ("energieadviesbureau", ("energie", "advies", "bureau")),
        ("heftruckcursussen", ("heftruck", "cursussen")),
        ("boekhoudkantoor", ("boekhoud", "kantoor")),
        ("bedrijfsovername", ("bedrijfs", "overname")),
        ("coachingbureau", ("coaching", "bureau")),
        ("boekhouding", ()),
        ("gastvrijheid", ("gast", "vrijheid")),
        ("opleidingen", ()),
        ("verlopen", ()),
    ],
)
def test_the_opentaal_dictionary_splits_real_compounds(word, parts):
    compounds.reset()
    assert split(word) == parts
