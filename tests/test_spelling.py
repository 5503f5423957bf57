"""One spelling convention for Vietnamese: the Ministry's 2018 tone-mark rule.

In a syllable that ends in "oa", "oe" or "uy" with no final consonant, the
tone mark sits on the first vowel: "khóa", "hòa", "khỏe", "thủy", "xóa".
The other style ("khoá", "hoà", "khoẻ", "thuỷ") must not reach our users.
Syllables with a final consonant ("hoàn", "toán", "khoản") follow another
rule, and after "q" the "u" belongs to the consonant ("quý"), so neither
is a violation.
"""

import re
import unicodedata
from pathlib import Path

import pytest

from certificates.defaults import DEFAULT_TEMPLATE

ROOT = Path(__file__).resolve().parent.parent

OLD_STYLE = re.compile(r"\w*(?:o[áàảãạ]|o[éèẻẽẹ]|(?<!q)u[ýỳỷỹỵ])(?!\w)", re.IGNORECASE)

# What users read: app code and templates (Python strings, demo content,
# quiz files), the translations, and the documentation.
SCANNED_SUFFIXES = {".py", ".html", ".txt", ".gift", ".md", ".js"}
SCANNED_TOP = ("certificates", "courses", "quizzes", "lms", "templates", "docs")


def old_style_words(text: str) -> list[str]:
    return OLD_STYLE.findall(unicodedata.normalize("NFC", text))


def po_msgstrs(text: str) -> str:
    """The translated side of a .po file (msgid and comments are English)."""
    kept, in_msgstr = [], False
    for line in text.splitlines():
        if line.startswith("msgstr"):
            in_msgstr = True
        elif not line.startswith('"'):
            in_msgstr = False
        if in_msgstr:
            kept.append(line)
    return "\n".join(kept)


def scanned_files() -> list[Path]:
    paths = [ROOT / "README.md"]
    for top in SCANNED_TOP:
        paths += (ROOT / top).rglob("*")
    return [
        path
        for path in paths
        if (path.suffix in SCANNED_SUFFIXES or path.suffix == ".po")
        # Migrations keep the text they were written with.
        and "migrations" not in path.parts
        and "__pycache__" not in path.parts
    ]


@pytest.mark.parametrize(
    ("word", "is_old_style"),
    [
        ("khoá", True),
        ("Khoá", True),
        ("KHOÁ", True),
        ("hoà", True),
        ("khoẻ", True),
        ("thuỷ", True),
        ("xoá", True),
        ("tuỳ", True),
        ("khóa", False),
        ("hòa", False),
        ("khỏe", False),
        ("thủy", False),
        ("hoàn", False),
        ("toán", False),
        ("khoản", False),
        ("khoét", False),
        ("quý", False),
        ("Quỳnh", False),
        ("khuỷu", False),
        ("chìa khóa.", False),
    ],
)
def test_the_rule_tells_the_old_style_from_the_new(word, is_old_style):
    assert bool(old_style_words(word)) is is_old_style


def test_decomposed_text_is_checked_too():
    assert old_style_words(unicodedata.normalize("NFD", "khoá học"))


def test_only_msgstr_lines_of_a_po_file_are_read():
    text = 'msgid "Course"\nmsgstr ""\n"Khóa "\n"học"\n\n#: x.py:1\nmsgid "x"\n'
    assert po_msgstrs(text) == 'msgstr ""\n"Khóa "\n"học"'


def test_no_user_facing_text_uses_the_old_tone_mark_style():
    found = {}
    for path in scanned_files():
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".po":
            text = po_msgstrs(text)
        words = old_style_words(text)
        if words:
            found[str(path.relative_to(ROOT))] = sorted(set(words))
    assert found == {}


def test_the_default_certificate_says_khoa_with_the_new_rule():
    assert "khóa học" in DEFAULT_TEMPLATE["body"]
    assert not old_style_words(DEFAULT_TEMPLATE["body"])


@pytest.mark.django_db
def test_the_migration_respells_an_unedited_default_certificate_only():
    from importlib import import_module

    from django.apps import apps

    from certificates.models import CertificateTemplate

    migration = import_module("certificates.migrations.0005_default_template_spelling")
    # Migration 0002 made the default template; put back the body it wrote.
    CertificateTemplate.objects.filter(name=migration.NAME).update(
        body=migration.OLD_BODY, version=1
    )
    unedited = CertificateTemplate.objects.get(name=migration.NAME)
    edited = CertificateTemplate.objects.create(
        name="Mẫu riêng của trường", body=migration.OLD_BODY + " Đã sửa."
    )
    migration.respell(apps, None)
    unedited.refresh_from_db()
    edited.refresh_from_db()
    assert unedited.body == DEFAULT_TEMPLATE["body"]
    assert unedited.version == 2
    assert edited.body.endswith("Đã sửa.")
    assert edited.version == 1
