"""Quizzes of a course required every school year: each year's attempts and
grade start over; earlier years' stay and are listed as history."""

import pytest

from courses.selectors import course_status_for
from courses.services import course_open
from quizzes.models import QuizAttempt, QuizGrade
from quizzes.services import AttemptRefused, attempt_start, attempt_submit
from tests.people.factories import during
from tests.quizzes.factories import QuizPageFactory, add_slots, single_choice
from tests.quizzes.test_attempts import answer_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def yearly_quiz(make_course):
    course, _lessons = make_course(lessons=0, required_every_year=True)
    quiz = QuizPageFactory(parent=course, pass_mark=70, attempts_allowed=1)
    questions = [single_choice() for _ in range(2)]
    add_slots(quiz, questions)
    return course, quiz, questions


def take(user, quiz, questions, right=True):
    attempt = attempt_start(user=user, quiz=quiz)
    attempt_submit(attempt=attempt, answers=answer_all(attempt, questions, right))
    return attempt


def test_attempt_limit_starts_over_in_a_new_school_year(
    client, yearly_learner, two_years, yearly_quiz
):
    last_year, this_year = two_years
    course, quiz, questions = yearly_quiz
    with during(last_year):
        course_open(user=yearly_learner, course=course)
        take(yearly_learner, quiz, questions, right=False)
        with pytest.raises(AttemptRefused) as refusal:
            attempt_start(user=yearly_learner, quiz=quiz)
        assert refusal.value.reason == "no_attempts_left"

    # A new year: one attempt again, numbered after last year's.
    attempt = take(yearly_learner, quiz, questions)
    assert attempt.number == 2
    assert attempt.school_year == this_year
    with pytest.raises(AttemptRefused):
        attempt_start(user=yearly_learner, quiz=quiz)
    assert QuizAttempt.objects.filter(user=yearly_learner).count() == 2

    client.force_login(yearly_learner)
    html = client.get(quiz.url).content.decode()
    assert last_year.name in html and this_year.name in html  # history listed


def test_last_years_pass_does_not_count_and_grades_are_kept_per_year(
    yearly_learner, two_years, yearly_quiz
):
    last_year, this_year = two_years
    course, quiz, questions = yearly_quiz
    with during(last_year):
        course_open(user=yearly_learner, course=course)
        take(yearly_learner, quiz, questions)
        assert course_status_for(user=yearly_learner, course=course).completed

    status = course_status_for(user=yearly_learner, course=course)
    assert not status.completed
    assert not status.step_for(quiz.pk).done
    take(yearly_learner, quiz, questions, right=False)
    grades = {
        g.school_year: g.passed for g in QuizGrade.objects.filter(user=yearly_learner)
    }
    assert grades == {last_year: True, this_year: False}
    assert (
        not course_status_for(user=yearly_learner, course=course).step_for(quiz.pk).done
    )


def test_attempt_limit_of_a_course_taken_once_spans_years(
    yearly_learner, two_years, make_course
):
    last_year, _this_year = two_years
    course, _ = make_course(lessons=0)
    quiz = QuizPageFactory(parent=course, attempts_allowed=1)
    questions = [single_choice()]
    add_slots(quiz, questions)
    with during(last_year):
        course_open(user=yearly_learner, course=course)
        take(yearly_learner, quiz, questions, right=False)
    with pytest.raises(AttemptRefused):
        attempt_start(user=yearly_learner, quiz=quiz)
