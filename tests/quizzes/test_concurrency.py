"""Two simultaneous submits of one attempt grade it once (PostgreSQL, threads)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from quizzes.models import QuizAttempt, QuizGrade
from quizzes.services import attempt_start, attempt_submit
from tests.quizzes.factories import QuizPageFactory, add_slots, single_choice

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_submits_grade_once(make_course, student):
    course, _lessons = make_course(lessons=0)
    quiz = QuizPageFactory(parent=course)
    questions = [single_choice() for _ in range(5)]
    add_slots(quiz, questions)
    attempt = attempt_start(user=student, quiz=quiz)
    right = {
        q["key"]: next(c["key"] for c in q["choices"] if Decimal(c["fraction"]) == 1)
        for q in attempt.snapshot
    }
    barrier = threading.Barrier(2)
    results, errors = [], []

    def submit():
        try:
            mine = QuizAttempt.objects.get(pk=attempt.pk)
            barrier.wait()
            results.append(attempt_submit(attempt=mine, answers=right))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    attempt.refresh_from_db()
    assert attempt.percent == 100 and attempt.passed
    assert len({r.submitted_at for r in results}) == 1
    assert QuizGrade.objects.filter(user=student, quiz=quiz).count() == 1
