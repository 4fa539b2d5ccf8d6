"""Fill given translations into a catalogue: `po_fill.py LANG FILE.json` with {"msgid": "msgstr", ...}.

A plural entry takes a list of forms; an entry with a context is keyed "msgctxt\u0004msgid".
Only empty or fuzzy entries are filled; the fuzzy flag and previous-msgid comments are dropped.
"""

import json
import sys

import polib


def main(language: str, path: str) -> int:
    with open(path, encoding="utf-8") as handle:
        translations = json.load(handle)
    catalogue = f"src/huiketing/locale/{language}/LC_MESSAGES/django.po"
    po = polib.pofile(catalogue, wrapwidth=79)
    filled = 0
    for entry in po:
        key = f"{entry.msgctxt}\u0004{entry.msgid}" if entry.msgctxt else entry.msgid
        if key not in translations or (entry.translated() and not entry.fuzzy):
            continue
        value = translations[key]
        if entry.msgid_plural:
            forms = value if isinstance(value, list) else [value]
            entry.msgstr_plural = dict(enumerate(forms))
        else:
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        filled += 1
    po.save(catalogue)
    print(f"{language}: {filled} entries filled")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
