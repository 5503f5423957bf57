"""The admin dashboard as staff meet it after signing in, on a desktop and a phone.

Run with ``bash lms/scripts/e2e.sh``; starts from the demo school of ``seed_demo``.
"""

import re

import pytest

from courses.models import CoursePage
from lms.people.models import User

from .conftest import PHONE, describe
from .learner import vi
from .test_journeys import essay_attempt

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_homeroom_teacher_dashboard_shows_class_progress_and_essays(browse, axe_check):
    own, other = User.objects.get(username="hs01"), User.objects.get(username="hs07")
    course = CoursePage.objects.live().filter(for_students=True).order_by("path")[0]
    essay_attempt(student=own, course=course)
    essay_attempt(student=other, course=course)

    b = browse("teacher-dashboard")
    page = b.page
    b.sign_in("teacher")
    b.goto("/admin/")
    progress = page.locator("#lms-class-progress-section")
    assert vi("My class's progress") in progress.inner_text()
    row = progress.locator("tr", has_text=course.title)
    assert row.count() == 1
    essays = page.locator("#lms-essays-section")
    assert own.lms_profile.full_name in essays.inner_text()
    assert other.lms_profile.full_name not in essays.inner_text()
    b.shot("desktop")
    assert axe_check(page) == [], describe(axe_check(page))
    b.assert_no_csp_violation()

    essays.locator("tr", has_text=own.lms_profile.full_name).get_by_role(
        "link", name=vi("Grade")
    ).click()
    page.wait_for_url(re.compile(r"/admin/lms/essays/\d+/$"))
    assert "báo cho thầy cô" in page.locator("main").inner_text()

    phone = browse("teacher-dashboard", viewport=PHONE)
    phone.sign_in("teacher")
    phone.goto("/admin/")
    panel = phone.page.locator("#lms-class-progress-section")
    assert course.title in panel.inner_text()
    overflow = phone.page.evaluate(
        "() => document.documentElement.scrollWidth - window.innerWidth"
    )
    assert overflow <= 0, f"the dashboard is {overflow}px wider than a phone"
    phone.shot("phone")


@pytest.mark.parametrize(
    ("username", "panels"),
    [
        ("schooladmin", ("#lms-school-section", "#lms-batches-section")),
        ("officer", ("#lms-department-section",)),
    ],
)
def test_managers_dashboards_fit_a_phone_and_pass_axe(
    browse, axe_check, username, panels
):
    for label, viewport in (("desktop", None), ("phone", PHONE)):
        b = browse(f"{username}-dashboard", viewport=viewport)
        b.sign_in(username)
        b.goto("/admin/")
        for selector in panels:
            assert b.page.locator(selector).count() == 1, selector
        overflow = b.page.evaluate(
            "() => document.documentElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 0, f"{label}: {overflow}px too wide"
        assert axe_check(b.page) == [], describe(axe_check(b.page))
        b.shot(label)
