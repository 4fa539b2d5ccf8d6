"""The translation catalogues: complete, compiled, placeholders kept, and Kazakh in the Arabic script only."""

import re
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "src" / "huiketing" / "locale"
CATALOGUES = ["zh_Hans", "ug", "kk"]
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]+\}")


def _po(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def _strings(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


@pytest.mark.parametrize("language", CATALOGUES)
def test_every_entry_is_translated_and_none_is_fuzzy(language):
    po = _po(language)
    assert len(po) > 100
    missing = [e.msgid for e in po if not all(_strings(e)) or e.fuzzy or e.obsolete]
    assert missing == []


@pytest.mark.parametrize("language", CATALOGUES)
def test_placeholders_are_kept(language):
    wrong = []
    for entry in _po(language):
        wanted = sorted(set(PLACEHOLDER.findall(entry.msgid + (entry.msgid_plural or ""))))
        for text in _strings(entry):
            if sorted(set(PLACEHOLDER.findall(text))) != wanted and not (entry.msgid_plural and wanted):
                wrong.append((entry.msgid, text))
    assert wrong == []


@pytest.mark.parametrize("language", CATALOGUES)
def test_compiled_catalogue_matches_its_source(language):
    po = _po(language)
    mo_path = LOCALE / language / "LC_MESSAGES" / "django.mo"
    assert mo_path.exists(), "run `make messages` to compile the catalogues"
    compiled = {(e.msgctxt, e.msgid): _strings(e) for e in polib.mofile(str(mo_path))}
    stale = [e.msgid for e in po if compiled.get((e.msgctxt, e.msgid)) != _strings(e)]
    assert stale == [], "run `make messages`: the .mo file is older than the .po file"


def test_kazakh_is_written_in_the_arabic_script():
    cyrillic = re.compile(r"[\u0400-\u04FF]")
    arabic = re.compile(r"[\u0600-\u06FF]")
    po = _po("kk")
    assert not [e.msgid for e in po for text in _strings(e) if cyrillic.search(text)]
    letters = [e for e in po if re.search("[A-Za-z]{3}", e.msgid)]
    assert sum(1 for e in letters if arabic.search(_strings(e)[0])) > 0.95 * len(letters)


def test_uyghur_is_written_in_the_arabic_script():
    arabic = re.compile(r"[\u0600-\u06FF]")
    po = _po("ug")
    letters = [e for e in po if re.search("[A-Za-z]{3}", e.msgid)]
    assert sum(1 for e in letters if arabic.search(_strings(e)[0])) > 0.95 * len(letters)
