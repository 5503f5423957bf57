"""The admin menu names: Vietnamese, and no two alike."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from .conftest import STAFF_ROLES
from .english import is_english

_SIDEBAR = re.compile(
    r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', re.S
)


def menu_labels(html: str) -> list[list[str]]:
    """The sidebar's main menu as [top-level label, its item labels...] rows."""
    modules = json.loads(_SIDEBAR.search(html).group(1))["modules"]
    (main,) = [m for m in modules if m["_type"].endswith("MainMenuModule")]
    rows = []
    for item in main["_args"][0]:
        options, *rest = item["_args"]
        children = rest[0] if item["_type"].endswith("SubMenuItem") else []
        rows.append([options["label"], *(c["_args"][0]["label"] for c in children)])
    return rows


@pytest.mark.parametrize("role", [*STAFF_ROLES, "superuser"])
def test_menu_names_are_vietnamese_and_distinct(role, staff_client, world, client):
    if role == "superuser":
        client.force_login(world["superuser"])
    else:
        client = staff_client(role)
    rows = menu_labels(client.get(reverse("wagtailadmin_home")).content.decode())
    top = [row[0] for row in rows]
    labels = [label for row in rows for label in row]

    assert [label for label in labels if is_english(label)] == []
    # Unique among the top-level menus and within each submenu (Wagtail lists
    # its workflows both under its reports and under the settings).
    for names in [top, *(row[1:] for row in rows)]:
        assert sorted({n for n in names if names.count(n) > 1}) == []
    # "Báo cáo" next to "Báo cáo đào tạo" reads as the same menu twice.
    assert not [(a, b) for a in top for b in top if a != b and b.startswith(a)]


def test_reports_and_sites_are_not_named_like_ours(staff_client, world, client):
    client.force_login(world["superuser"])
    rows = menu_labels(client.get(reverse("wagtailadmin_home")).content.decode())
    top = {row[0]: row[1:] for row in rows}

    assert "Báo cáo đào tạo" in top
    assert "Theo dõi trang" in top  # Wagtail's "Reports"
    assert "Trang web" in top["Cài đặt"]  # Wagtail's "Sites", not "Trang"
