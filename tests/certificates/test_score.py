"""The score printed on a certificate: the course's quiz grades on a 10-point scale."""

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from certificates.models import Certificate
from certificates.services import certificate_issue, score_text
from quizzes.models import QuizGrade
from tests.certificates.factories import (
    CertificateTemplateFactory,
    CourseCertificateSettingFactory,
)
from tests.quizzes.factories import QuizPageFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "percent, text",
    [
        (Decimal("95"), "9,5/10"),
        (Decimal("100"), "10/10"),
        (Decimal("80.00"), "8/10"),
        (Decimal("66.67"), "6,7/10"),
        (Decimal("4.5"), "0,5/10"),
        (None, None),
    ],
)
def test_score_text_uses_the_ten_point_scale_with_a_decimal_comma(percent, text):
    assert score_text(percent) == text


def _issue(make_course, tuyet, complete, *, show_score, body, grades):
    course, lessons = make_course(lessons=1)
    template = CertificateTemplateFactory(show_score=show_score, body=body)
    CourseCertificateSettingFactory(course=course, template=template, auto_issue=False)
    for percent in grades:
        quiz = QuizPageFactory(parent=course)
        QuizGrade.objects.create(user=tuyet, quiz=quiz, percent=percent, passed=True)
    other_course, _ = make_course(lessons=1)
    elsewhere = QuizPageFactory(parent=other_course)
    QuizGrade.objects.create(user=tuyet, quiz=elsewhere, percent=10, passed=False)
    complete(tuyet, course, lessons)
    certificate_issue(user=tuyet, course=course, notify=False)
    certificate = Certificate.objects.get(holder=tuyet, course=course)
    with certificate.pdf.open("rb") as handle:
        text = PdfReader(io.BytesIO(handle.read())).pages[0].extract_text()
    return certificate, text


def test_the_score_placeholder_prints_the_mean_of_the_courses_quiz_grades(
    make_course, tuyet, complete
):
    certificate, text = _issue(
        make_course,
        tuyet,
        complete,
        show_score=True,
        body="Chứng nhận {name}\n\nĐạt điểm {score} khóa học {course}.",
        grades=[Decimal("90"), Decimal("100")],
    )
    assert certificate.snapshot["score"] == "9,5/10"
    assert "Đạt điểm 9,5/10" in text


def test_a_wanted_score_gets_its_own_line_when_the_body_has_no_placeholder(
    make_course, tuyet, complete
):
    certificate, text = _issue(
        make_course,
        tuyet,
        complete,
        show_score=True,
        body="Chứng nhận {name}",
        grades=[Decimal("80")],
    )
    assert certificate.snapshot["score"] == "8/10"
    assert "Điểm: 8/10" in text


def test_no_score_is_printed_unless_the_template_asks_for_it(
    make_course, tuyet, complete
):
    certificate, text = _issue(
        make_course,
        tuyet,
        complete,
        show_score=False,
        body="Chứng nhận {name}\n\nĐạt điểm {score}.",
        grades=[Decimal("80")],
    )
    assert certificate.snapshot["score"] is None
    assert "8/10" not in text and "Điểm:" not in text
