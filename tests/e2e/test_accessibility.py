"""axe-core on every learner page, and a countdown screen readers hear politely."""

import re

import pytest
from django.urls import reverse

from courses.models import CoursePage
from lms.people.models import User
from quizzes.models import QuizPage
from quizzes.services import attempt_start

from . import learner
from .conftest import SCREENSHOTS, describe
from .flows import certificate_steps_ready, take_course_by_mouse

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def assert_accessible(b, axe_check, label: str) -> None:
    b.shot(label)
    found = axe_check(b.page)
    assert found == [], f"{label}: {describe(found)}"


def test_learner_pages_have_no_serious_or_critical_axe_violation(
    browse, chromium, axe_check
):
    student = User.objects.get(username="student")
    course = learner.course_to_take(user=student, audience="students")
    b = browse("a11y")

    b.goto("/")
    assert_accessible(b, axe_check, "home-signed-out")
    b.goto("/tai-khoan/dang-nhap/")
    assert_accessible(b, axe_check, "login")
    b.sign_in("student")
    b.goto("/")
    assert_accessible(b, axe_check, "home")
    b.goto(course.get_parent().url)
    assert_accessible(b, axe_check, "catalogue")
    # Course, first lesson, quiz intro, attempt page and review page.
    take_course_by_mouse(b, course, axe_check=axe_check, leak_check=False)
    b.goto(reverse("lms_courses:my_learning"))
    assert_accessible(b, axe_check, "my-learning")
    not_ready = certificate_steps_ready(b.page)
    verify = b.page.locator(".certificate-list a[href*='/verify/']")
    verify_href = verify.first.get_attribute("href") if verify.count() else None
    b.goto(reverse("lms_people:password_change"))
    assert_accessible(b, axe_check, "password-change")
    b.assert_no_csp_violation()

    if not_ready:
        pytest.skip(f"verification page not checked: {not_ready}")
    assert verify_href, "the demo student holds a certificate"
    public = chromium.new_context(base_url=b.base_url, locale="vi-VN")
    try:
        page = public.new_page()
        page.goto(b.url(verify_href))
        page.screenshot(path=str(SCREENSHOTS / "a11y-verify.png"), full_page=True)
        found = axe_check(page)
        assert found == [], f"verification page: {describe(found)}"
    finally:
        public.close()


def test_quiz_countdown_is_announced_politely(browse, axe_check):
    student = User.objects.get(username="student")
    course = CoursePage.objects.live().filter(for_students=True).order_by("path")[0]
    # Open every step, so the quiz can start whatever the demo's progress.
    CoursePage.objects.filter(pk=course.pk).update(sequential=False)
    quiz = QuizPage.objects.child_of(course).get()
    QuizPage.objects.filter(pk=quiz.pk).update(time_limit_minutes=10)
    attempt = attempt_start(user=student, quiz=QuizPage.objects.get(pk=quiz.pk))
    assert attempt.deadline is not None

    b = browse("countdown")
    b.context.clock.install()
    b.sign_in("student")
    b.goto(reverse("lms_quizzes:attempt", args=[attempt.pk]))
    page = b.page
    announce = page.locator(".countdown-announce")
    assert announce.get_attribute("aria-live") == "polite"
    assert announce.get_attribute("role") == "status"
    assert re.fullmatch(r"\d+:\d{2}", page.locator(".countdown-value").inner_text())
    # A minute later the live region says how many minutes are left.
    page.clock.run_for(61_000)
    page.wait_for_function(
        "() => document.querySelector('.countdown-announce').textContent !== ''"
    )
    said = announce.text_content()
    assert re.fullmatch(r"Còn \d+ phút", said), said
    assert_accessible(b, axe_check, "attempt-timed")
    b.assert_no_csp_violation()
