"""New page slugs are ASCII, folded from Vietnamese titles (issue 13, point 7)."""

import html
import json
import re
import unicodedata

import pytest
from django.urls import reverse

from lms.slugs import SLUG_FORMATTERS, ascii_slug


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Khóa học An toàn trên mạng", "khoa-hoc-an-toan-tren-mang"),
        ("Đường đến trường", "duong-den-truong"),
        ("ỨNG XỬ VĂN MINH", "ung-xu-van-minh"),
        (unicodedata.normalize("NFD", "Học kỳ một"), "hoc-ky-mot"),
    ],
)
def test_vietnamese_titles_fold_to_ascii_slugs(title, slug):
    assert ascii_slug(title) == slug


def test_unicode_slugs_are_off_by_default(settings):
    assert settings.WAGTAIL_ALLOW_UNICODE_SLUGS is False


@pytest.mark.django_db
def test_admin_slug_field_folds_vietnamese_before_slugifying(client, superuser):
    from wagtail.models import Page

    home = Page.get_first_root_node().get_children().first()
    client.force_login(superuser)
    url = reverse(
        "wagtailadmin_pages:add", args=["lms_courses", "courseindexpage", home.pk]
    )
    page = client.get(url).content.decode()
    field = re.search(r'<input[^>]*name="slug"[^>]*>', page)[0]
    assert "data-w-slug-allow-unicode-value" not in field  # False: attribute left out
    formatters = json.loads(
        html.unescape(re.search(r'data-w-slug-formatters-value="([^"]*)"', field)[1])
    )
    assert len(formatters) == len(SLUG_FORMATTERS)
    patterns = "".join(pattern for (pattern, *_flags), _base in formatters)
    assert "đ" in patterns and "ố" in patterns


@pytest.mark.django_db
def test_slug_made_from_a_title_keeps_the_d_of_dj():
    from wagtail.models import Page

    home = Page.get_first_root_node().get_children().first()
    page = home.add_child(instance=Page(title="Đường đến trường"))
    assert page.slug == "duong-den-truong"
    again = home.add_child(instance=Page(title="Đường đến trường"))
    assert again.slug == "duong-den-truong-2"


@pytest.mark.django_db
def test_a_slug_chosen_by_the_editor_is_kept():
    from wagtail.models import Page

    home = Page.get_first_root_node().get_children().first()
    page = home.add_child(instance=Page(title="Đường đến trường", slug="duong"))
    assert page.slug == "duong"
