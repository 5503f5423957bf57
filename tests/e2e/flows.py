"""Learner flows the journeys share: a course by mouse, a quiz, the certificate."""

import re

import pytest
from django.apps import apps

from . import learner
from .conftest import SCREENSHOTS, describe
from .learner import vi


def certificate_steps_ready(page) -> str:
    """Why the certificate steps cannot run yet, or "" when they can."""
    try:
        apps.get_model("lms_certificates", "Certificate")
    except LookupError:
        return "certificates has no Certificate model yet"
    if page.locator("section.my-certificates").count() == 0:
        return "My learning shows no certificates section yet"
    return ""


def take_course_by_mouse(b, course, *, axe_check=None, leak_check=True) -> None:
    """Course page → every lesson marked done → quiz passed, with the mouse."""
    page = b.page
    lessons, quiz = learner.course_steps(course)
    page.locator("main a", has_text=course.title).first.click()
    page.wait_for_url(re.compile(re.escape(course.url) + "$"))
    enrol = page.get_by_role("button", name=vi("Enrol in this course"))
    if enrol.count():
        enrol.click()
    b.shot("course")
    if axe_check:
        assert axe_check(page) == [], describe(axe_check(page))

    for index, lesson in enumerate(lessons):
        page.locator("ol.steps a", has_text=lesson.title).click()
        page.wait_for_url(re.compile(re.escape(lesson.url) + "$"))
        assert page.locator("h1").inner_text() == lesson.title
        done = page.get_by_role("button", name=vi("Mark as done"))
        if done.count():
            done.click()
            page.wait_for_load_state()
        else:
            assert page.locator(".lesson-end .message").count()
        if index == 0:
            b.shot("lesson")
            if axe_check:
                assert axe_check(page) == [], describe(axe_check(page))
        b.goto(course.url)
    assert page.locator("ol.steps li.step-done").count() == len(lessons)

    page.locator("ol.steps a", has_text=quiz.title).click()
    page.wait_for_url(re.compile(re.escape(quiz.url) + "$"))
    b.shot("quiz-intro")
    if axe_check:
        assert axe_check(page) == [], describe(axe_check(page))
    page.get_by_role("button", name=vi("Start the quiz")).click()
    page.wait_for_url(learner.ATTEMPT_URL)
    take_quiz(b, axe_check=axe_check, leak_check=leak_check)


def take_quiz(b, *, axe_check=None, leak_check=True, keyboard=False) -> None:
    """Answer half, reload, check the answers were kept, finish and submit."""
    page = b.page
    attempt = learner.attempt_from_url(page.url)
    snapshot = attempt.snapshot
    answers = learner.right_answers(snapshot)
    markers = learner.answer_key_markers(snapshot)
    assert markers, "the demo questions carry feedback to look for"
    seen: list[tuple[str, str]] = []
    unread: list[str] = []

    def keep(response):
        if response.status >= 300 and response.status < 400:
            return
        try:
            seen.append((response.url, response.text()))
        except Exception:  # noqa: BLE001 - a body the browser already dropped
            unread.append(response.url)

    if leak_check:
        page.on("response", keep)
        # What the server sent for the attempt page before the listener started.
        seen.append((page.url, page.content()))

    answer = learner.answer_by_keyboard if keyboard else learner.answer_by_mouse
    half = len(snapshot) // 2
    for question in snapshot[:half]:
        answer(page, question, answers[question["key"]])
    # Autosave, no button pressed: wait until the server holds every answer
    # given so far and the page says so.
    expected = {q["key"]: answers[q["key"]] for q in snapshot[:half]}
    for _ in range(100):
        if learner.saved_answers(attempt, expected.keys()) == expected:
            break
        page.wait_for_timeout(100)
    assert learner.saved_answers(attempt, expected.keys()) == expected
    page.wait_for_function(
        "text => document.querySelector('.save-status').textContent === text",
        arg="Đã lưu câu trả lời.",
    )
    page.reload()
    for question in snapshot[:half]:
        assert learner.answered_in_page(page, question, answers[question["key"]]), (
            question["key"]
        )
    for question in snapshot[half:]:
        answer(page, question, answers[question["key"]])
    b.shot("attempt")
    if axe_check:
        assert axe_check(page) == [], describe(axe_check(page))

    if leak_check:
        seen.append((page.url + "#dom", page.content()))
        leaks = {
            url: found
            for url, text in seen
            if (found := learner.leaks_in(text, markers))
        }
        assert leaks == {}, leaks
        assert unread == [], unread
        assert any("/luu/" in url for url, _ in seen), "autosave answers were read"
        page.remove_listener("response", keep)

    if keyboard:
        learner.tab_to_button(page, vi("Submit"))
        page.keyboard.press("Enter")
    else:
        page.get_by_role("button", name=vi("Submit"), exact=True).click()
    page.wait_for_url(re.compile(r"/ket-qua/$"))
    result = page.locator("p.result")
    assert "result-pass" in result.get_attribute("class"), result.inner_text()
    assert vi("Passed") in result.inner_text()
    b.shot("review")
    if axe_check:
        assert axe_check(page) == [], describe(axe_check(page))
    attempt.refresh_from_db()
    assert attempt.passed is True


def check_certificate(b, chromium, course, *, holder: str) -> None:
    """Download the PDF from My learning, then verify it signed out."""
    page = b.page
    reason = certificate_steps_ready(page)
    if reason:
        pytest.skip(f"certificate steps not run: {reason}")
    row = page.locator(".certificate-list li", has_text=course.title)
    assert row.count() == 1, page.locator("section.my-certificates").inner_text()
    pdf = row.get_by_role("link", name=vi("Download PDF"))
    response = b.context.request.get(b.url(pdf.get_attribute("href")))
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/pdf")
    assert response.body()[:5] == b"%PDF-"
    verify_href = row.get_by_role("link", name=vi("Verification page")).get_attribute(
        "href"
    )
    stranger = chromium.new_context(base_url=b.base_url, locale="vi-VN")
    try:
        public = stranger.new_page()
        public.goto(b.url(verify_href))
        assert vi("This certificate is valid.") in public.locator("main").inner_text()
        assert holder in public.locator("main").inner_text()
        assert course.title in public.locator("main").inner_text()
        public.screenshot(
            path=str(SCREENSHOTS / f"{b.name}-verify.png"), full_page=True
        )
    finally:
        stranger.close()
