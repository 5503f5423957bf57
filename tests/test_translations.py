"""Our apps' Vietnamese catalogues agree with each other.

Django merges every app's catalogue into one: when two apps translate the
same msgid (in the same context) differently, one of them silently wins on
every page of every app. An English word with two meanings needs a context
(``pgettext``).
"""

from collections import defaultdict

from tests.test_forms_of_address import ROOT, po_entries, po_files


def test_only_our_own_catalogues_are_read():
    files = po_files()
    assert 7 <= len(files) < 20
    assert all(".venv" not in path.parts for path in files)


def test_one_text_has_one_translation_across_apps():
    seen = defaultdict(dict)
    for path in po_files():
        for entry in po_entries(path.read_text(encoding="utf-8")):
            if entry.get("msgid") and entry.get("msgstr"):
                key = (entry.get("msgctxt"), entry["msgid"])
                seen[key][str(path.relative_to(ROOT))] = entry["msgstr"]
    clashes = {
        key: where for key, where in seen.items() if len(set(where.values())) > 1
    }
    assert clashes == {}, "\n".join(f"{key}: {where}" for key, where in clashes.items())
