"""Feedback after each question: a checked answer is graded at once and locked."""

from decimal import Decimal

import pytest
from django.urls import reverse

from quizzes.models import FeedbackTiming, QuizAttempt
from quizzes.services import AttemptRefused, answer_check, attempt_regrade
from tests.quizzes.factories import (
    QuizPageFactory,
    add_slots,
    choice_key,
    essay,
    single_choice,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def checking_quiz(make_course):
    course, _lessons = make_course(lessons=0)
    quiz = QuizPageFactory(
        parent=course,
        pass_mark=50,
        feedback_timing=FeedbackTiming.EACH_QUESTION,
        layout="per_question",
    )
    questions = [
        single_choice(right="Báo cho thầy cô", wrong=("Chia sẻ tiếp",)),
        single_choice(right="Đặt mật khẩu mạnh", wrong=("Dùng ngày sinh",)),
        essay(),
    ]
    add_slots(quiz, questions)
    return quiz, questions


def _key_for(attempt, question):
    return next(q["key"] for q in attempt.snapshot if q["question_id"] == question.pk)


def _choice(attempt, question, text):
    return choice_key(attempt, question.choices.get(text=text))


def test_checking_an_answer_shows_its_feedback_and_locks_it(
    client, checking_quiz, student
):
    quiz, questions = checking_quiz
    client.force_login(student)
    client.post(quiz.url, {"action": "start"})
    attempt = QuizAttempt.objects.get(user=student)
    first = _key_for(attempt, questions[0])
    page = [q["key"] for q in attempt.snapshot].index(first)
    attempt_url = reverse("lms_quizzes:attempt", args=[attempt.pk])

    before = client.get(attempt_url, {"trang": page}).content.decode()
    assert "Kiểm tra câu trả lời" in before
    assert "Chính xác." not in before and "Chưa đúng." not in before

    wrong = _choice(attempt, questions[0], "Chia sẻ tiếp")
    checked = client.post(
        reverse("lms_quizzes:save", args=[attempt.pk]),
        {first: wrong, "check": first, "page": str(page)},
    )
    assert checked.status_code == 302
    assert checked["Location"].endswith(f"?trang={page}#{first}")
    after = client.get(attempt_url, {"trang": page}).content.decode()
    assert "Chưa đúng." in after  # the chosen answer's feedback
    assert "Báo cho thầy cô" in after and "disabled" in after

    # Changing a checked answer afterwards changes nothing.
    right = _choice(attempt, questions[0], "Báo cho thầy cô")
    client.post(reverse("lms_quizzes:save", args=[attempt.pk]), {first: right})
    response = attempt.responses.get(key=first)
    assert response.answer == wrong and response.score == Decimal("0.00")

    client.post(reverse("lms_quizzes:submit", args=[attempt.pk]), {first: right})
    attempt.refresh_from_db()
    assert attempt.responses.get(key=first).score == Decimal("0.00")


def test_unchecked_questions_keep_their_keys_hidden(client, checking_quiz, student):
    quiz, questions = checking_quiz
    client.force_login(student)
    client.post(quiz.url, {"action": "start"})
    attempt = QuizAttempt.objects.get(user=student)
    first = _key_for(attempt, questions[0])
    client.post(
        reverse("lms_quizzes:save", args=[attempt.pk]),
        {first: _choice(attempt, questions[0], "Báo cho thầy cô"), "check": first},
    )
    second = _key_for(attempt, questions[1])
    page = [q["key"] for q in attempt.snapshot].index(second)
    html = client.get(
        reverse("lms_quizzes:attempt", args=[attempt.pk]), {"trang": page}
    ).content.decode()
    assert "Chính xác." not in html and "Chưa đúng." not in html


def test_essays_and_end_feedback_quizzes_cannot_be_checked(
    checking_quiz, student, make_course
):
    from quizzes.services import attempt_start

    quiz, questions = checking_quiz
    attempt = attempt_start(user=student, quiz=quiz)
    with pytest.raises(AttemptRefused) as refusal:
        answer_check(attempt=attempt, key=_key_for(attempt, questions[2]), answer="x")
    assert refusal.value.reason == "not_checkable"
    with pytest.raises(AttemptRefused) as refusal:
        answer_check(attempt=attempt, key=_key_for(attempt, questions[0]), answer="")
    assert refusal.value.reason == "no_answer"

    course, _lessons = make_course(lessons=0)
    at_end = QuizPageFactory(parent=course)
    add_slots(at_end, [single_choice()])
    other = attempt_start(user=student, quiz=at_end)
    with pytest.raises(AttemptRefused):
        answer_check(attempt=other, key=other.snapshot[0]["key"], answer="c1")


def test_a_regrade_applies_a_fixed_key_to_checked_answers(checking_quiz, student):
    from quizzes.services import attempt_start, attempt_submit

    quiz, questions = checking_quiz
    attempt = attempt_start(user=student, quiz=quiz)
    first = _key_for(attempt, questions[0])
    answer_check(
        attempt=attempt,
        key=first,
        answer=_choice(attempt, questions[0], "Chia sẻ tiếp"),
    )
    attempt = attempt_submit(attempt=attempt)
    # The key was wrong: "Chia sẻ tiếp" was meant to be right.
    questions[0].choices.update(fraction=100)
    attempt_regrade(attempt=attempt, by=None, reason="Sửa đáp án")
    assert attempt.responses.get(key=first).score == Decimal("1.00")


def test_review_shows_results_by_topic(client, make_course, student):
    from quizzes.services import attempt_start, attempt_submit
    from tests.quizzes.factories import QuestionCategoryFactory

    course, _lessons = make_course(lessons=0)
    quiz = QuizPageFactory(parent=course, pass_mark=50)
    law = QuestionCategoryFactory(name="Luật An ninh mạng")
    conduct = QuestionCategoryFactory(name="Ứng xử trên mạng")
    questions = [single_choice(category=law), single_choice(category=conduct)]
    add_slots(quiz, questions)
    attempt = attempt_start(user=student, quiz=quiz)
    answers = {
        _key_for(attempt, questions[0]): _choice(attempt, questions[0], "Đúng"),
        _key_for(attempt, questions[1]): _choice(attempt, questions[1], "Sai 1"),
    }
    attempt_submit(attempt=attempt, answers=answers)
    client.force_login(student)
    html = client.get(reverse("lms_quizzes:review", args=[attempt.pk])).content.decode()
    assert "Kết quả theo chủ đề" in html
    table = html[html.index("results-by-category") :]
    assert "Luật An ninh mạng" in table and "1/1" in table and "0/1" in table
