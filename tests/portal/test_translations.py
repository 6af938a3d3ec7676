"""The English catalogue: complete, well-formed, and actually used by the pages.

The .mo files are git-ignored, so these tests compile the committed .po themselves
instead of trusting whatever a previous `make compilemessages` left behind.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

PO_PATH = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")
ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def unquote(line):
    """The text of one quoted PO string line, with C escapes resolved."""
    body = line.strip()[1:-1]
    return re.sub(r"\\(.)", lambda match: ESCAPES.get(match.group(1), match.group(0)), body)


def parse_po(path):
    """A minimal PO reader for makemessages output: (header, entries).

    Entries are separated by blank lines; each becomes a dict of flags, msgid,
    msgid_plural and msgstr (index -> text). Obsolete (#~) entries are skipped.
    """
    entries = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        entry = {"flags": set(), "msgid": None, "msgid_plural": None, "msgstr": {}}
        field = None
        for line in block.strip().splitlines():
            line = line.strip()
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith('"') and field:
                append(entry, field, unquote(line))
            elif line and not line.startswith("#"):
                field, _, rest = line.partition(" ")
                append(entry, field, unquote(rest))
        if entry["msgid"] is not None:
            entries.append(entry)
    header = next(entry for entry in entries if entry["msgid"] == "")
    return header, [entry for entry in entries if entry["msgid"] != ""]


def append(entry, field, text):
    if field.startswith("msgstr"):
        index = int(field[len("msgstr[") : -1]) if "[" in field else 0
        entry["msgstr"][index] = entry["msgstr"].get(index, "") + text
    else:
        entry[field] = (entry.get(field) or "") + text


@pytest.fixture(scope="module")
def catalogue():
    return parse_po(PO_PATH)


def test_the_catalogue_declares_english_with_two_plural_forms(catalogue):
    header, _ = catalogue
    text = header["msgstr"][0]
    assert "Language: en\n" in text
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in text
    assert "fuzzy" not in header["flags"]


def test_every_message_is_translated(catalogue):
    _, entries = catalogue
    assert len(entries) > 100, "the catalogue looks empty: run makemessages first"
    untranslated = [
        entry["msgid"]
        for entry in entries
        if not all(
            entry["msgstr"].get(index) for index in range(2 if entry["msgid_plural"] else 1)
        )
    ]
    assert untranslated == []


def test_no_message_is_fuzzy(catalogue):
    _, entries = catalogue
    assert [entry["msgid"] for entry in entries if "fuzzy" in entry["flags"]] == []


def test_every_translation_keeps_the_placeholders_of_its_source(catalogue):
    _, entries = catalogue
    broken = []
    for entry in entries:
        for index, translated in entry["msgstr"].items():
            source = entry["msgid_plural"] if index and entry["msgid_plural"] else entry["msgid"]
            if sorted(set(PLACEHOLDER.findall(source))) != sorted(
                set(PLACEHOLDER.findall(translated))
            ):
                broken.append(entry["msgid"])
    assert broken == []


@pytest.fixture(scope="module")
def msgfmt():
    path = shutil.which("msgfmt")
    assert path, "msgfmt not found: install gettext (`make gettext`)"
    return path


def test_msgfmt_accepts_the_catalogue_with_format_checks(msgfmt):
    result = subprocess.run(  # noqa: S603 - fixed arguments, our own catalogue
        [msgfmt, "--check", "--statistics", "-o", "/dev/null", str(PO_PATH)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "translated message" in result.stderr
    assert "fuzzy" not in result.stderr
    assert "untranslated" not in result.stderr


@pytest.fixture
def english_catalogue(msgfmt, settings, tmp_path):
    """Compile the committed .po into a fresh locale path for this test only.

    Changing LOCALE_PATHS makes Django drop its cached catalogues.
    """
    target = tmp_path / "en" / "LC_MESSAGES"
    target.mkdir(parents=True)
    command = [msgfmt, "-o", str(target / "django.mo"), str(PO_PATH)]
    subprocess.run(command, check=True)  # noqa: S603 - fixed arguments, our own catalogue
    settings.LOCALE_PATHS = [tmp_path]


@pytest.mark.django_db
def test_the_home_page_speaks_english_when_the_browser_asks_for_it(client, english_catalogue):
    response = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert '<html lang="en"' in response.text
    assert "Working with the SME wallet" in response.text
    assert "Service provider login" in response.text
    assert "Flanders Innovation & Entrepreneurship" in response.text
    assert "Skip to main content" in response.text
    assert "Login dienstverleners" not in response.text
    assert "Subsidies aanvragen" not in response.text


@pytest.mark.django_db
def test_the_home_page_stays_dutch_by_default(client, english_catalogue):
    response = client.get(reverse("portal:home"))

    assert "Login dienstverleners" in response.text
    assert "Service provider login" not in response.text
