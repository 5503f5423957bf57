"""The attempt pages load the attempt, its quiz and its course in one query
whose SQL is compiled once per process (quizzes.views._attempt_with_pages)."""

import logging

import pytest
from django.urls import reverse

from lms import sqlcache
from quizzes.models import QuizAttempt
from quizzes.services import attempt_start
from quizzes.views import _attempt_with_pages
from tests.quizzes.factories import QuizPageFactory, add_slots, single_choice

pytestmark = pytest.mark.django_db


@pytest.fixture
def attempt(make_course, student):
    course, _lessons = make_course(lessons=0)
    quiz = QuizPageFactory(parent=course, pass_mark=70)
    add_slots(quiz, [single_choice(), single_choice()])
    return attempt_start(user=student, quiz=quiz, course=course)


def test_the_attempt_comes_with_its_quiz_and_course_in_one_query(
    attempt, student, django_assert_num_queries
):
    with django_assert_num_queries(1):
        loaded = _attempt_with_pages(attempt_id=attempt.pk, user_id=student.pk)
        assert loaded.quiz == attempt.quiz
        assert loaded.quiz.title == attempt.quiz.title
        assert loaded.quiz.layout == attempt.quiz.layout
        assert loaded.course == attempt.course
        assert loaded.course.path == attempt.course.path
        assert loaded.snapshot == attempt.snapshot
        assert loaded.started_at == attempt.started_at
        assert (loaded.lms_unpublished, loaded.lms_restricted) == (False, False)
    assert not loaded._state.adding


def test_its_sql_is_compiled_once_not_through_the_orm_each_time(
    attempt, student, caplog
):
    with caplog.at_level(logging.WARNING, logger="lms.sqlcache"):
        _attempt_with_pages(attempt_id=attempt.pk, user_id=student.pk)
    assert not caplog.records
    shapes = [
        compiled
        for shape, compiled in sqlcache._shapes.items()
        if shape[0] == "quizzes._own_attempt"
    ]
    assert shapes and all(compiled is not sqlcache._UNCACHEABLE for compiled in shapes)


def test_another_learners_attempt_is_not_loaded(attempt, make_learner):
    other = make_learner(username="hs-khac")
    assert _attempt_with_pages(attempt_id=attempt.pk, user_id=other.pk) is None


def test_an_attempt_whose_quiz_was_deleted_is_still_reviewed(client, attempt, student):
    from quizzes.services import attempt_submit

    attempt_submit(attempt=attempt, answers={})
    attempt.quiz.delete()
    loaded = _attempt_with_pages(attempt_id=attempt.pk, user_id=student.pk)
    assert loaded.quiz is None and loaded.course is not None
    client.force_login(student)
    reply = client.get(reverse("lms_quizzes:review", args=[attempt.pk]))
    assert reply.status_code == 200
    assert QuizAttempt.objects.get(pk=attempt.pk).quiz_id is None
