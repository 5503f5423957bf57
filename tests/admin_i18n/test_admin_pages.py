"""The admin pages staff use, rendered in Vietnamese, show no English."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .conftest import STAFF_ROLES
from .english import english_texts, is_english

# Admin pages by URL name and how to find their arguments in the world.
PAGES = [
    ("wagtailadmin_home", lambda w: []),
    ("wagtailadmin_explore_root", lambda w: []),
    ("wagtailadmin_explore", lambda w: [w.pk("catalogue_a")]),
    ("wagtailadmin_pages:edit", lambda w: [w.pk("course_a")]),
    ("wagtailadmin_pages:edit", lambda w: [w.pk("lesson_a")]),
    ("wagtailadmin_pages:edit", lambda w: [w.pk("quiz_a")]),
    ("wagtailadmin_pages:add_subpage", lambda w: [w.pk("course_a")]),
    (
        "wagtailadmin_pages:add",
        lambda w: ["lms_courses", "lessonpage", w.pk("course_a")],
    ),
    ("wagtailadmin_pages:search", lambda w: []),
    ("wagtailsnippets:index", lambda w: []),
    ("wagtailsnippets_lms_courses_legalreference:list", lambda w: []),
    (
        "wagtailsnippets_lms_courses_legalreference:edit",
        lambda w: [w.pk("legal_reference")],
    ),
    ("wagtailsnippets_lms_courses_legaldocument:list", lambda w: []),
    (
        "wagtailsnippets_lms_courses_legaldocument:edit",
        lambda w: [w.pk("legal_document")],
    ),
    ("lms_courses_superseded_law", lambda w: []),
    ("lms_courses_pack_import", lambda w: []),
    ("wagtailsnippets_lms_courses_conductprinciple:list", lambda w: []),
    ("wagtailsnippets_lms_quizzes_question:list", lambda w: []),
    ("wagtailsnippets_lms_quizzes_question:edit", lambda w: [w.pk("question_a")]),
    ("wagtailsnippets_lms_certificates_certificatetemplate:list", lambda w: []),
    (
        "wagtailsnippets_lms_certificates_certificatetemplate:edit",
        lambda w: [w.pk("template_a")],
    ),
    ("lms_question_categories:index", lambda w: []),
    ("lms_schools:index", lambda w: []),
    ("lms_classes:index", lambda w: []),
    ("lms_memberships:index", lambda w: []),
    ("lms_consents:index", lambda w: []),
    ("lms_roster:index", lambda w: []),
    ("wagtailusers_users:index", lambda w: []),
    ("wagtailusers_users:edit", lambda w: [w.pk("student_a")]),
    ("wagtailusers_users:add", lambda w: []),
    ("wagtailusers_groups:index", lambda w: []),
    ("wagtailadmin_collections:index", lambda w: []),
    ("wagtailsites:index", lambda w: []),
    ("wagtailadmin_reports:site_history", lambda w: []),
    ("wagtailadmin_reports:locked_pages", lambda w: []),
    ("wagtailadmin_reports:aging_pages", lambda w: []),
    ("lms_reports:completion", lambda w: []),
    ("lms_reports:learners", lambda w: []),
    ("lms_reports:department", lambda w: []),
    ("lms_reports:annual", lambda w: []),
    ("lms_quizzes_essays", lambda w: []),
    ("lms_quizzes_recomputes", lambda w: []),
    ("lms_quizzes_report", lambda w: [w.pk("quiz_a")]),
    ("lms_courses_learners", lambda w: [w.pk("course_a")]),
    ("lms_certificates_admin_list", lambda w: []),
    ("lms_consent_status:index", lambda w: []),
    ("lms_schools:edit", lambda w: [w.pk("school_a")]),
    ("lms_classes:edit", lambda w: [w.pk("class_a")]),
    ("lms_memberships:add", lambda w: []),
    ("lms_consents:add", lambda w: []),
    ("lms_guardians:index", lambda w: []),
    ("lms_guardians:add", lambda w: []),
    ("lms_guardians:edit", lambda w: [w.pk("guardian_a")]),
    ("lms_guardians:activation_code", lambda w: [w.pk("guardian_a")]),
    ("lms_question_categories:edit", lambda w: [w.pk("category_a")]),
    ("wagtailsnippets_lms_quizzes_question:add", lambda w: []),
    ("wagtaildocs:index", lambda w: []),
    ("wagtaildocs:edit", lambda w: [w.pk("document")]),
    ("wagtaildocs:add", lambda w: []),
    ("wagtailimages:index", lambda w: []),
    ("wagtailimages:edit", lambda w: [w.pk("image")]),
    ("wagtailimages:add", lambda w: []),
    ("wagtailadmin_account", lambda w: []),
]
SEARCHED = {"wagtailadmin_pages:search": {"q": "khóa"}}
# Content Wagtail's own migrations create: the root and the first home page,
# the first workflow and the groups.
CONTENT = ("Welcome to your new Wagtail site!", "Root", "Moderators approval")
CONTENT_WORDS = frozenset({"editors", "moderators", "lib"})
# English written into Wagtail 8's templates, out of any catalogue's reach:
# the screen-reader-only submit button of the header search forms.
WAGTAIL_TEMPLATE_ENGLISH = frozenset({"Search"})


def _allowed_words(world) -> frozenset[str]:
    """Words of the world's user content: usernames are not interface text."""
    names = {p.username for p in world.people.values()} | {"gv_a", "hs_b"}
    return CONTENT_WORDS | {part for name in names for part in name.split("_")}


