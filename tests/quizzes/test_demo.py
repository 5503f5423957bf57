"""The demo quizzes speak in their course's voice: "em" to pupils, "bạn" to adults."""

import pytest
from django.utils.html import strip_tags

from quizzes.demo import seed_quizzes

pytestmark = pytest.mark.django_db


def _said(quiz) -> str:
    return strip_tags(" ".join([quiz.intro, quiz.success_text, quiz.failure_text]))


def test_the_demo_quiz_of_a_staff_course_says_ban(make_course):
    course, _lessons = make_course(
        lessons=1,
        slug="ky-nang-so-cho-giao-vien-va-cong-tac-vien",
        for_students=False,
        for_teachers=True,
        for_collaborators=True,
    )
    (quiz,) = seed_quizzes(courses=[course], draw=3)
    said = _said(quiz)
    assert "Bạn có thể làm lại." in said
    assert "Chúc mừng bạn" in said
    assert " em " not in f" {said.lower()} "


def test_the_demo_quiz_of_a_student_course_says_em(make_course):
    course, _lessons = make_course(lessons=1, slug="luat-an-ninh-mang-cho-hoc-sinh")
    (quiz,) = seed_quizzes(courses=[course], draw=3)
    said = _said(quiz)
    assert "Em có thể làm lại." in said
    assert "Chúc mừng em" in said
    assert "bạn" not in said.lower()
