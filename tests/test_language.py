"""The portal addresses people with "u", as the application screens of seed 000 do
("Als u nog geen Login en Paswoord heeft..."): never "je", "jij", "jouw" or "jullie".

Read from the source: every template, every sentence in the Python source of the apps
and every Dutch msgid of the English catalogue, so the informal form cannot come back.
"""

import io
import re
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INFORMAL = re.compile(r"\b(je|jij|jouw|jou|jullie|jezelf)\b", re.IGNORECASE)
# Not application code (or not Dutch text).
SKIPPED_DIRS = {".venv", ".tools", "staticfiles", "tests", "migrations", "node_modules", ".git"}


def informal_words(text):
    return [match.group(0) for match in INFORMAL.finditer(text)]


def test_the_pattern_finds_the_informal_form_and_nothing_else():
    assert informal_words("Als je klanten hebt, kan jij ze in jouw lijst zetten.") == [
        "je",
        "jij",
        "jouw",
    ]
    assert informal_words("Je bevestigt") == ["Je"]
    assert informal_words("U bevestigt uw gegevens; jeugd, jouwe?, bijenkorf, Jean") == []


def _templates():
    return sorted((ROOT / "templates").rglob("*.*"))


@pytest.mark.parametrize("path", _templates(), ids=lambda path: str(path.relative_to(ROOT)))
def test_templates_say_u(path):
    assert informal_words(path.read_text(encoding="utf-8")) == []


def _python_sources():
    for path in sorted(ROOT.rglob("*.py")):
        if not SKIPPED_DIRS.intersection(path.relative_to(ROOT).parts):
            yield path


def _sentences(path):
    """String literals with a space in them: text for people, not a stop-word list."""
    source = path.read_text(encoding="utf-8")
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.STRING and " " in token.string:
            yield token.start[0], token.string


def test_python_strings_say_u():
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for path in _python_sources()
        for line, text in _sentences(path)
        if informal_words(text)
    ]
    assert found == []


def _msgids(po_text):
    """The msgids of a .po file, continuation lines joined."""
    msgids, current = [], None
    for line in po_text.splitlines():
        if line.startswith(("msgid ", "msgid_plural ")):
            if current is not None:
                msgids.append(current)
            current = line.split(" ", 1)[1].strip()[1:-1]
        elif line.startswith('"') and current is not None:
            current += line.strip()[1:-1]
        else:
            if current is not None:
                msgids.append(current)
            current = None
    if current is not None:
        msgids.append(current)
    return msgids


def test_the_dutch_msgids_say_u():
    po_text = (ROOT / "locale/en/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    msgids = _msgids(po_text)
    assert len(msgids) > 100
    assert [msgid for msgid in msgids if informal_words(msgid)] == []
