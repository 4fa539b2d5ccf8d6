"""Fail when a translation catalogue has an untranslated or fuzzy entry."""

import sys
from pathlib import Path

import polib


def main(root: str, *locales: str) -> int:
    problems = 0
    for locale in locales:
        for po_path in sorted(Path(root, locale, "LC_MESSAGES").glob("*.po")):
            po = polib.pofile(str(po_path))
            for entry in po.untranslated_entries() + po.fuzzy_entries():
                problems += 1
                state = "fuzzy" if entry.fuzzy else "untranslated"
                print(f"{po_path}:{entry.linenum}: {state}: {entry.msgid!r}")
    if problems:
        print(f"{problems} entries need a translation.")
        return 1
    print("All catalogues complete: " + ", ".join(locales))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], *sys.argv[2:]))
