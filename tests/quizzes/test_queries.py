"""Query budgets: the attempt page and a submit cost the same for 3 or 30 questions."""

from decimal import Decimal

import pytest
from django.urls import reverse

from quizzes.models import QuizAttempt
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
