"""Fill given translations into a catalogue: `po_fill.py LANG FILE.json` with {"msgid": "msgstr", ...}.

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
        if entry.msgid in translations and (not entry.msgstr or entry.fuzzy):
            entry.msgstr = translations[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            entry.previous_msgid = entry.previous_msgctxt = None
            filled += 1
    po.save(catalogue)
    print(f"{language}: {filled} entries filled")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
