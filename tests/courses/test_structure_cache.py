"""A course's structure is cached per structure version (courses.structure):
every change to the course, its steps, its school years or its catalogue is
seen on the next call, in the same process (the old entry still cached) and
with a fresh cache; and a learner's status costs few queries."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from courses.models import ClassAssignment, CoursePage, EnrolmentMode
from courses.selectors import course_access_for, course_status_for
from courses.services import course_open, lesson_complete
from tests.courses.factories import LessonPageFactory
from tests.people.factories import SchoolYearFactory
from tests.quizzes.factories import QuizPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["same_process", "fresh_cache"])
def status_now(request):
    """The learner's status as the next request computes it: the course read
    again; with "fresh_cache", from an empty cache (another process)."""

    def status(user, course):
        if request.param == "fresh_cache":
            cache.clear()
        return course_status_for(user=user, course=CoursePage.objects.get(pk=course.pk))

    return status


def titles(status):
    return [step.page.title for step in status.steps]


def test_publishing_a_new_lesson_is_seen(make_course, student, status_now):
    course, lessons = make_course(lessons=2)
    assert len(status_now(student, course).steps) == 2
    LessonPageFactory(parent=course, title="Bài mới")
    assert titles(status_now(student, course))[-1] == "Bài mới"


def test_publishing_a_lesson_revision_is_seen(make_course, student, status_now):
    course, lessons = make_course(lessons=2)
    assert status_now(student, course).steps[0].required
    lesson = lessons[0]
    lesson.title = "Bài đã sửa"
    lesson.required = False
    lesson.save_revision().publish()
    status = status_now(student, course)
    assert titles(status)[0] == "Bài đã sửa"
    assert not status.steps[0].required


def test_unpublishing_a_lesson_is_seen(make_course, student, status_now):
    course, lessons = make_course(lessons=2)
    assert len(status_now(student, course).steps) == 2
    lessons[0].unpublish()
    assert titles(status_now(student, course)) == [lessons[1].title]


def test_reordering_lessons_is_seen(make_course, student, status_now):
    course, lessons = make_course(lessons=3)
    assert titles(status_now(student, course)) == [page.title for page in lessons]
    lessons[2].move(lessons[0], pos="left")
    assert titles(status_now(student, course))[0] == lessons[2].title


def test_deleting_a_lesson_is_seen(make_course, student, status_now):
    course, lessons = make_course(lessons=2)
    assert len(status_now(student, course).steps) == 2
    lessons[1].delete()
    assert titles(status_now(student, course)) == [lessons[0].title]


def test_a_quiz_added_and_its_closing_time_changed_are_seen(
    make_course, student, status_now
):
    course, _lessons = make_course(lessons=1)
    assert status_now(student, course).deadline is None
    quiz = QuizPageFactory(parent=course)
    assert len(status_now(student, course).steps) == 2
    closes = timezone.now() + datetime.timedelta(days=3)
    quiz.closes_at = closes
    quiz.save_revision().publish()
    assert status_now(student, course).deadline == closes


def test_changing_school_years_is_seen(make_course, student, status_now):
    course, _lessons = make_course(lessons=1)
    assert status_now(student, course).access
    course.school_years.add(SchoolYearFactory(name="2010-2011"))
    course.save_revision().publish()
    assert status_now(student, course).access.reason == "school_year"


def test_changing_audiences_is_seen(make_course, student, status_now):
    course, _lessons = make_course(lessons=1)
    assert status_now(student, course).access
    course.for_students = False
    course.for_teachers = True
    course.save_revision().publish()
    assert status_now(student, course).access.reason == "audience"


def test_unpublishing_the_catalogue_is_seen(make_course, student, status_now):
    course, _lessons = make_course(lessons=1)
    assert status_now(student, course).access
    course.get_parent().unpublish()
    assert status_now(student, course).access.reason == "unpublished"


def test_class_assignments_are_seen(make_course, student, school_class, status_now):
    course, _lessons = make_course(lessons=1, enrolment_mode=EnrolmentMode.ASSIGNED)
    assert status_now(student, course).access.reason == "not_assigned"
    assignment = ClassAssignment.objects.create(
        course=course, school_class=school_class
    )
    assert status_now(student, course).access
    assignment.delete()
    assert status_now(student, course).access.reason == "not_assigned"


def test_a_stale_course_instance_still_sees_the_new_steps(make_course, student):
    """The version is read from the database, not from the caller's object."""
    course, _lessons = make_course(lessons=1)
    assert len(course_status_for(user=student, course=course).steps) == 1
    LessonPageFactory(parent=course)
    assert len(course_status_for(user=student, course=course).steps) == 2


def test_progress_is_never_cached(make_course, student):
    course, lessons = make_course(lessons=2)
    course_open(user=student, course=course)
    assert course_status_for(user=student, course=course).percent == 0
    lesson_complete(user=student, lesson=lessons[0], course=course)
    status = course_status_for(user=student, course=course)
    assert status.percent == 50
    assert [step.done for step in status.steps] == [True, False]


def test_course_status_query_budget_cold_and_warm(
    make_course, student, django_assert_max_num_queries
):
    course, lessons = make_course(lessons=6)
    QuizPageFactory(parent=course)
    course_open(user=student, course=course)
    lesson_complete(user=student, lesson=lessons[0], course=course)
    cache.clear()
    # Cold: the learner's state, then the structure (a query per step type,
    # the school years, the owning catalogue).
    with django_assert_max_num_queries(5):
        cold = course_status_for(user=student, course=course)
    # Warm: the learner's state alone (one UNION query).
    with django_assert_max_num_queries(1):
        warm = course_status_for(user=student, course=course)
    with django_assert_max_num_queries(1):
        assert course_access_for(user=student, course=course)
    assert [(s.page.pk, s.done, s.required) for s in warm.steps] == [
        (s.page.pk, s.done, s.required) for s in cold.steps
    ]
    assert warm.percent == cold.percent > 0
