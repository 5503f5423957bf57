"""Scores as Moodle computes them: full-precision marks summed before
rounding, the shown percentage decides pass/fail, first/last attempt wait
for essay grading, negative single-answer weights, first-match short answers."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse

from courses.models import CourseCompletion
from lms.people.models import Role
from quizzes.grading import grade, short_answer_matches
from quizzes.models import (
    AttemptState,
    GradingMethod,
    MatchPair,
    QuizAttempt,
    QuizGrade,
)
from quizzes.services import attempt_start, attempt_submit, essay_grade
from tests.quizzes.factories import (
    QuestionFactory,
    QuizPageFactory,
    add_slots,
    essay,
    pair_key,
    true_false,
)

pytestmark = pytest.mark.django_db


def q(qtype, **extra):
    return {"key": "q1", "qtype": qtype, "points": "1", "general_feedback": "", **extra}


# Grading one answer (no database) ------------------------------------------


def test_a_matching_mark_keeps_full_precision():
    question = q(
        "matching",
        pairs=[
            {"key": "p1", "prompt": "A", "answer": "1"},
            {"key": "p2", "prompt": "B", "answer": "2"},
            {"key": "p3", "prompt": "C", "answer": "3"},
        ],
        answer_pool=["1", "2", "3"],
    )
    mark = grade(question, {"p1": "1", "p2": "2", "p3": "1"})
    assert mark.score == Decimal("0.6666667")
    assert mark.fraction == Decimal("0.6666667")


def test_a_negative_weight_on_the_chosen_single_answer_lowers_the_mark():
    question = q(
        "single_choice",
        choices=[
            {"key": "r", "text": "R", "fraction": "1", "feedback": ""},
            {"key": "w", "text": "W", "fraction": "-0.3333333", "feedback": ""},
        ],
    )
    assert grade(question, "w").score == Decimal("-0.3333333")
    assert grade(question, None).score == 0


def test_short_answer_takes_the_first_matching_answer_in_order():
    question = q(
        "short_answer",
        choices=[
            {"key": "a", "text": "Hà*", "fraction": "0.5", "feedback": "Gần đúng."},
            {"key": "b", "text": "Hà Nội", "fraction": "1", "feedback": "Đúng."},
        ],
    )
    mark = grade(question, "Hà Nội")
    assert mark.score == Decimal("0.5")
    assert mark.feedback == ["Gần đúng."]


def test_an_escaped_star_in_a_short_answer_is_a_literal_star():
    def matches(accepted, given):
        return short_answer_matches(
            accepted, given, ignore_case=True, ignore_diacritics=False
        )

    assert matches("5\\*3", "5*3")
    assert not matches("5\\*3", "543")
    assert matches("5*3", "543")
    assert matches("a**b", "a-x-b")
    assert matches("[?]", "[?]")
    assert not matches("[?]", "?")


# The attempt total and the shown percentage --------------------------------


def _matching(prompts=("A", "B", "C")):
    question = QuestionFactory(qtype="matching")
    pairs = [
        MatchPair.objects.create(question=question, prompt=p, answer=f"Đáp án {p}")
        for p in prompts
    ]
    return question, pairs


def test_three_matching_questions_at_two_thirds_fail_a_pass_mark_of_67(
    make_course, student
):
    course, _lessons = make_course(lessons=0)
    quiz = QuizPageFactory(parent=course, pass_mark=67)
    built = [_matching() for _ in range(3)]
    add_slots(quiz, [question for question, _pairs in built])
    attempt = attempt_start(user=student, quiz=quiz)
    answers = {}
    for (_question, pairs), shown in zip(built, attempt.snapshot, strict=True):
        answers[shown["key"]] = {
            pair_key(attempt, pairs[0]): pairs[0].answer,
            pair_key(attempt, pairs[1]): pairs[1].answer,
            pair_key(attempt, pairs[2]): pairs[0].answer,
        }
    attempt_submit(attempt=attempt, answers=answers)
    attempt.refresh_from_db()
    assert attempt.score == Decimal("2.00000")
    assert attempt.percent == Decimal("66.67")
    assert attempt.passed is False
    assert QuizGrade.objects.get(user=student, quiz=quiz).passed is False
    assert not CourseCompletion.objects.filter(user=student).exists()


@pytest.mark.parametrize(
    "stored, shown",
    [("70.00", "70"), ("69.50", "69,5"), ("66.67", "66,67"), ("100", "100")],
)
def test_the_percentage_is_shown_as_stored_without_rounding(stored, shown):
    from django.utils import translation

    with translation.override("vi"):
        html = Template("{% load lms_scores %}{{ value|shown_percent }}").render(
            Context({"value": Decimal(stored)})
        )
    assert html == shown


def test_the_review_page_shows_the_percentage_that_decided_the_result(
    client, make_course, student
):
    course, _lessons = make_course(lessons=0)
    quiz = QuizPageFactory(parent=course, pass_mark=70)
    add_slots(quiz, [true_false(correct=True)])
    attempt = attempt_start(user=student, quiz=quiz)
    attempt_submit(attempt=attempt, answers={attempt.snapshot[0]["key"]: "false"})
    QuizAttempt.objects.filter(pk=attempt.pk).update(
        percent=Decimal("69.50"), passed=False
    )
    client.force_login(student)
    html = client.get(reverse("lms_quizzes:review", args=[attempt.pk])).content
    html = html.decode()
    assert "69,5%" in html
    assert "70%" not in html.replace("70%)", "")  # only the pass mark says 70
    quiz_html = client.get(quiz.url).content.decode()
    assert "69,5%" in quiz_html


# First and last attempt wait for essay grading ------------------------------


@pytest.fixture
def essay_course(make_course):
    course, _lessons = make_course(lessons=0)
    quiz = QuizPageFactory(parent=course, pass_mark=50)
    add_slots(quiz, [essay(), true_false(correct=True)])
    return course, quiz


def _submit(quiz, user, *, essay_text="", tf="true"):
    attempt = attempt_start(user=user, quiz=quiz)
    keys = {q["qtype"]: q["key"] for q in attempt.snapshot}
    return attempt_submit(
        attempt=attempt, answers={keys["essay"]: essay_text, keys["true_false"]: tf}
    )


def _grade_essay(attempt, teacher, score):
    key = next(q["key"] for q in attempt.snapshot if q["qtype"] == "essay")
    essay_grade(
        response=attempt.responses.get(key=key), grader=teacher, score=Decimal(score)
    )


def test_first_attempt_waiting_for_its_essay_gives_no_grade_and_no_completion(
    essay_course, make_learner
):
    course, quiz = essay_course
    quiz.grading_method = GradingMethod.FIRST
    quiz.save()
    learner = make_learner("hs")
    teacher = make_learner("gvcn", role=Role.HOMEROOM_TEACHER)
    first = _submit(quiz, learner, essay_text="Bài viết", tf="false")
    assert first.state == AttemptState.NEEDS_GRADING
    second = _submit(quiz, learner, essay_text="", tf="true")
    assert second.state == AttemptState.FINISHED
    # The second attempt would pass, but the method takes the first one.
    assert not QuizGrade.objects.filter(user=learner, quiz=quiz).exists()
    assert not CourseCompletion.objects.filter(user=learner, course=course).exists()
    _grade_essay(first, teacher, "0")
    grade_row = QuizGrade.objects.get(user=learner, quiz=quiz)
    assert grade_row.percent == Decimal("0.00") and not grade_row.passed
    assert not CourseCompletion.objects.filter(user=learner, course=course).exists()


def test_first_attempt_completes_the_course_once_its_essay_is_graded_well(
    essay_course, make_learner
):
    course, quiz = essay_course
    quiz.grading_method = GradingMethod.FIRST
    quiz.save()
    learner = make_learner("hs")
    teacher = make_learner("gvcn", role=Role.HOMEROOM_TEACHER)
    first = _submit(quiz, learner, essay_text="Bài viết", tf="true")
    assert not CourseCompletion.objects.filter(user=learner, course=course).exists()
    _grade_essay(first, teacher, "5")
    assert QuizGrade.objects.get(user=learner, quiz=quiz).percent == Decimal("100")
    assert CourseCompletion.objects.filter(user=learner, course=course).exists()


def test_last_attempt_waiting_for_its_essay_withdraws_the_grade(
    essay_course, make_learner
):
    _course, quiz = essay_course
    quiz.grading_method = GradingMethod.LAST
    quiz.required = False
    quiz.pass_mark = 10  # a blank essay and a right true/false: 1 of 6 points
    quiz.save()
    learner = make_learner("hs")
    _submit(quiz, learner, essay_text="", tf="true")
    assert QuizGrade.objects.get(user=learner, quiz=quiz).passed
    _submit(quiz, learner, essay_text="Bài viết mới", tf="true")
    assert not QuizGrade.objects.filter(user=learner, quiz=quiz).exists()


def test_highest_leaves_an_attempt_waiting_for_its_essay_out(
    essay_course, make_learner
):
    _course, quiz = essay_course
    quiz.grading_method = GradingMethod.HIGHEST
    quiz.save()
    learner = make_learner("hs")
    _submit(quiz, learner, essay_text="", tf="true")
    _submit(quiz, learner, essay_text="Bài viết", tf="true")
    grade_row = QuizGrade.objects.get(user=learner, quiz=quiz)
    # 1 of 6 points from the finished attempt; the waiting one does not count.
    assert grade_row.percent == Decimal("16.67")


def test_the_re_mark_form_shows_the_mark_as_the_teacher_gave_it(
    client, essay_course, make_learner
):
    _course, quiz = essay_course
    learner = make_learner("hs")
    teacher = make_learner("gvcn", role=Role.HOMEROOM_TEACHER)
    attempt = _submit(quiz, learner, essay_text="Bài viết", tf="true")
    _grade_essay(attempt, teacher, "2.5")
    key = next(q["key"] for q in attempt.snapshot if q["qtype"] == "essay")
    response = attempt.responses.get(key=key)
    assert response.score == Decimal("2.5")
    client.force_login(teacher)
    html = client.get(reverse("lms_quizzes_essay_grade", args=[response.pk]))
    assert 'value="2.5"' in html.content.decode()
    assert "2.500000000" not in html.content.decode()


# A changed grading method or pass mark recomputes grades --------------------


def _publish(quiz, **changes):
    for field, value in changes.items():
        setattr(quiz, field, value)
    quiz.save_revision().publish()


@pytest.fixture
def two_attempts(essay_course, make_learner, django_capture_on_commit_callbacks):
    """A learner who passed the first attempt (5 + 1 of 6) and failed the second."""
    course, quiz = essay_course
    quiz.grading_method = GradingMethod.HIGHEST
    quiz.save()
    learner = make_learner("hs")
    teacher = make_learner("gvcn", role=Role.HOMEROOM_TEACHER)
    with django_capture_on_commit_callbacks(execute=True):
        first = _submit(quiz, learner, essay_text="Bài viết", tf="true")
        _grade_essay(first, teacher, "5")
        _submit(quiz, learner, essay_text="", tf="false")
    assert CourseCompletion.objects.filter(user=learner, course=course).exists()
    return course, quiz, learner


def test_changing_the_grading_method_recomputes_and_keeps_the_completion_on_record(
    two_attempts, django_capture_on_commit_callbacks
):
    from quizzes.models import GradeRecompute

    course, quiz, learner = two_attempts
    with django_capture_on_commit_callbacks(execute=True):
        _publish(quiz, grading_method=GradingMethod.LAST)
    grade_row = QuizGrade.objects.get(user=learner, quiz=quiz)
    assert grade_row.percent == Decimal("0.00") and not grade_row.passed
    # The completion stays (a certificate may rest on it) and is listed.
    assert CourseCompletion.objects.filter(user=learner, course=course).exists()
    record = GradeRecompute.objects.get(quiz=quiz)
    assert record.changes == {"grading_method": ["highest", "last"]}
    assert record.grades_changed == 1
    assert record.completions_kept == [{"user": learner.pk, "course": course.pk}]


def test_lowering_the_pass_mark_completes_the_course(
    essay_course, make_learner, django_capture_on_commit_callbacks
):
    course, quiz = essay_course
    learner = make_learner("hs")
    with django_capture_on_commit_callbacks(execute=True):
        _submit(quiz, learner, essay_text="", tf="true")  # 1 of 6: 16.67 %
    assert not CourseCompletion.objects.filter(user=learner).exists()
    with django_capture_on_commit_callbacks(execute=True):
        _publish(quiz, pass_mark=15)
    assert QuizGrade.objects.get(user=learner, quiz=quiz).passed
    assert CourseCompletion.objects.filter(user=learner, course=course).exists()


def test_a_draft_with_a_new_grading_method_recomputes_nothing(
    two_attempts, django_capture_on_commit_callbacks
):
    from quizzes.models import GradeRecompute

    _course, quiz, learner = two_attempts
    quiz.grading_method = GradingMethod.LAST
    with django_capture_on_commit_callbacks(execute=True):
        quiz.save_revision()
    assert QuizGrade.objects.get(user=learner, quiz=quiz).passed
    assert not GradeRecompute.objects.exists()


# From Moodle's own file to a mark ------------------------------------------


def test_questions_from_moodles_gift_fixture_score_as_moodle_scores_them(
    make_course, student
):
    """Moodle's questions.gift.txt, imported as it is, then answered: the
    matching question at 3 of 4 gives 0.75, the multiple answer "yellow + red"
    (50 % and -100 %) is clamped at 0, and "Cat" (50 %) gives 0.5, so Moodle's
    sum of grades is 1.25 of 3 and its grade 41.66667 %, shown as 41.67."""
    from pathlib import Path

    from quizzes.importing import questions_import
    from quizzes.models import Question

    fixture = Path(__file__).parent / "fixtures" / "moodle" / "questions.gift.txt"
    questions_import(data=fixture.read_bytes(), fmt="gift", skip_unsupported=True)
    matching = Question.objects.get(name="Moodle activities")
    colours = Question.objects.get(name="colours")
    animal = Question.objects.get(name="Shortanswer")
    course, _lessons = make_course(lessons=0)
    quiz = QuizPageFactory(parent=course, pass_mark=42)
    add_slots(quiz, [matching, colours, animal])

    attempt = attempt_start(user=student, quiz=quiz)
    shown = {entry["question_id"]: entry for entry in attempt.snapshot}
    pairs = list(matching.pairs.exclude(prompt="").order_by("sort_order"))
    wrong = pairs[1].answer
    by_text = {c["text"]: c["key"] for c in shown[colours.pk]["choices"]}
    attempt_submit(
        attempt=attempt,
        answers={
            shown[matching.pk]["key"]: {
                pair_key(attempt, pair): pair.answer for pair in pairs[1:]
            }
            | {pair_key(attempt, pairs[0]): wrong},
            shown[colours.pk]["key"]: [by_text["yellow"], by_text["red"]],
            shown[animal.pk]["key"]: "Cat",
        },
    )
    attempt.refresh_from_db()
    marks = {response.key: response.score for response in attempt.responses.all()}
    assert marks == {
        shown[matching.pk]["key"]: Decimal("0.75"),
        shown[colours.pk]["key"]: Decimal("0"),
        shown[animal.pk]["key"]: Decimal("0.5"),
    }
    assert attempt.score == Decimal("1.25000")
    assert attempt.percent == Decimal("41.67")
    assert attempt.passed is False
