"""Attempt flows through the learner pages and the services behind them."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import CourseCompletion
from courses.services import course_open, lesson_complete
from lms.people.models import Role
from quizzes.models import AttemptState, Choice, QuizAttempt, QuizGrade
from quizzes.services import (
    AttemptRefused,
    answers_save,
    attempt_regrade,
    attempt_start,
    attempt_submit,
    essay_grade,
    overdue_attempts_close,
)
from tests.people.factories import SchoolClassFactory
from tests.quizzes.factories import (
    QuizPageFactory,
    add_draw,
    add_slots,
    choice_key,
    essay,
    matching,
    multiple_choice,
    pair_key,
    short_answer,
    single_choice,
    true_false,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz_course(make_course):
    course, lessons = make_course(lessons=1)
    quiz = QuizPageFactory(parent=course, pass_mark=70)
    questions = [single_choice() for _ in range(3)]
    add_slots(quiz, questions)
    return course, lessons, quiz, questions


def right_key(question, attempt):
    return choice_key(attempt, question.choices.get(fraction=100))


def wrong_key(question, attempt):
    return choice_key(attempt, question.choices.filter(fraction=0).first())


def answer_all(attempt, questions, right=True):
    by_id = {q["question_id"]: q["key"] for q in attempt.snapshot}
    return {
        by_id[question.pk]: right_key(question, attempt)
        if right
        else wrong_key(question, attempt)
        for question in questions
    }


def test_start_autosave_resume_submit_through_the_pages(client, quiz_course, student):
    course, _lessons, quiz, questions = quiz_course
    client.force_login(student)
    response = client.post(quiz.url, {"action": "start"})
    attempt = QuizAttempt.objects.get(user=student)
    assert response["Location"] == reverse("lms_quizzes:attempt", args=[attempt.pk])

    first_key = attempt.snapshot[0]["key"]
    first_question = next(
        q for q in questions if q.pk == attempt.snapshot[0]["question_id"]
    )
    saved = client.post(
        reverse("lms_quizzes:save", args=[attempt.pk]),
        {first_key: right_key(first_question, attempt)},
        HTTP_ACCEPT="application/json",
    )
    assert saved.json()["saved"] == 1

    # The tab is closed; the learner comes back and the answer is still there.
    client.post(quiz.url, {"action": "start"})
    assert QuizAttempt.objects.filter(user=student).count() == 1
    page = client.get(
        reverse("lms_quizzes:attempt", args=[attempt.pk])
    ).content.decode()
    assert f'value="{right_key(first_question, attempt)}" checked' in page

    client.post(
        reverse("lms_quizzes:submit", args=[attempt.pk]), answer_all(attempt, questions)
    )
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.FINISHED
    assert attempt.percent == Decimal("100.00") and attempt.passed
    review = client.get(
        reverse("lms_quizzes:review", args=[attempt.pk])
    ).content.decode()
    assert "100%" in review


def test_attempt_page_carries_no_answer_key(client, quiz_course, student):
    _course, _lessons, quiz, questions = quiz_course
    tf = true_false(
        correct=True, feedback_true="PHAN-HOI-DUNG", feedback_false="PHAN-HOI-SAI"
    )
    sa = short_answer(answers=(("DAP-AN-NGAN", 100),))
    add_slots(quiz, [tf, sa])
    for question in questions:
        Choice.objects.filter(question=question, fraction=100).update(
            feedback="PHAN-HOI-A"
        )
    client.force_login(student)
    client.post(quiz.url, {"action": "start"})
    attempt = QuizAttempt.objects.get(user=student)
    html = client.get(
        reverse("lms_quizzes:attempt", args=[attempt.pk])
    ).content.decode()
    for secret in (
        "PHAN-HOI",
        "DAP-AN-NGAN",
        "fraction",
        "correct",
        "100.00",
        "feedback",
    ):
        assert secret not in html, secret


def test_double_submit_grades_once(quiz_course, student):
    _course, _lessons, quiz, questions = quiz_course
    attempt = attempt_start(user=student, quiz=quiz)
    first = attempt_submit(attempt=attempt, answers=answer_all(attempt, questions))
    second = attempt_submit(
        attempt=attempt,
        answers=answer_all(attempt, questions, right=False),
    )
    assert first.submitted_at == second.submitted_at
    assert second.percent == Decimal("100.00")


def test_deadline_grades_only_answers_saved_before_it(quiz_course, student):
    _course, _lessons, quiz, questions = quiz_course
    quiz.time_limit_minutes = 10
    quiz.save()
    start = timezone.now()
    attempt = attempt_start(user=student, quiz=quiz, now=start)
    answers = answer_all(attempt, questions)
    keys = list(answers)
    answers_save(attempt=attempt, answers={keys[0]: answers[keys[0]]}, now=start)
    late = start + datetime.timedelta(minutes=10, seconds=30)
    with pytest.raises(AttemptRefused):
        answers_save(attempt=attempt, answers=answers, now=late)
    submitted = attempt_submit(attempt=attempt, answers=answers, now=late)
    assert submitted.score == Decimal("1.00")
    assert submitted.submitted_at == late  # within the grace period


def test_overdue_attempts_are_closed_at_their_deadline(quiz_course, student):
    _course, _lessons, quiz, questions = quiz_course
    quiz.time_limit_minutes = 5
    quiz.save()
    start = timezone.now() - datetime.timedelta(minutes=30)
    attempt = attempt_start(user=student, quiz=quiz, now=start)
    answers = answer_all(attempt, questions)
    answers_save(
        attempt=attempt, answers=answers, now=start + datetime.timedelta(minutes=1)
    )
    assert overdue_attempts_close() == 1
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.FINISHED
    assert attempt.submitted_at == attempt.deadline
    assert attempt.percent == Decimal("100.00")


def test_attempts_limit(quiz_course, student):
    _course, _lessons, quiz, _questions = quiz_course
    quiz.attempts_allowed = 1
    quiz.save()
    attempt = attempt_start(user=student, quiz=quiz)
    attempt_submit(attempt=attempt)
    with pytest.raises(AttemptRefused) as refusal:
        attempt_start(user=student, quiz=quiz)
    assert refusal.value.reason == "no_attempts_left"


def test_delay_between_attempts(quiz_course, student):
    _course, _lessons, quiz, _questions = quiz_course
    quiz.delay_minutes = 30
    quiz.save()
    attempt = attempt_start(user=student, quiz=quiz)
    attempt_submit(attempt=attempt)
    with pytest.raises(AttemptRefused) as refusal:
        attempt_start(user=student, quiz=quiz)
    assert refusal.value.reason == "wait"
    later = timezone.now() + datetime.timedelta(minutes=31)
    assert attempt_start(user=student, quiz=quiz, now=later).number == 2


def test_closed_quiz_refuses_new_attempts(quiz_course, student):
    _course, _lessons, quiz, _questions = quiz_course
    quiz.closes_at = timezone.now() - datetime.timedelta(days=1)
    quiz.save()
    with pytest.raises(AttemptRefused) as refusal:
        attempt_start(user=student, quiz=quiz)
    assert refusal.value.reason == "closed"


@pytest.mark.parametrize(
    "method, expected, passed",
    [
        ("highest", Decimal("100.00"), True),
        ("last", Decimal("33.33"), False),
        ("first", Decimal("100.00"), True),
        ("average", Decimal("66.67"), False),
    ],
)
def test_grading_methods(quiz_course, student, method, expected, passed):
    _course, _lessons, quiz, questions = quiz_course
    quiz.grading_method = method
    quiz.save()
    first = attempt_start(user=student, quiz=quiz)
    attempt_submit(attempt=first, answers=answer_all(first, questions))
    second = attempt_start(user=student, quiz=quiz)
    answers = answer_all(second, questions, right=False)
    key = next(iter(answers))
    question = next(
        q
        for q in questions
        if q.pk == next(s["question_id"] for s in second.snapshot if s["key"] == key)
    )
    answers[key] = right_key(question, second)
    attempt_submit(attempt=second, answers=answers)
    grade_row = QuizGrade.objects.get(user=student, quiz=quiz)
    assert grade_row.percent == expected
    assert grade_row.passed is passed


def test_passing_the_required_quiz_completes_the_course(quiz_course, student):
    course, lessons, quiz, questions = quiz_course
    course_open(user=student, course=course)
    lesson_complete(user=student, lesson=lessons[0], course=course)
    assert not CourseCompletion.objects.exists()
    failed = attempt_start(user=student, quiz=quiz)
    attempt_submit(
        attempt=failed,
        answers=answer_all(failed, questions, right=False),
    )
    assert not CourseCompletion.objects.exists()
    passed = attempt_start(user=student, quiz=quiz)
    attempt_submit(attempt=passed, answers=answer_all(passed, questions))
    assert CourseCompletion.objects.filter(user=student, course=course).exists()
    # A later, worse attempt under "highest" grading never undoes the pass.
    worse = attempt_start(user=student, quiz=quiz)
    attempt_submit(
        attempt=worse,
        answers=answer_all(worse, questions, right=False),
    )
    assert QuizGrade.objects.get(user=student, quiz=quiz).passed
    assert CourseCompletion.objects.filter(user=student, course=course).exists()


def test_snapshot_keeps_past_results_after_edits(quiz_course, student):
    _course, _lessons, quiz, questions = quiz_course
    attempt = attempt_start(user=student, quiz=quiz)
    attempt_submit(attempt=attempt, answers=answer_all(attempt, questions))
    question = questions[0]
    Choice.objects.filter(question=question).update(fraction=0)
    question.text = "<p>Đã sửa</p>"
    question.save()
    attempt.refresh_from_db()
    assert attempt.percent == Decimal("100.00")
    assert "Đã sửa" not in str(attempt.snapshot)


def test_deleting_a_question_keeps_past_reviews(client, quiz_course, student):
    _course, _lessons, quiz, questions = quiz_course
    attempt = attempt_start(user=student, quiz=quiz)
    attempt_submit(attempt=attempt, answers=answer_all(attempt, questions))
    quiz.slots.all().delete()
    for question in questions:
        question.delete()
    client.force_login(student)
    review = client.get(reverse("lms_quizzes:review", args=[attempt.pk]))
    assert review.status_code == 200 and "100%" in review.content.decode()


def test_regrade_after_fixing_the_key_is_recorded(quiz_course, student, make_learner):
    _course, _lessons, quiz, questions = quiz_course
    attempt = attempt_start(user=student, quiz=quiz)
    answers = answer_all(attempt, questions, right=False)
    attempt = attempt_submit(attempt=attempt, answers=answers)
    assert attempt.score == Decimal("0.00")
    # The key was wrong: the "wrong" answers the learner gave were in fact right.
    for question in questions:
        Choice.objects.filter(question=question).update(fraction=100)
    admin = make_learner("qt", role=Role.SCHOOL_ADMIN)
    regrade = attempt_regrade(attempt=attempt, by=admin, reason="Sửa đáp án")
    attempt.refresh_from_db()
    assert attempt.score == Decimal("3.00") and attempt.passed
    assert regrade.old_score == Decimal("0.00") and regrade.done_by == admin


def test_essay_goes_to_a_teacher_who_can_see_the_learner(
    quiz_course, student, make_learner
):
    _course, _lessons, quiz, questions = quiz_course
    question = essay()
    add_slots(quiz, [question])
    attempt = attempt_start(user=student, quiz=quiz)
    answers = answer_all(attempt, questions)
    essay_key = next(s["key"] for s in attempt.snapshot if s["qtype"] == "essay")
    answers[essay_key] = "Em sẽ báo cho thầy cô và không chia sẻ tin giả."
    attempt = attempt_submit(attempt=attempt, answers=answers)
    assert attempt.state == AttemptState.NEEDS_GRADING and not attempt.passed
    response = attempt.responses.get(key=essay_key)

    stranger = make_learner(
        "gv_khac",
        role=Role.HOMEROOM_TEACHER,
        school_class_=SchoolClassFactory(name="12C9"),
    )
    with pytest.raises(AttemptRefused):
        essay_grade(response=response, grader=stranger, score=Decimal("5"))
    homeroom = make_learner("gvcn", role=Role.HOMEROOM_TEACHER)
    essay_grade(response=response, grader=homeroom, score=Decimal("4"), comment="Tốt")
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.FINISHED
    assert attempt.score == Decimal("7.00") and attempt.percent == Decimal("87.50")


def test_random_draws_are_frozen_per_attempt(make_course, student):
    from tests.quizzes.factories import QuestionCategoryFactory

    course, _lessons = make_course(lessons=0)
    bank = QuestionCategoryFactory(name="Luật ANM")
    pool = [single_choice(category=bank) for _ in range(8)]
    quiz = QuizPageFactory(parent=course)
    add_draw(quiz, bank, 5)
    attempt = attempt_start(user=student, quiz=quiz)
    drawn = [q["question_id"] for q in attempt.snapshot]
    assert len(drawn) == 5 and len(set(drawn)) == 5
    assert set(drawn) <= {q.pk for q in pool}
    attempt.refresh_from_db()
    assert [q["question_id"] for q in attempt.snapshot] == drawn


def test_every_type_round_trips_through_the_attempt_page(client, make_course, student):
    course, _lessons = make_course(lessons=0)
    quiz = QuizPageFactory(parent=course, pass_mark=50)
    mc, tf, sa, mt = (
        multiple_choice(),
        true_false(correct=False),
        short_answer(),
        matching(),
    )
    add_slots(quiz, [mc, tf, sa, mt])
    client.force_login(student)
    client.post(quiz.url, {"action": "start"})
    attempt = QuizAttempt.objects.get(user=student)
    keys = {s["question_id"]: s["key"] for s in attempt.snapshot}
    pairs = {p.prompt: pair_key(attempt, p) for p in mt.pairs.all()}
    data = {
        keys[mc.pk]: [choice_key(attempt, c) for c in mc.choices.filter(fraction=50)],
        f"{keys[mc.pk]}__present": "1",
        keys[tf.pk]: "false",
        keys[sa.pk]: "luật an ninh mạng",
        f"{keys[mt.pk]}__{pairs['Điều 8']}": "Hành vi bị cấm",
        f"{keys[mt.pk]}__{pairs['Điều 29']}": "Bảo vệ trẻ em",
    }
    client.post(reverse("lms_quizzes:submit", args=[attempt.pk]), data)
    attempt.refresh_from_db()
    assert attempt.percent == Decimal("100.00"), attempt.responses.values(
        "key", "answer", "score"
    )


def test_another_learners_attempt_answers_404(
    client, quiz_course, student, make_learner
):
    _course, _lessons, quiz, _questions = quiz_course
    attempt = attempt_start(user=student, quiz=quiz)
    client.force_login(make_learner("other"))
    for name in ("attempt", "review"):
        assert (
            client.get(reverse(f"lms_quizzes:{name}", args=[attempt.pk])).status_code
            == 404
        )
    for name in ("save", "submit"):
        assert (
            client.post(reverse(f"lms_quizzes:{name}", args=[attempt.pk])).status_code
            == 404
        )


def test_review_options_hide_correct_answers_until_allowed(
    client, quiz_course, student
):
    _course, _lessons, quiz, questions = quiz_course
    Choice.objects.filter(fraction=100).update(text="DAP-AN-DUNG")
    quiz.review_correct_answers = False
    quiz.review_feedback = False
    quiz.save()
    attempt = attempt_start(user=student, quiz=quiz)
    attempt_submit(
        attempt=attempt,
        answers=answer_all(attempt, questions, right=False),
    )
    client.force_login(student)
    url = reverse("lms_quizzes:review", args=[attempt.pk])
    html = client.get(url).content.decode()
    assert "DAP-AN-DUNG" not in html and "Chưa đúng." not in html
    quiz.review_correct_answers = True
    quiz.review_feedback = True
    quiz.save()
    html = client.get(url).content.decode()
    assert "DAP-AN-DUNG" in html and "Chưa đúng." in html
