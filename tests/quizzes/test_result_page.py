"""Submitting with blank questions, and the result page written for the learner."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.services import course_open, lesson_complete
from quizzes.models import Choice, QuizAttempt
from quizzes.results import correct_answers, once
from quizzes.services import attempt_start, attempt_submit
from tests.quizzes.factories import (
    QuizPageFactory,
    add_slots,
    choice_key,
    short_answer,
    single_choice,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz_course(make_course):
    course, lessons = make_course(lessons=1)
    quiz = QuizPageFactory(parent=course, pass_mark=60)
    questions = [single_choice(), single_choice(), single_choice()]
    add_slots(quiz, questions)
    return course, lessons, quiz, questions


def _right(attempt, question):
    return choice_key(attempt, question.choices.get(fraction=100))


def _wrong(attempt, question):
    return choice_key(attempt, question.choices.filter(fraction=0).first())


def _keys(attempt):
    return [question["key"] for question in attempt.snapshot]


# Blank questions before submitting -------------------------------------------


def test_submitting_with_blanks_asks_first_without_script(client, quiz_course, student):
    _course, _lessons, quiz, questions = quiz_course
    attempt = attempt_start(user=student, quiz=quiz)
    first = _keys(attempt)[0]
    client.force_login(student)
    url = reverse("lms_quizzes:submit", args=[attempt.pk])
    response = client.post(url, {first: _right(attempt, questions[0])})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Em còn để trống 2 câu." in html
    assert "Câu 2" in html and "Câu 3" in html
    attempt.refresh_from_db()
    assert attempt.state == "in_progress"
    # The answer given with the submit is kept meanwhile.
    assert attempt.responses.get(key=first).answer == _right(attempt, questions[0])

    response = client.post(url, {"blank_confirmed": "1"})
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.state == "finished" and attempt.score == Decimal("1")


def test_a_complete_submit_goes_straight_to_the_result(client, quiz_course, student):
    _course, _lessons, quiz, questions = quiz_course
    attempt = attempt_start(user=student, quiz=quiz)
    answers = {
        key: _right(attempt, question)
        for key, question in zip(_keys(attempt), questions, strict=True)
    }
    client.force_login(student)
    response = client.post(reverse("lms_quizzes:submit", args=[attempt.pk]), answers)
    assert response.status_code == 302
    assert response["Location"] == reverse("lms_quizzes:review", args=[attempt.pk])


def test_once_time_is_up_blanks_are_submitted_as_they_are(client, quiz_course, student):
    _course, _lessons, quiz, _questions = quiz_course
    attempt = attempt_start(user=student, quiz=quiz)
    QuizAttempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - datetime.timedelta(seconds=5)
    )
    client.force_login(student)
    response = client.post(reverse("lms_quizzes:submit", args=[attempt.pk]), {})
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.state == "finished"


def test_the_attempt_page_carries_the_warning_for_its_script(
    client, quiz_course, student
):
    _course, _lessons, quiz, _questions = quiz_course
    quiz.layout = "per_question"
    quiz.save()
    attempt = attempt_start(user=student, quiz=quiz)
    client.force_login(student)
    html = client.get(reverse("lms_quizzes:attempt", args=[attempt.pk])).content
    html = html.decode()
    # Blank questions on the other pages, for the script to list as well.
    assert 'data-blank-elsewhere="2,3"' in html
    assert 'id="unanswered-warning"' in html and "Em chưa trả lời các câu sau:" in html
    assert "lms_quizzes/attempt.js" in html and "<script>" not in html


# The result page ------------------------------------------------------------


def test_short_answers_are_written_as_alternatives():
    question = {
        "qtype": "short_answer",
        "choices": [
            {"text": "7", "fraction": "1"},
            {"text": "7 tuổi", "fraction": "1"},
            {"text": "bảy", "fraction": "1"},
            {"text": "bảy tuổi", "fraction": "1"},
            {"text": "gần 7", "fraction": "0.5"},
        ],
    }
    assert correct_answers(question) == ["“7”, “7 tuổi”, “bảy” hoặc “bảy tuổi”"]


def test_feedback_is_shown_once():
    assert once(["Xem Điều 8.", "Xem Điều 8.", "", "Xem Điều 9."]) == [
        "Xem Điều 8.",
        "Xem Điều 9.",
    ]


def test_the_result_shows_each_answer_with_a_verdict_in_words_and_icon(
    client, quiz_course, student
):
    _course, _lessons, quiz, questions = quiz_course
    quiz.review_correct_answers = True
    quiz.save()
    Choice.objects.filter(question=questions[1], fraction=100).update(
        text="DAP-AN-DUNG"
    )
    attempt = attempt_start(user=student, quiz=quiz)
    keys = _keys(attempt)
    attempt_submit(
        attempt=attempt,
        answers={
            keys[0]: _right(attempt, questions[0]),
            keys[1]: _wrong(attempt, questions[1]),
        },
    )
    client.force_login(student)
    html = client.get(reverse("lms_quizzes:review", args=[attempt.pk])).content
    html = html.decode()
    assert "Câu trả lời của em" in html
    assert 'class="verdict verdict-right"' in html and "✔" in html
    assert 'class="verdict verdict-wrong"' in html and "✘" in html
    assert "Đúng</strong>" in html and "Chưa đúng</strong>" in html
    assert "Sai 1" in html  # what the learner chose
    assert "DAP-AN-DUNG" in html  # the right answer to the one they missed
    assert "(chưa trả lời)" in html  # the third was left blank
    # One choice's feedback is not repeated.
    assert html.count("Chính xác.") == 1


def test_review_options_still_hide_right_wrong(client, quiz_course, student):
    _course, _lessons, quiz, questions = quiz_course
    quiz.review_right_wrong = False
    quiz.review_feedback = False
    quiz.save()
    attempt = attempt_start(user=student, quiz=quiz)
    attempt_submit(attempt=attempt, answers={})
    client.force_login(student)
    html = client.get(reverse("lms_quizzes:review", args=[attempt.pk])).content
    html = html.decode()
    assert "verdict-wrong" not in html and "Chưa đúng" not in html


def test_a_pass_that_completes_the_course_says_so(client, quiz_course, student):
    course, lessons, quiz, questions = quiz_course
    course_open(user=student, course=course)
    lesson_complete(user=student, lesson=lessons[0], course=course)
    attempt = attempt_start(user=student, quiz=quiz)
    attempt_submit(
        attempt=attempt,
        answers={
            key: _right(attempt, question)
            for key, question in zip(_keys(attempt), questions, strict=True)
        },
    )
    client.force_login(student)
    html = client.get(reverse("lms_quizzes:review", args=[attempt.pk])).content
    html = html.decode()
    assert "Khóa học đã hoàn thành" in html
    assert f'href="{course.url}"' in html  # back to the course
    assert 'name="action" value="start"' not in html  # passed: no retake offered


def test_a_pass_with_a_certificate_says_it_is_ready(
    client, quiz_course, student, monkeypatch
):
    from certificates import learner

    course, lessons, quiz, questions = quiz_course
    monkeypatch.setattr(
        learner,
        "course_certificate",
        lambda request, status: {"ready": True, "url": "/chung-nhan/1/pdf/"},
    )
    from wagtail import hooks

    monkeypatch.setitem(
        hooks._hooks,
        "lms_course_certificate",
        [(learner.course_certificate, 0)],
    )
    course_open(user=student, course=course)
    lesson_complete(user=student, lesson=lessons[0], course=course)
    attempt = attempt_start(user=student, quiz=quiz)
    attempt_submit(
        attempt=attempt,
        answers={
            key: _right(attempt, question)
            for key, question in zip(_keys(attempt), questions, strict=True)
        },
    )
    client.force_login(student)
    html = client.get(reverse("lms_quizzes:review", args=[attempt.pk])).content
    html = html.decode()
    assert "Khóa học đã hoàn thành – giấy chứng nhận của em đã sẵn sàng." in html
    assert 'href="/chung-nhan/1/pdf/"' in html


def test_a_fail_offers_a_retake_and_says_what_is_left(client, quiz_course, student):
    course, lessons, quiz, _questions = quiz_course
    attempt = attempt_start(user=student, quiz=quiz)
    attempt_submit(attempt=attempt, answers={})
    client.force_login(student)
    html = client.get(reverse("lms_quizzes:review", args=[attempt.pk])).content
    html = html.decode()
    assert "Chưa đạt" in html and "✘" in html
    assert 'name="action" value="start"' in html and "Làm lại" in html
    assert "Để hoàn thành khóa học, em còn cần làm:" in html
    assert lessons[0].title in html


def test_no_retake_once_the_attempts_are_used_up(client, quiz_course, student):
    _course, _lessons, quiz, _questions = quiz_course
    quiz.attempts_allowed = 1
    quiz.save()
    attempt = attempt_start(user=student, quiz=quiz)
    attempt_submit(attempt=attempt, answers={})
    client.force_login(student)
    html = client.get(reverse("lms_quizzes:review", args=[attempt.pk])).content
    assert 'name="action" value="start"' not in html.decode()


def test_short_answer_result_lists_the_accepted_answers(client, make_course, student):
    course, _lessons = make_course(lessons=0)
    quiz = QuizPageFactory(parent=course, review_correct_answers=True)
    add_slots(
        quiz,
        [short_answer(answers=(("7", 100), ("7 tuổi", 100), ("bảy", 100)))],
    )
    attempt = attempt_start(user=student, quiz=quiz)
    attempt_submit(attempt=attempt, answers={attempt.snapshot[0]["key"]: "8"})
    client.force_login(student)
    html = client.get(reverse("lms_quizzes:review", args=[attempt.pk])).content
    html = html.decode()
    assert "“7”, “7 tuổi” hoặc “bảy”" in html
    assert "7 | 7 tuổi" not in html


def test_answers_never_show_before_the_attempt_is_submitted(
    client, quiz_course, student
):
    _course, _lessons, quiz, _questions = quiz_course
    quiz.review_correct_answers = True
    quiz.save()
    attempt = attempt_start(user=student, quiz=quiz)
    client.force_login(student)
    response = client.get(reverse("lms_quizzes:review", args=[attempt.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("lms_quizzes:attempt", args=[attempt.pk])


def test_pages_of_an_adult_course_address_the_reader_as_ban(
    client, make_course, make_learner
):
    from lms.people.models import Role

    teacher = make_learner(username="gv", role=Role.TEACHER)
    course, _lessons = make_course(lessons=0, for_students=False, for_teachers=True)
    quiz = QuizPageFactory(parent=course)
    add_slots(quiz, [single_choice(), single_choice()])
    attempt = attempt_start(user=teacher, quiz=quiz)
    client.force_login(teacher)
    confirm = client.post(reverse("lms_quizzes:submit", args=[attempt.pk]), {})
    assert "Bạn còn để trống 2 câu." in confirm.content.decode()
    client.post(
        reverse("lms_quizzes:submit", args=[attempt.pk]), {"blank_confirmed": "1"}
    )
    html = client.get(reverse("lms_quizzes:review", args=[attempt.pk])).content
    assert "Câu trả lời của bạn" in html.decode()
    assert "của em" not in html.decode()
    assert "Các lượt làm của bạn" in client.get(quiz.url).content.decode()


def test_the_verdict_follows_moodles_tolerance():
    """A fraction above 0.999999 is right, below 0.000001 wrong, partly right
    between (Moodle's question_state::graded_state_for_fraction)."""
    from decimal import Decimal

    from quizzes.results import PARTLY, RIGHT, WRONG, verdict

    question = {"points": "2"}
    assert verdict(question, Decimal("1.9999998"), pending=False) == RIGHT
    assert verdict(question, Decimal("1.999998"), pending=False) == PARTLY
    assert verdict(question, Decimal("0.00001"), pending=False) == PARTLY
    assert verdict(question, Decimal("0"), pending=False) == WRONG
    assert verdict(question, Decimal("-0.5"), pending=False) == WRONG
    assert verdict(question, None, pending=False) == WRONG


def test_three_thirds_of_a_stored_question_are_right(db):
    """Credits keep seven places of a fraction, as Moodle's do: three choices
    of 33.33333 % each make a right answer, not a partly right one."""
    from quizzes.grading import grade
    from quizzes.models import Choice
    from quizzes.results import RIGHT, verdict
    from quizzes.snapshots import question_snapshot

    from .factories import QuestionFactory

    question = QuestionFactory(qtype="multiple_choice")
    for text in ("A", "B", "C"):
        Choice.objects.create(question=question, text=text, fraction="33.33333")
    Choice.objects.create(question=question, text="D", fraction=-100)
    question.refresh_from_db()
    snapshot = question_snapshot(question, key="q1", shuffle_choices=False, rng=None)
    chosen = [c["key"] for c in snapshot["choices"] if c["text"] != "D"]
    mark = grade(snapshot, chosen)
    assert verdict(snapshot, mark.score, pending=False) == RIGHT
