"""Law that changes, seen in the browser: once the 2018 Cybersecurity Law no
longer applies, a learner reading a lesson that quotes it is told what
replaced it, and staff find the lesson in the report of content citing law
no longer in force. The demo itself teaches the law in force, so the test
first gives a demo lesson a quote of the old law. Screenshots land in var/e2e/
(superseded-*.png)."""

import datetime

import pytest
from django.urls import reverse

from courses import legal
from courses.models import LessonPage

from .conftest import PHONE

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REPLACED_ON = datetime.date(2026, 7, 1)


OLD_QUOTE = (
    "Trẻ em có quyền được bảo vệ, tiếp cận thông tin, tham gia hoạt động xã hội, "
    "vui chơi, giải trí, giữ bí mật cá nhân, đời sống riêng tư và các quyền khác "
    "khi tham gia trên không gian mạng."
)


def _lesson_quoting_the_old_law() -> LessonPage:
    """A students' demo lesson given a quote of the 2018 law (Article 29)."""
    lesson = next(
        lesson
        for lesson in LessonPage.objects.live().order_by("path").specific()
        if lesson.get_parent().specific.for_students
    )
    reference = legal.reference_for_text(
        "Luật An ninh mạng số 24/2018/QH14", "Điều 29", create=True
    )
    assert reference.document.replaced_by.number == "116/2025/QH15"
    lesson.body.append(
        (
            "legal_article",
            {
                "reference": reference,
                "clause": "Khoản 1",
                "quote": OLD_QUOTE,
                "quote_source": "",
                "explanation": "",
            },
        )
    )
    lesson.save_revision().publish()
    return lesson


def test_learner_notice_and_staff_report_once_the_law_is_replaced(browse, monkeypatch):
    monkeypatch.setattr(legal, "today", lambda: REPLACED_ON)
    lesson = _lesson_quoting_the_old_law()

    for label, viewport in (("desktop", None), ("phone", PHONE)):
        b = browse(f"superseded-student-{label}", viewport=viewport)
        b.sign_in("student")
        b.goto(lesson.url)
        notice = b.page.locator(".legal-superseded").first
        assert "Văn bản này đã được thay thế bởi" in notice.inner_text()
        assert "116/2025/QH15" in notice.inner_text()
        notice.scroll_into_view_if_needed()
        b.page.screenshot(path=f"{b.shot('lesson').parent}/{b.name}-notice.png")

    staff = browse("superseded-admin")
    staff.sign_in("admin")
    staff.goto(reverse("lms_courses_superseded_law"))
    assert lesson.title in staff.page.locator("main").inner_text()
    staff.shot("report")
    staff.goto(reverse("wagtailadmin_pages:edit", args=[lesson.pk]))
    warning = staff.page.locator(".lms-superseded-law")
    assert "116/2025/QH15" in warning.inner_text()
    staff.shot("editor")
