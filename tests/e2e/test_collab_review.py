"""Collaborators write, school admins approve, in the browser (issue 14).

The demo `collaborator` (content author at DEMO this year) opens DEMO's own
students' course in the Wagtail admin, adds a lesson, inserts a legal-article
block through the StreamField menu and the legal-reference chooser, saves a
draft and submits it for review. The learner does not see the lesson yet;
`schooladmin` finds it on the dashboard ("awaiting your review") and
approves it; `student` then reads the quoted article and its source.
Screenshots at 1280 and 360 px land in var/e2e/ (collab-*.png).
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from courses.models import CourseIndexPage, CoursePage, LessonPage
from lms.people.models import School

from .conftest import PHONE, describe
from .editor import sending

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "Luật An ninh mạng nói gì về an ninh mạng?"
REFERENCE = "Điều 2 Luật An ninh mạng 116/2025/QH15"
CLAUSE = "Khoản 1"
QUOTE = (
    "An ninh mạng là sự bảo đảm hoạt động trên không gian mạng không gây phương "
    "hại đến an ninh quốc gia, trật tự, an toàn xã hội, quyền và lợi ích hợp "
    "pháp của cơ quan, tổ chức, cá nhân."
)
SOURCE = "Công báo, bản đã đối chiếu tháng 12/2026"
DESKTOP = {"width": 1280, "height": 900}


def _demo_course() -> CoursePage:
    """DEMO's own students' course."""
    catalogue = CourseIndexPage.objects.get(school=School.objects.get(code="DEMO"))
    course = CoursePage.objects.child_of(catalogue).filter(for_students=True).first()
    if course is None:
        pytest.fail("DEMO has no students' course of its own")
    return course


def _shots(browsing, label: str, *, showing=None) -> None:
    """The page as it is, at 1280 and at 360 px wide (`showing` in view)."""
    for suffix, viewport in (("", DESKTOP), ("-phone", PHONE)):
        browsing.page.set_viewport_size(viewport)
        if showing is not None:
            showing.scroll_into_view_if_needed()
        browsing.shot(label + suffix)
    browsing.page.set_viewport_size(DESKTOP)


def _editor_action(page, name: str) -> None:
    """Open the editor's action menu (beside "Lưu bản nháp") and pick one."""
    footer = page.locator("footer .w-dropdown--dropdown-button")
    with sending(page):
        footer.locator(".w-dropdown__toggle").click()
        footer.get_by_role("button", name=name).click()


def test_collaborator_drafts_legal_article_lesson_school_admin_approves(
    browse, axe_check
):
    course = _demo_course()

    # The collaborator adds a lesson to the course from the page explorer.
    author = browse("collab-author")
    author.sign_in("collaborator")
    author.goto(reverse("wagtailadmin_explore", args=[course.pk]))
    _shots(author, "explorer")
    author.page.get_by_role("link", name="Thêm trang con").first.click()
    author.page.get_by_role("link", name="Bài học", exact=True).click()
    author.page.fill("#id_title", TITLE)

    # Block menu → "Điều luật" → the legal-reference chooser.
    author.page.locator("#body-root button.c-sf-add-button").first.click()
    option = author.page.get_by_role("option", name="Điều luật", exact=True)
    # The menu fades in; shoot it once it is drawn in full.
    expect(author.page.locator(".tippy-box", has=option)).to_have_css("opacity", "1")
    author.shot("block-menu")
    option.click()
    block = author.page.locator("#body-root [data-contentpath=reference]")
    block.get_by_role("button", name="Chọn điều luật tham chiếu").click()
    modal = author.page.locator(".modal-dialog")
    # The author types the law's number, then picks the article.
    modal.get_by_role("textbox").fill("116/2025")
    choice = modal.get_by_role("link", name=REFERENCE)
    # Every row left is an article of that law, Điều 1 before Điều 16.
    expect(modal.locator("tbody tr").filter(has_not_text="116/2025")).to_have_count(0)
    expect(modal.locator("tbody tr").first).to_contain_text("Điều 1 ")
    _shots(author, "chooser")
    choice.click()
    modal.wait_for(state="detached")
    assert REFERENCE in block.inner_text()
    author.page.fill("#body-0-value-clause", CLAUSE)
    author.page.fill("#body-0-value-quote", QUOTE)
    author.page.fill("#body-0-value-quote_source", SOURCE)
    _shots(author, "editor")

    with sending(author.page):
        author.page.get_by_role("button", name="Lưu bản nháp").click()
    lesson = LessonPage.objects.child_of(course).get(title=TITLE)
    assert not lesson.live
    [article] = list(lesson.get_latest_revision_as_object().body)
    assert article.block_type == "legal_article"
    assert article.value["reference"].article == "2"
    assert article.value["quote"] == QUOTE

    _editor_action(author.page, "Gửi duyệt")
    lesson.refresh_from_db()
    assert lesson.workflow_in_progress and not lesson.live
    author.goto("/admin/")
    assert TITLE in author.page.locator("main").inner_text()
    _shots(author, "dashboard")

    # The learner sees neither the lesson in the course nor the lesson itself.
    learner = browse("collab-student")
    learner.sign_in("student")
    learner.goto(course.url)
    assert TITLE not in learner.page.locator("main").inner_text()
    response = learner.page.goto(learner.url(lesson.get_url_parts()[2]))
    assert response.status == 404

    # The school admin finds it awaiting review and approves it.
    admin = browse("collab-schooladmin")
    admin.sign_in("schooladmin")
    admin.goto("/admin/")
    review = admin.page.locator("section", has_text="Bài chờ duyệt").filter(
        has=admin.page.get_by_role("link", name=TITLE)
    )
    _shots(admin, "dashboard", showing=review)
    review.get_by_role("link", name=TITLE).first.click()
    admin.page.wait_for_load_state()
    assert TITLE in admin.page.locator("main").inner_text()
    _shots(admin, "review")
    _editor_action(admin.page, "Duyệt và xuất bản")
    lesson.refresh_from_db()
    assert lesson.live and not lesson.workflow_in_progress

    # The learner reads the quoted article and where it was checked.
    learner.goto(course.url)
    learner.page.get_by_role("link", name=TITLE).first.click()
    article = learner.page.locator("aside.legal-article")
    article.wait_for()
    text = article.inner_text()
    assert "Điều 2, Khoản 1" in text
    assert "Luật An ninh mạng 116/2025/QH15" in text
    assert QUOTE in text
    assert f"Nguồn đối chiếu: {SOURCE}" in text
    _shots(learner, "lesson")
    violations = axe_check(learner.page)
    assert violations == [], describe(violations)
