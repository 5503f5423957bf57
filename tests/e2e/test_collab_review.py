"""Collaborators write, school admins approve, in the browser (issue 14).

The demo `collaborator` (content author at DEMO this year) edits the first
lesson of DEMO's own students' course and submits it for review; the learner
still reads the approved version; `schooladmin` finds it on the dashboard
and approves it in the editor; `student` then reads the new version.
Screenshots land in var/e2e/ (collab-*.png).
"""

import pytest
from django.urls import reverse

from courses.models import CourseIndexPage, LessonPage
from lms.people.models import School

from .conftest import PHONE

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NEW_TITLE = "Dấu chân số là gì? Bản sửa của cộng tác viên"


def _demo_first_lesson() -> LessonPage:
    """The first lesson of DEMO's own students' course."""
    catalogue = CourseIndexPage.objects.get(school=School.objects.get(code="DEMO"))
    for lesson in LessonPage.objects.live().descendant_of(catalogue).order_by("path"):
        if lesson.get_parent().specific.for_students:
            return lesson
    pytest.fail("DEMO has no students' course of its own")


def _click_hidden(page, selector: str) -> None:
    """Wagtail keeps the editor's other actions in a drop-down; click one."""
    with page.expect_navigation():
        page.evaluate("(s) => document.querySelector(s).click()", selector)


def test_collaborator_submits_school_admin_approves_student_reads(browse):
    lesson = _demo_first_lesson()
    old_title = lesson.title
    edit = reverse("wagtailadmin_pages:edit", args=[lesson.pk])

    author = browse("collab-author")
    author.sign_in("collaborator")
    author.goto(edit)
    author.page.fill("#id_title", NEW_TITLE)
    author.shot("editor")
    _click_hidden(author.page, "button[name=action-submit]")
    lesson.refresh_from_db()
    assert lesson.workflow_in_progress
    assert LessonPage.objects.get(pk=lesson.pk).title == old_title
    author.goto("/admin/")
    author.shot("dashboard")

    learner = browse("collab-student-before")
    learner.sign_in("student")
    learner.goto(lesson.get_parent().url)
    learner.goto(lesson.url)
    assert NEW_TITLE not in learner.page.content()

    for label, viewport in (("desktop", None), ("phone", PHONE)):
        admin = browse(f"collab-schooladmin-{label}", viewport=viewport)
        admin.sign_in("schooladmin")
        admin.goto("/admin/")
        assert NEW_TITLE in admin.page.locator("main").inner_text()
        admin.shot("dashboard")
    admin.goto(edit)
    admin.shot("review")
    _click_hidden(
        admin.page,
        "button[data-workflow-action-name=approve]"
        ":not([data-workflow-action-modal-url])",
    )
    assert LessonPage.objects.get(pk=lesson.pk).title == NEW_TITLE

    learner.goto(lesson.url)
    assert NEW_TITLE in learner.page.content()
    learner.shot("after")
