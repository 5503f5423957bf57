"""Staff and issuing paths read a course's steps from its cached structure
(courses.structure.course_steps), the same list the learner's pages use."""

import pytest
from django.core.cache import cache

from certificates.eligibility import course_facts_for
from courses.structure import course_steps, structure_key, structures_for
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
    course.refresh_from_db()  # the version as a reader has it
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


def test_a_course_whose_version_was_not_read_is_built_not_taken_from_the_cache(
    make_course,
):
    # A course object made in this process still has version 0 in memory;
    # another course (same id and path once a transaction rolled back) may
    # have left its structure under that key.
    course, lessons = make_course(lessons=1)
    other, _ = make_course(lessons=2)
    course.structure_version = 0
    stale = structures_for([other], versions={})[other.pk]
    cache.set(structure_key(course.pk, 0, course.path), stale)
    assert [step.pk for step in course_steps(course)] == [lessons[0].pk]
    # Nor is the fresh structure stored under the unread version.
    kept = cache.get(structure_key(course.pk, 0, course.path))
    assert [step.pk for step in kept.steps] == [step.pk for step in stale.steps]
