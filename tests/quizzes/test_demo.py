"""The demo quizzes speak in their course's voice: "em" to pupils, "bạn" to adults."""

import pytest
from django.utils.html import strip_tags

from courses.packs.demo import DEMO_PACKS
from courses.packs.services import import_course, read_pack
from quizzes.models import QuizPage

pytestmark = pytest.mark.django_db


def _said(slug: str, catalogue) -> str:
    pack = read_pack(DEMO_PACKS / "library" / slug)
    course = import_course(pack, catalogue=catalogue).course
    (quiz,) = QuizPage.objects.child_of(course)
    return strip_tags(" ".join([quiz.intro, quiz.success_text, quiz.failure_text]))


def test_the_demo_quiz_of_a_staff_course_says_ban(catalogue):
    said = _said("ky-nang-so-cho-giao-vien-va-cong-tac-vien", catalogue)
    assert "Bạn có thể làm lại." in said
    assert "Chúc mừng bạn" in said
    assert " em " not in f" {said.lower()} "


def test_the_demo_quiz_of_a_student_course_says_em(catalogue):
    said = _said("luat-an-ninh-mang-cho-hoc-sinh", catalogue)
    assert "Em có thể làm lại." in said
    assert "Chúc mừng em" in said
    assert "bạn" not in said.lower()
