"""A student's lessons and quiz answer back: done messages, a locked quiz,
the blank-answer warning, and the result page after a fail and a pass.

Screenshots at 1280 px and 360 px land in var/e2e/ (``learning-*``).
"""

import re

import pytest

from lms.people.models import User

from . import learner
from .conftest import PHONE, describe
from .learner import vi

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def both_widths(b, label: str) -> None:
    """Screenshots at desktop width and on a phone."""
    page = b.page
    b.shot(f"{label}-desktop")
    desktop = page.viewport_size
    page.set_viewport_size(PHONE)
    b.shot(f"{label}-phone")
    assert page.evaluate(
        "() => document.documentElement.scrollWidth <= window.innerWidth + 1"
    ), f"{label}: wider than a phone"
    page.set_viewport_size(desktop)


def test_student_lessons_and_quiz_answer_back(browse, axe_check):
    student = User.objects.get(username="student")
    course = learner.course_to_take(user=student, audience="students")
    lessons, quiz = learner.course_steps(course)
    b = browse("learning")
    page = b.page
    b.sign_in("student")
    b.goto(course.url)
    enrol = page.get_by_role("button", name=vi("Enrol in this course"))
    if enrol.count():
        enrol.click()
        page.wait_for_load_state()

    # The final quiz waits for the lessons, and the course page says which.
    quiz_row = page.locator("ol.steps li", has_text=quiz.title)
    assert "step-locked" in quiz_row.get_attribute("class")
    waiting = quiz_row.locator(".step-waiting").inner_text()
    assert any(lesson.title in waiting for lesson in lessons), waiting
    both_widths(b, "course-quiz-locked")

    shot = False
    for lesson in lessons:
        page.locator("ol.steps a", has_text=lesson.title).click()
        page.wait_for_url(re.compile(re.escape(lesson.url) + "$"))
        done = page.get_by_role("button", name=vi("Mark as done"))
        if done.count():  # the demo student may have read some already
            done.click()
            page.wait_for_load_state()
            message = page.locator(".messages .message-success").inner_text()
            assert lesson.title in message
            assert re.search(rf"\b\d+/{len(lessons)} bài", message), message
            if not shot:
                both_widths(b, "lesson-done")
                assert axe_check(page) == [], describe(axe_check(page))
                shot = True
        b.goto(course.url)
    assert shot, "no lesson left to mark as done"

    page.locator("ol.steps a", has_text=quiz.title).click()
    page.wait_for_url(re.compile(re.escape(quiz.url) + "$"))
    page.get_by_role("button", name=vi("Start the quiz")).click()
    page.wait_for_url(learner.ATTEMPT_URL)

    # Submitting blank: the page lists every question and asks first.
    attempt = learner.attempt_from_url(page.url)
    page.get_by_role("button", name=vi("Submit"), exact=True).click()
    warning = page.locator("#unanswered-warning")
    warning.wait_for(state="visible")
    assert warning.locator(".blank-questions li").count() == len(attempt.snapshot)
    assert page.url.endswith(f"/lan-lam/{attempt.pk}/")  # nothing sent yet
    both_widths(b, "unanswered-warning")
    assert axe_check(page) == [], describe(axe_check(page))
    page.get_by_role("button", name=vi("Submit anyway")).click()
    page.wait_for_url(re.compile(r"/ket-qua/$"))

    # A fail: every question with its verdict, a retake and the way back.
    assert "result-fail" in page.locator("p.result").get_attribute("class")
    assert page.locator(".verdict-wrong").count() == len(attempt.snapshot)
    assert page.get_by_role("link", name=vi("Back to the course")).count()
    both_widths(b, "result-fail")
    assert axe_check(page) == [], describe(axe_check(page))

    page.get_by_role("button", name=vi("Try again")).click()
    page.wait_for_url(learner.ATTEMPT_URL)
    retake = learner.attempt_from_url(page.url)
    answers = learner.right_answers(retake.snapshot)
    for question in retake.snapshot:
        learner.answer_by_mouse(page, question, answers[question["key"]])
    page.get_by_role("button", name=vi("Submit"), exact=True).click()
    page.wait_for_url(re.compile(r"/ket-qua/$"))

    # A pass that completes the course says so and what comes next.
    assert "result-pass" in page.locator("p.result").get_attribute("class")
    assert "Khóa học đã hoàn thành" in page.locator(".what-next").inner_text()
    assert page.locator(".verdict-right").count() == len(retake.snapshot)
    both_widths(b, "result-pass")
    assert axe_check(page) == [], describe(axe_check(page))
    b.assert_no_csp_violation()
