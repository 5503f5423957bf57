"""Our catalogue of Wagtail admin strings: used, current, and reaching scripts."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import django
import pytest
import wagtail
from django.urls import reverse
from django.utils import translation

import lms.admin_locale

CATALOGUES = Path(lms.admin_locale.__file__).parent / "locale/vi/LC_MESSAGES"


def msgids(po: Path) -> set[tuple[str | None, str]]:
    """The (context, msgid) pairs of a .po file, the header left out."""
    found, context, current, field = set(), None, None, None
    for line in [*po.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("msgctxt "):
            context, field = ast.literal_eval(line[8:]), "context"
        elif line.startswith("msgid "):
            current, field = ast.literal_eval(line[6:]), "msgid"
        elif line.startswith('"') and field in ("context", "msgid"):
            if field == "context":
                context += ast.literal_eval(line)
            else:
                current += ast.literal_eval(line)
        elif not line.startswith('"'):
            if line.startswith(("msgid_plural", "msgstr")) or not line.strip():
                if current:
                    found.add((context, current))
                if not line.strip():
                    context, current = None, None
            field = None
    return found


def _source_msgids(domain: str) -> set[tuple[str | None, str]]:
    roots = [Path(wagtail.__file__).parent, Path(django.__file__).parent]
    return {
        key
        for root in roots
        for po in root.glob(f"**/locale/en/LC_MESSAGES/{domain}.po")
        for key in msgids(po)
    }


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_entry_translates_a_string_wagtail_or_django_still_has(domain):
    ours = msgids(CATALOGUES / f"{domain}.po")
    assert ours
    assert not ours - _source_msgids(domain)


@pytest.mark.parametrize(
    ("english", "vietnamese"),
    [
        ("Page title", "Tiêu đề trang"),
        ("Save draft", "Lưu bản nháp"),
        ("Search all pages…", "Tìm trong mọi trang…"),
        ("Help", "Trợ giúp"),
        ("Last login", "Đăng nhập lần cuối"),
        ("Access level", "Quyền truy cập"),
        ("just now", "vừa xong"),
        ("Create a page in", "Tạo trang trong"),
        ("Choose %(object)s", "Chọn %(object)s"),
        # Wagtail's own Vietnamese, replaced: a site is not a page, and the
        # 2018 spelling ("xóa", not "xoá").
        ("Site", "Trang web"),
        ("Delete", "Xóa"),
    ],
)
def test_wagtail_admin_strings_are_vietnamese(english, vietnamese):
    with translation.override("vi"):
        assert translation.gettext(english) == vietnamese


def test_wagtail_translations_we_do_not_carry_still_apply():
    with translation.override("vi"):
        assert translation.gettext("Pages") == "Trang"


def test_counts_read_in_vietnamese():
    with translation.override("vi"):
        page = translation.gettext("Page %(page_num)s of %(total_pages)s")
        pages = translation.ngettext("1 page", "%(counter)s pages", 3)
        minutes = translation.ngettext("%(num)d minute", "%(num)d minutes", 0)

    assert page % {"page_num": 1, "total_pages": 1} == "Trang 1/1"
    assert pages % {"counter": 3} == "3 trang"
    # Wagtail says "just now" when Django's "0 minutes" matches its own.
    assert minutes % {"num": 0} == "0 phút"


def test_admin_scripts_get_our_translations_and_wagtails(client):
    response = client.get(reverse("wagtailadmin_javascript_catalog"))

    found = re.search(r"const newcatalog = (\{.*?\});", response.content.decode(), re.S)
    catalogue = json.loads(found.group(1))
    assert catalogue["Collapse all"] == "Thu gọn tất cả"  # ours
    assert catalogue["More actions"] == "Thao tác khác"  # ours
    assert catalogue["Loading…"] == "Đang tải..."  # Wagtail's own
    assert catalogue["Delete"] == "Xóa"  # ours, replacing Wagtail's "Xoá"
