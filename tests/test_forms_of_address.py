"""The translations keep the voice convention (lms.people.voice).

A text that speaks to the reader has two translations, under the gettext
contexts "student" ("em") and "adult" ("bạn" or "thầy/cô"). A translation
without a context may be read by anyone, adults included, so it never calls
the reader "em"; a "student" entry never says "bạn" to the reader, an
"adult" one never "em".
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# "em" and "bạn" said to the reader: not "trẻ em" (children), "bạn bè"
# (friends), "các em"/"các bạn" (pupils spoken about), nor an <em> tag.
EM = re.compile(r"(?<![\w<])(?<!trẻ )(?<!các )(?<!</)em(?!\w)", re.IGNORECASE)
BAN = re.compile(r"(?<!\w)(?<!các )bạn(?!\w)(?! bè)", re.IGNORECASE)

_FIELD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$')


def po_entries(text: str) -> list[dict]:
    """The entries of a .po file as {field: text}; comments are left out.

    Like msgfmt, an entry ends at a blank line or where the next one starts
    (a ``msgctxt``, or a ``msgid`` after a ``msgstr``): a merge can join
    two entries without the blank line between them.
    """
    entries, entry, field = [], {}, None
    for line in [*text.splitlines(), ""]:
        matched = _FIELD.match(line)
        starts_entry = matched and (
            matched.group(1) == "msgctxt"
            or (matched.group(1) == "msgid" and "msgid" in entry)
        )
        if not line.strip() or starts_entry:
            if entry:
                entries.append(entry)
            entry, field = {}, None
        if not line.strip() or line.startswith("#"):
            continue
        if matched:
            field = matched.group(1)
            entry[field] = matched.group(2)
        elif line.startswith('"') and field:
            entry[field] += line[1:-1]
    return entries


def translations(entry: dict) -> str:
    return " ".join(value for key, value in entry.items() if key.startswith("msgstr"))


def po_files() -> list[Path]:
    return sorted(ROOT.glob("**/locale/vi/LC_MESSAGES/django.po"))


def test_the_po_reader_splits_entries_a_merge_joined():
    text = (
        'msgctxt "adult"\nmsgid "A"\nmsgstr "a"\nmsgid "B"\nmsgstr "b"\n'
        'msgctxt "student"\nmsgid "C"\nmsgstr "c"\n'
    )
    assert po_entries(text) == [
        {"msgctxt": "adult", "msgid": "A", "msgstr": "a"},
        {"msgid": "B", "msgstr": "b"},
        {"msgctxt": "student", "msgid": "C", "msgstr": "c"},
    ]


def test_the_po_reader_sees_contexts_and_continued_lines():
    text = (
        'msgid ""\nmsgstr "header"\n\n'
        '#: x.html:1\nmsgctxt "student"\nmsgid "You"\nmsgstr ""\n"Em "\n"ơi"\n'
    )
    assert po_entries(text)[1] == {
        "msgctxt": "student",
        "msgid": "You",
        "msgstr": "Em ơi",
    }


@pytest.mark.parametrize(
    ("text", "em", "ban"),
    [
        ("Em chưa đạt.", True, False),
        ("Bạn chưa đạt.", False, True),
        ("Luật Trẻ em", False, False),
        ("Hỗ trợ bạn bè", False, False),
        ("Các em học sinh và các bạn cộng tác viên", False, False),
        ("Chúc mừng em!", True, False),
        ("Không có kết quả cho <em>%(q)s</em>", False, False),
    ],
)
def test_the_address_patterns(text, em, ban):
    assert bool(EM.search(text)) is em
    assert bool(BAN.search(text)) is ban


def test_po_files_are_found():
    assert len(po_files()) >= 5


def test_no_translation_mixes_up_em_and_ban():
    wrong = []
    for path in po_files():
        for entry in po_entries(path.read_text(encoding="utf-8")):
            said = translations(entry)
            context = entry.get("msgctxt")
            if context == "student" and BAN.search(said):
                wrong.append((str(path.relative_to(ROOT)), context, said))
            elif context != "student" and EM.search(said):
                wrong.append((str(path.relative_to(ROOT)), context, said))
    assert wrong == []


def test_every_voiced_text_is_translated_for_both_voices():
    missing = []
    for path in po_files():
        contexts: dict[str, set] = {}
        for entry in po_entries(path.read_text(encoding="utf-8")):
            if entry.get("msgctxt") in ("student", "adult") and translations(entry):
                contexts.setdefault(entry["msgid"], set()).add(entry["msgctxt"])
        missing += [
            (str(path.relative_to(ROOT)), msgid)
            for msgid, seen in contexts.items()
            if seen != {"student", "adult"}
        ]
    assert missing == []


def test_no_text_is_translated_twice_in_one_file():
    """msgfmt refuses a duplicate; a merge of two appended blocks can make one."""
    duplicates = []
    for path in po_files():
        seen = set()
        for entry in po_entries(path.read_text(encoding="utf-8")):
            key = (entry.get("msgctxt"), entry["msgid"])
            if key in seen:
                duplicates.append((str(path.relative_to(ROOT)), *key))
            seen.add(key)
    assert duplicates == []
