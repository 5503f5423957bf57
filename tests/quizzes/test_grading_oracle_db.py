"""The grading oracle again, through the database: Hypothesis draws a quiz
(every supported type), attempts, teachers' essay marks, then a published
change of grading method and pass mark; the questions are stored in the
bank, the attempts go through `attempt_start`/`attempt_submit`, essays
through `essay_grade`, and the change through the page's publish (the
recompute signal). Every stored total, percent, state, attempt pass, the
quiz grade and the completion must equal the oracle
(`test_grading_oracle.py`). Few examples, derandomised: it is slow.
"""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courses.models import CourseCompletion
from lms.people.models import Role
from quizzes.models import (
    AttemptState,
    Choice,
    GradingMethod,
    MatchPair,
    Question,
    QuizGrade,
)
from quizzes.services import attempt_start, attempt_submit, essay_grade
from tests.quizzes.factories import QuestionCategoryFactory, QuizPageFactory
from tests.quizzes.test_grading_oracle import (
    oracle_attempt,
    oracle_grade,
    questions,
    responses,
)

pytestmark = pytest.mark.django_db


@st.composite
def quiz_life(draw):
    quiz = draw(st.lists(questions(), min_size=1, max_size=4))
    count = draw(st.integers(1, 3))
    attempts = [[draw(responses(question)) for question in quiz] for _ in range(count)]
    methods = st.sampled_from(list(GradingMethod))
    marks = st.integers(0, 100)
    return quiz, attempts, (draw(methods), draw(marks)), (draw(methods), draw(marks))


def _bank_question(spec: dict, category) -> tuple[Question, dict]:
    """The drawn question stored in the bank; its keys mapped to row ids."""
    question = Question.objects.create(
        category=category,
        qtype=spec["qtype"],
        text="<p>Câu hỏi</p>",
        points=Decimal(spec["points"]),
        correct_answer=spec.get("correct"),
        case_sensitive=spec.get("case_sensitive", False),
        ignore_diacritics=False,
    )
    ids = {}
    for order, choice in enumerate(spec["choices"]):
        ids[choice["key"]] = Choice.objects.create(
            question=question,
            text=choice["text"],
            fraction=Decimal(choice["credit"]),
            sort_order=order,
        ).pk
    for order, pair in enumerate(spec.get("pairs", [])):
        ids[pair["key"]] = MatchPair.objects.create(
            question=question,
            prompt=pair["prompt"],
            answer=pair["answer"],
            sort_order=order,
        ).pk
    return question, ids


def _as_posted(spec: dict, answer, shown: dict, ids: dict):
    """The drawn answer with this attempt's random choice and pair keys."""
    choice_keys = {c["choice_id"]: c["key"] for c in shown["choices"]}
    pair_keys = {p["pair_id"]: p["key"] for p in shown["pairs"]}
    if spec["qtype"] == "single_choice":
        return None if answer is None else choice_keys[ids[answer]]
    if spec["qtype"] == "multiple_choice":
        return [choice_keys[ids[key]] for key in answer]
    if spec["qtype"] == "matching":
        return {pair_keys[ids[key]]: value for key, value in answer.items()}
    return answer


def _take(learner, quiz, specs, stored, answers):
    attempt = attempt_start(user=learner, quiz=quiz)
    posted = {}
    for spec, (question, ids), (answer, _mark), shown in zip(
        specs, stored, answers, attempt.snapshot, strict=True
    ):
        assert shown["question_id"] == question.pk
        value = _as_posted(spec, answer, shown, ids)
        if value not in (None, "", [], {}):
            posted[shown["key"]] = value
    return attempt_submit(attempt=attempt, answers=posted)


@settings(
    max_examples=6,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(drawn=quiz_life())
def test_stored_scores_grade_and_completion_equal_the_oracle(
    drawn, make_course, make_learner, django_capture_on_commit_callbacks
):
    specs, attempts, (method, pass_mark), (new_method, new_pass_mark) = drawn
    # Each example in its own transaction, rolled back: nothing leaks on.
    with transaction.atomic():
        course, _lessons = make_course(lessons=0)
        quiz = QuizPageFactory(
            parent=course,
            grading_method=method,
            pass_mark=pass_mark,
            shuffle_questions=False,
        )
        learner = make_learner("hs-oracle")
        teacher = make_learner("gv-oracle", role=Role.HOMEROOM_TEACHER)
        category = QuestionCategoryFactory()
        stored = [_bank_question(spec, category) for spec in specs]
        for order, (question, _ids) in enumerate(stored):
            quiz.slots.create(question=question, sort_order=order)

        taken = []
        for answers in attempts:
            with django_capture_on_commit_callbacks(execute=True):
                taken.append(_take(learner, quiz, specs, stored, answers))
        for attempt, answers in zip(taken, attempts, strict=True):
            for shown, (answer, mark) in zip(attempt.snapshot, answers, strict=True):
                if shown["qtype"] == "essay" and mark is not None and answer.strip():
                    with django_capture_on_commit_callbacks(execute=True):
                        essay_grade(
                            response=attempt.responses.get(key=shown["key"]),
                            grader=teacher,
                            score=mark,
                        )

        quiz.grading_method, quiz.pass_mark = new_method, new_pass_mark
        with django_capture_on_commit_callbacks(execute=True):
            quiz.save_revision().publish()

        totals = []
        for attempt, answers in zip(taken, attempts, strict=True):
            attempt.refresh_from_db()
            _marks, total, percent, waiting, passed = oracle_attempt(
                specs, answers, new_pass_mark
            )
            assert Fraction(attempt.score) == total
            assert Fraction(attempt.percent) == percent
            assert (attempt.state == AttemptState.NEEDS_GRADING) is waiting
            assert attempt.passed is passed
            totals.append(None if waiting else total)
        maximum = sum(Fraction(spec["points"]) for spec in specs)
        expected = oracle_grade(new_method, totals, maximum)
        grade_row = QuizGrade.objects.filter(user=learner, quiz=quiz).first()
        assert (grade_row is None) == (expected is None)
        if expected is not None:
            assert Fraction(grade_row.percent) == expected
            assert grade_row.passed is (expected >= new_pass_mark)
            if grade_row.passed:
                assert CourseCompletion.objects.filter(
                    user=learner, course=course
                ).exists()
        transaction.set_rollback(True)