def _english_on(client, url, world, query=None) -> list[str] | None:
    """The English texts of the page at `url`; None if it is not shown."""
    response = client.get(url, query or {})
    if response.status_code != 200:
        return None
    texts = english_texts(response.content.decode(), _allowed_words(world), CONTENT)
    return [t for t in texts if t not in WAGTAIL_TEMPLATE_ENGLISH]


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_admin_pages_show_no_english_to_staff(role, staff_client, world):
    client = staff_client(role)
    found, shown = {}, []
    for name, args in PAGES:
        url = reverse(name, args=args(world))
        english = _english_on(client, url, world, SEARCHED.get(name))
        if english is None:
            continue
        shown.append(name)
        if english:
            found[url] = english
    assert "wagtailadmin_home" in shown
    assert not found, "\n".join(f"{url}: {texts}" for url, texts in found.items())


def test_a_school_admin_reaches_the_main_admin_pages(staff_client, world):
    """The check above judges only pages shown; these a school admin is shown."""
    client = staff_client("school_admin")
    reached = {
        name
        for name, args in PAGES
        if client.get(reverse(name, args=args(world))).status_code == 200
    }
    assert reached >= {
        "wagtailadmin_home",
        "wagtailadmin_explore",
        "wagtailadmin_pages:edit",
        "wagtailadmin_pages:add",
        "wagtailadmin_pages:search",
        "wagtailsnippets_lms_quizzes_question:list",
        "wagtailsnippets_lms_certificates_certificatetemplate:edit",
        "wagtailusers_users:index",
        "wagtailusers_users:edit",
        "lms_reports:completion",
        "lms_courses_pack_import",
        "wagtailadmin_account",
    }


def test_admin_sign_in_page_is_vietnamese(client, world, db):
    assert _english_on(client, reverse("wagtailadmin_login"), world) == []


def test_english_words_are_found_and_vietnamese_ones_are_not():
    assert is_english("Save draft")
    assert is_english("Page 1 of 1")
    assert is_english("Choose mẫu giấy chứng nhận")
    assert not is_english("Trang chủ")
    assert not is_english("Lưu bản nháp")
    assert not is_english("Tải tệp PDF lên")
    assert not is_english("Hiện trong menu của trang web")
    assert not is_english("Ctrl + Shift + v")
    assert not is_english("Asia/Ho_Chi_Minh")
    assert not is_english("Giải thích được dấu ch…")
    assert is_english("Search all pages…")


def test_the_sites_listing_names_its_columns_in_vietnamese(client, world, db):
    client.force_login(world["superuser"])

    english = _english_on(client, reverse("wagtailsites:index"), world)

    assert english == []
