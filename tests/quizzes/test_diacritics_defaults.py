"""Diacritic-insensitive short answers: the question's own setting, else its
category's (nearest ancestor), else the quiz's, else off; imports can turn it
on for what they create."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from lms.people.models import Role, School
from quizzes.grading import grade, short_answer_matches
from quizzes.models import Question, QuestionCategory
from quizzes.services import attempt_regrade, attempt_start, attempt_submit
from tests.quizzes.factories import (
    QuestionCategoryFactory,
    QuizPageFactory,
    add_slots,
    short_answer,
)

pytestmark = pytest.mark.django_db


def _on(accepted, given, *, case_sensitive=False):
    return short_answer_matches(
        accepted, given, ignore_case=not case_sensitive, ignore_diacritics=True
    )


# What "ignore diacritics" accepts ------------------------------------------


@pytest.mark.parametrize("given", ["ma", "má", "mà", "mả", "mã", "mạ", "MA"])
def test_words_that_differ_only_by_their_marks_all_match_when_on(given):
    assert _on("ma", given)
    assert _on("mã", given)


@pytest.mark.parametrize("given", ["má", "mà", "mã"])
def test_words_that_differ_only_by_their_marks_do_not_match_when_off(given):
    assert not short_answer_matches(
        "ma", given, ignore_case=True, ignore_diacritics=False
    )


def test_letter_marks_are_ignored_too_when_on():
    # ư, ơ, â, ă, ê, ô lose their marks as the tones do.
    assert _on("tư", "tu") and _on("từ", "tu") and _on("tự", "tứ")
    assert _on("Nguyễn Văn Ân", "nguyen van an")


def test_d_with_stroke_matches_plain_d_when_on_and_keeps_its_case():
    assert _on("Điều 8", "dieu 8")
    assert _on("đường", "Duong")
    assert _on("Điều 8", "Dieu 8", case_sensitive=True)
    assert not _on("Điều 8", "dieu 8", case_sensitive=True)
    assert not short_answer_matches(
        "Điều 8", "dieu 8", ignore_case=True, ignore_diacritics=False
    )


# Which setting applies ------------------------------------------------------


def _category(ignore=None, parent=None):
    category = QuestionCategoryFactory(parent=parent)
    category.ignore_diacritics = ignore
    category.save()
    return category


@pytest.mark.parametrize(
    "question, category, parent, quiz, expected",
    [
        (None, None, None, False, False),
        (None, None, None, True, True),
        (None, None, True, False, True),
        (None, False, True, True, False),
        (None, True, None, False, True),
        (True, False, False, False, True),
        (False, True, True, True, False),
    ],
)
def test_the_question_then_the_category_then_the_quiz_decides(
    question, category, parent, quiz, expected
):
    top = _category(parent)
    leaf = _category(category, parent=top)
    asked = short_answer(answers=(("Điều 8", 100),), category=leaf)
    asked.ignore_diacritics = question
    asked.save()
    assert asked.ignore_diacritics_for(quiz_default=quiz) is expected


def test_an_attempt_keeps_the_setting_of_the_quiz_it_was_taken_in(make_course, student):
    course, _lessons = make_course(lessons=0)
    quiz = QuizPageFactory(parent=course, ignore_diacritics=True, pass_mark=50)
    add_slots(quiz, [short_answer(answers=(("Luật An ninh mạng", 100),))])
    attempt = attempt_start(user=student, quiz=quiz)
    assert attempt.snapshot[0]["ignore_diacritics"] is True
    attempt = attempt_submit(
        attempt=attempt, answers={attempt.snapshot[0]["key"]: "luat an ninh mang"}
    )
    assert attempt.percent == Decimal("100.00") and attempt.passed


def test_a_quiz_without_the_setting_still_needs_the_marks(make_course, student):
    course, _lessons = make_course(lessons=0)
    quiz = QuizPageFactory(parent=course, pass_mark=50)
    add_slots(quiz, [short_answer(answers=(("Luật An ninh mạng", 100),))])
    attempt = attempt_start(user=student, quiz=quiz)
    attempt = attempt_submit(
        attempt=attempt, answers={attempt.snapshot[0]["key"]: "luat an ninh mang"}
    )
    assert attempt.percent == Decimal("0.00") and not attempt.passed


def test_a_regrade_applies_the_category_setting_turned_on_later(
    make_course, student, make_learner
):
    course, _lessons = make_course(lessons=0)
    quiz = QuizPageFactory(parent=course, pass_mark=50)
    category = _category()
    add_slots(quiz, [short_answer(answers=(("Điều 8", 100),), category=category)])
    attempt = attempt_start(user=student, quiz=quiz)
    attempt = attempt_submit(
        attempt=attempt, answers={attempt.snapshot[0]["key"]: "dieu 8"}
    )
    assert attempt.percent == Decimal("0.00")
    category.ignore_diacritics = True
    category.save()
    teacher = make_learner("gv", role=Role.SCHOOL_ADMIN)
    attempt_regrade(attempt=attempt, by=teacher)
    attempt.refresh_from_db()
    assert attempt.percent == Decimal("100.00")


def test_questions_that_were_off_follow_their_category_after_the_migration():
    # Before the defaults, "off" was every question's value; the migration
    # leaves such questions unset so categories and quizzes can decide.
    from importlib import import_module

    from django.apps import apps

    migration = import_module("quizzes.migrations.0016_diacritics_defaults")
    asked = short_answer()
    Question.objects.filter(pk=asked.pk).update(ignore_diacritics=False)
    migration.unset_off_questions(apps, None)
    asked.refresh_from_db()
    assert asked.ignore_diacritics is None


# Imports ---------------------------------------------------------------------

GIFT = """\
::Điền::Tên luật?{=Luật An ninh mạng}

