"""The quiz autosave through a database restart, as the learner sees it.

The autosave endpoint answers 503 with Retry-After (what the server says
while PostgreSQL restarts, lms/db_faults.py) for a while: the page says it is
trying again, the learner changes the answer meanwhile, and when the server
is back the latest answer is the one stored and the page says "saved again".

Screenshots at 1280 px and 360 px land in var/e2e/ (``outage-*``).
"""

import json
import time

import pytest
from django.utils.translation import override, pgettext

from courses.services import course_open, course_self_enrol, lesson_complete
from lms.people.models import User
from quizzes.services import attempt_start

from . import learner
from .conftest import PHONE, SCREENSHOTS

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

RETRYING = "Not saved yet, trying again… Keep going: your latest answers will be sent."
SAVED_AGAIN = "Saved again. All your answers are kept."


def student_text(msgid: str) -> str:
    with override("vi"):
        return pgettext("student", msgid)


def _question_with_two_answers(snapshot):
    """A question and two different answers to it: a first one, then the last."""
    right = learner.right_answers(snapshot)
    for question in snapshot:
        if question["qtype"] == "single_choice":
            final = right[question["key"]]
            other = next(c["key"] for c in question["choices"] if c["key"] != final)
            return question, other, final
    for question in snapshot:
        if question["qtype"] in ("short_answer", "essay"):
            return question, "chưa chắc", right[question["key"]]
    raise AssertionError("the demo quiz has no single-choice or text question")


def test_autosave_retries_through_an_outage_and_keeps_the_latest_answer(browse):
    student = User.objects.get(username="student")
    course = learner.course_to_take(user=student, audience="students")
    lessons, quiz = learner.course_steps(course)
    if course_open(user=student, course=course) is None:
        course_self_enrol(user=student, course=course)
    for lesson in lessons:
        lesson_complete(user=student, lesson=lesson, course=course)
    attempt = attempt_start(user=student, quiz=quiz)
    question, first, final = _question_with_two_answers(attempt.snapshot)

    b = browse("outage")
    page = b.page
    b.sign_in("student")
    b.goto(f"/hoc-tap/bai-kiem-tra/lan-lam/{attempt.pk}/")

    outage = {"on": True, "refused": 0}

    def autosave(route):
        if outage["on"]:
            outage["refused"] += 1
            route.fulfill(
                status=503,
                headers={"Retry-After": "1", "Content-Type": "application/json"},
                body=json.dumps({"error": "busy", "retry": True}),
            )
        else:
            route.continue_()

    page.route("**/luu/", autosave)
    status = page.locator(".save-status")

    learner.answer_by_mouse(page, question, first)
    page.wait_for_function(
        "text => document.querySelector('.save-status').textContent === text",
        arg=student_text(RETRYING),
    )
    assert "Em cứ làm bài tiếp" in status.inner_text()
    # It stays in view (sticky at the bottom) while the learner scrolls.
    assert "save-retrying" in status.get_attribute("class")
    assert status.is_visible()
    page.mouse.wheel(0, -100_000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "outage-retrying-in-view.png"))
    # It keeps trying, with pauses, and nothing reached the server.
    deadline = time.monotonic() + 10
    while outage["refused"] < 2 and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert outage["refused"] >= 2
    assert learner.saved_answers(attempt, [question["key"]]) == {}
    b.shot("retrying-desktop")
    page.set_viewport_size(PHONE)
    b.shot("retrying-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    # The learner changes the answer during the outage; then the server is back.
    learner.answer_by_mouse(page, question, final)
    outage["on"] = False
    page.wait_for_function(
        "text => document.querySelector('.save-status').textContent === text",
        arg=student_text(SAVED_AGAIN),
        timeout=20_000,
    )
    assert status.inner_text().startswith("Đã lưu lại")
    assert "save-retrying" not in status.get_attribute("class")
    assert learner.saved_answers(attempt, [question["key"]]) == {question["key"]: final}
    b.shot("saved-again-desktop")
    b.assert_no_csp_violation()

    # After a reload the page shows the answer sent last.
    page.reload()
    assert learner.answered_in_page(page, question, final)
