"""The Department library's review and the "Bài chờ duyệt" panel, in the
browser (issue 14, points 4 and 5).

The demo `collaborator` has a DEMO lesson awaiting review; `schooladmin` sees
it first on the dashboard (desktop and phone) and proposes DEMO's own course
for the Department library from the course editor; `officer` finds the
proposal on their dashboard. Screenshots land in var/e2e/ (library-*.png).
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from courses.models import CourseIndexPage, CoursePage, LessonPage
from lms.people.models import School

from .conftest import PHONE

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SUBMITTED = "Bài sửa của cộng tác viên chờ duyệt"


def test_review_panel_first_and_a_course_proposed_for_the_library(browse):
    demo = CourseIndexPage.objects.get(school=School.objects.get(code="DEMO"))
    lesson = LessonPage.objects.live().descendant_of(demo).order_by("path").first()
    author = get_user_model().objects.get(username="collaborator")
    lesson.title = SUBMITTED
    lesson.save_revision(user=author)
    lesson.get_workflow().start(lesson, author)
    course = lesson.get_parent().specific

    for label, viewport in (("desktop", None), ("phone", PHONE)):
        admin = browse(f"library-schooladmin-{label}", viewport=viewport)
        admin.sign_in("schooladmin")
        admin.goto("/admin/")
        panel = admin.page.locator("#lms-review-queue-section")
        assert "Bài chờ duyệt" in panel.inner_text()
        assert SUBMITTED in panel.inner_text()
        admin.shot("dashboard")

    edit = reverse("wagtailadmin_pages:edit", args=[course.pk])
    propose = reverse("lms_courses_propose_for_library", args=[course.pk])
    # Offered in the header's "more" menu (its script moves it out of the page).
    assert propose in admin.page.request.get(admin.base_url + edit).text()
    admin.goto(propose)
    admin.shot("propose")
    with admin.page.expect_navigation():
        admin.page.click("main form button[type=submit]")
    copy = CoursePage.objects.filter(
        path__startswith=CourseIndexPage.objects.filter(school__isnull=True)
        .order_by("path")
        .first()
        .path,
        title=course.title,
        live=False,
    ).get()
    assert copy.workflow_in_progress

    officer = browse("library-officer")
    officer.sign_in("officer")
    officer.goto("/admin/")
    panel = officer.page.locator("#lms-review-queue-section").inner_text()
    assert course.title in panel
    assert SUBMITTED not in panel
    officer.shot("dashboard")
