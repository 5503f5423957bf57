"""Query budgets: the attempt page and a submit cost the same for 3 or 30 questions."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizzes.models import QuizAttempt, QuizGrade
from tests.quizzes.factories import QuizPageFactory, add_slots, single_choice

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(client, make_course, student):
    def start(count):
        course, _lessons = make_course(lessons=1)
        quiz = QuizPageFactory(parent=course)
        add_slots(quiz, [single_choice() for _ in range(count)])
        client.force_login(student)
        client.post(quiz.url, {"action": "start"})
        return QuizAttempt.objects.get(user=student, quiz=quiz)

    return start


@pytest.mark.parametrize("count", [3, 30])
def test_attempt_page_query_budget(
    client, started, count, django_assert_max_num_queries
):
    attempt = started(count)
    url = reverse("lms_quizzes:attempt", args=[attempt.pk])
    client.get(url)
    with django_assert_max_num_queries(15):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("count", [3, 30])
def test_submit_query_budget(client, started, count, django_assert_max_num_queries):
    attempt = started(count)
    answers = {
        q["key"]: next(c["key"] for c in q["choices"] if Decimal(c["fraction"]) == 1)
        for q in attempt.snapshot
    }
    with django_assert_max_num_queries(15):
        response = client.post(
            reverse("lms_quizzes:submit", args=[attempt.pk]), answers
        )
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.passed and attempt.responses.count() == count


@pytest.fixture
def quiz_for(client, make_course, student):
    """A 30-question quiz in a course the student is already enrolled in."""
    course, _lessons = make_course(lessons=0)
    quiz = QuizPageFactory(parent=course)
    add_slots(quiz, [single_choice() for _ in range(30)])
    client.force_login(student)
    client.get(course.url)  # opens (and enrols in) the course
    return quiz


def test_quiz_page_query_budget(client, quiz_for, django_assert_max_num_queries):
    with django_assert_max_num_queries(QUIZ_PAGE_BUDGET):
        assert client.get(quiz_for.url).status_code == 200


def test_quiz_start_query_budget(client, quiz_for, django_assert_max_num_queries):
    """The class-period rush: the course status is read once, not three times."""
    with django_assert_max_num_queries(QUIZ_START_BUDGET):
        response = client.post(quiz_for.url, {"action": "start"})
    assert response.status_code == 302
    assert QuizAttempt.objects.filter(quiz=quiz_for).count() == 1


QUIZ_PAGE_BUDGET = 12
# + 1: the report recount a first attempt asks for is an outbox row, written
# with the attempt (lms.reports.summary.summary_recount_after_commit).
QUIZ_START_BUDGET = 20


def test_a_first_and_a_later_grade_cost_the_same_queries(client, started, student):
    """The learner's grade is one upsert, whether it exists yet or not."""
    first = started(3)
    quiz = first.quiz
    counts = []
    for attempt in (first, None):
        if attempt is None:
            QuizAttempt.objects.filter(user=student).delete()
            client.post(quiz.url, {"action": "start"})
            attempt = QuizAttempt.objects.get(user=student, quiz=quiz)
        with CaptureQueriesContext(connection) as captured:
            # Submitted blank on purpose: confirmed, so it is graded at once.
            client.post(
                reverse("lms_quizzes:submit", args=[attempt.pk]),
                {"blank_confirmed": "1"},
            )
        counts.append(len(captured))
    assert QuizGrade.objects.filter(user=student, quiz=quiz).count() == 1
    assert counts[0] == counts[1]


AUTOSAVE_BUDGET = 4
REVIEW_BUDGET = 9


@pytest.mark.parametrize("count", [3, 30])
def test_autosave_query_budget(client, started, count, django_assert_max_num_queries):
    """One upsert whatever the number of answers, after reading the attempt."""
    attempt = started(count)
    answers = {q["key"]: q["choices"][0]["key"] for q in attempt.snapshot}
    with django_assert_max_num_queries(AUTOSAVE_BUDGET):
        response = client.post(
            reverse("lms_quizzes:save", args=[attempt.pk]),
            answers,
            HTTP_ACCEPT="application/json",
        )
    assert response.json()["saved"] == count


@pytest.mark.parametrize("passed", [True, False])
def test_review_query_budget(client, started, passed, django_assert_max_num_queries):
    """The result page, passed or not (then whether a retake is allowed)."""
    attempt = started(30)
    answers = {
        q["key"]: next(
            c["key"] for c in q["choices"] if (Decimal(c["fraction"]) == 1) == passed
        )
        for q in attempt.snapshot
    }
    client.post(reverse("lms_quizzes:submit", args=[attempt.pk]), answers)
    url = reverse("lms_quizzes:review", args=[attempt.pk])
    with django_assert_max_num_queries(REVIEW_BUDGET):
        assert client.get(url).status_code == 200
    attempt.refresh_from_db()
    assert attempt.passed is passed


def test_a_second_attempt_start_query_budget(
    client, started, django_assert_max_num_queries
):
    """A retake: the learner's attempts are read once (open one, limits, next
    number) and questions already answered once are not updated again."""
    attempt = started(30)
    client.post(
        reverse("lms_quizzes:submit", args=[attempt.pk]), {"blank_confirmed": "1"}
    )
    with django_assert_max_num_queries(QUIZ_RESTART_BUDGET):
        response = client.post(attempt.quiz.url, {"action": "start"})
    assert response.status_code == 302
    assert QuizAttempt.objects.filter(quiz=attempt.quiz).count() == 2


QUIZ_RESTART_BUDGET = 20