::Chọn::Chọn một.{=Đúng ~Sai}
"""


def _import_command(tmp_path, *options):
    path = tmp_path / "bank.gift.txt"
    path.write_text(GIFT)
    call_command(
        "import_questions", str(path), "--format", "gift", *options, stdout=StringIO()
    )
    return {q.qtype: q.ignore_diacritics for q in Question.objects.all()}


def test_import_command_can_make_short_answers_ignore_diacritics(tmp_path):
    flags = _import_command(tmp_path, "--ignore-diacritics")
    assert flags == {"short_answer": True, "single_choice": None}


def test_import_command_leaves_the_setting_to_category_and_quiz_by_default(
    tmp_path,
):
    flags = _import_command(tmp_path)
    assert flags == {"short_answer": None, "single_choice": None}
    assert QuestionCategory.objects.get().ignore_diacritics is None


def test_admin_import_preview_offers_the_choice_in_vietnamese_and_keeps_it(
    client, make_learner
):
    admin = make_learner("qtt", role=Role.SCHOOL_ADMIN)
    client.force_login(admin)
    form_page = client.get(reverse("lms_quizzes_import")).content.decode()
    assert "Câu trả lời ngắn bỏ qua dấu tiếng Việt" in form_page
    owner = School.objects.order_by("pk").first()
    preview = client.post(
        reverse("lms_quizzes_import"),
        {
            "file": SimpleUploadedFile("bank.gift.txt", GIFT.encode()),
            "fmt": "gift",
            "owner": owner.pk if owner else "",
            "ignore_diacritics": "on",
        },
    )
    assert "sẽ bỏ qua dấu tiếng Việt" in preview.content.decode()
    client.post(reverse("lms_quizzes_import"), {"token": preview.context["token"]})
    assert Question.objects.get(qtype="short_answer").ignore_diacritics is True
    question = Question.objects.get(qtype="short_answer")
    attempt_like = {
        "key": "q1",
        "qtype": "short_answer",
        "points": "1",
        "general_feedback": "",
        "choices": [
            {"key": "a", "text": c.text, "fraction": "1", "feedback": ""}
            for c in question.choices.all()
        ],
        "ignore_diacritics": question.ignore_diacritics_for(),
    }
    assert grade(attempt_like, "luat an ninh mang").score == 1
