"""Staff and issuing paths read a course's steps from its cached structure
(courses.structure.course_steps), the same list the learner's pages use."""

import pytest

from certificates.eligibility import course_facts_for
from courses.structure import course_steps
from tests.quizzes.factories import QuizPageFactory

pytestmark = pytest.mark.django_db


def test_course_steps_are_the_live_steps_in_order(make_course):
    course, lessons = make_course(lessons=2)
    quiz = QuizPageFactory(parent=course)
    lessons[1].unpublish()
    course.refresh_from_db()
    assert [step.pk for step in course_steps(course)] == [lessons[0].pk, quiz.pk]


def test_a_second_read_comes_from_the_cache(make_course, django_assert_num_queries):
    course, _lessons = make_course(lessons=2)
    course_steps(course)
    with django_assert_num_queries(0):
        course_steps(course)


def test_issuing_facts_see_a_step_published_since_the_last_read(make_course, student):
    course, lessons = make_course(lessons=1)
    course_facts_for(course=course, user_ids=[student.pk])
    QuizPageFactory(parent=course)
    course.refresh_from_db()
    facts = course_facts_for(course=course, user_ids=[student.pk])
    assert len(facts.required_steps) == 2
