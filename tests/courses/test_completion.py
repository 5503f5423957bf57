"""The completion rules and what learners see as left to do."""

import pytest

from courses.models import CourseCompletion, Enrolment, EnrolmentMode, LessonProgress
from courses.selectors import course_status_for
from courses.services import (
    CourseActionRefused,
    course_open,
    course_self_enrol,
    lesson_complete,
)
from courses.signals import course_completed
from tests.courses.factories import LessonPageFactory

pytestmark = pytest.mark.django_db


def finish(user, course, lessons):
    for lesson in lessons:
        lesson_complete(user=user, lesson=lesson, course=course)


def test_course_completes_when_every_required_lesson_is_done(make_course, student):
    course, lessons = make_course(lessons=3)
    course_open(user=student, course=course)
    finish(student, course, lessons[:2])
    status = course_status_for(user=student, course=course)
    assert not status.completed and status.percent == 67
    assert [s.page.pk for s in status.remaining] == [lessons[2].pk]
    finish(student, course, lessons[2:])
    completion = CourseCompletion.objects.get(user=student, course=course)
    assert completion.completed_at is not None
    assert course_status_for(user=student, course=course).percent == 100


def test_optional_lessons_never_block_completion(make_course, student):
    course, lessons = make_course(lessons=3, optional={1})
    course_open(user=student, course=course)
    finish(student, course, [lessons[0], lessons[2]])
    status = course_status_for(user=student, course=course)
    assert status.completed
    assert [s.page.pk for s in status.remaining] == [lessons[1].pk]


def test_completion_is_announced_once(
    make_course, student, django_capture_on_commit_callbacks
):
    course, lessons = make_course(lessons=1)
    course_open(user=student, course=course)
    received = []

    def listener(sender, completion, **kwargs):
        received.append(completion)

    course_completed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            finish(student, course, lessons)
            finish(student, course, lessons)
    finally:
        course_completed.disconnect(listener)
    assert len(received) == 1


def test_adding_a_required_lesson_later_keeps_completions(make_course, make_learner):
    course, lessons = make_course(lessons=2)
    done = make_learner("done")
    halfway = make_learner("halfway")
    for user in (done, halfway):
        course_open(user=user, course=course)
    finish(done, course, lessons)
    finish(halfway, course, lessons[:1])
    new_lesson = LessonPageFactory(parent=course, required=True)

    done_status = course_status_for(user=done, course=course)
    assert done_status.completed and done_status.percent == 100
    halfway_status = course_status_for(user=halfway, course=course)
    assert [s.page.pk for s in halfway_status.remaining] == [
        lessons[1].pk,
        new_lesson.pk,
    ]
    finish(halfway, course, [lessons[1]])
    assert not CourseCompletion.objects.filter(user=halfway).exists()


def test_deleting_a_lesson_keeps_recorded_completions(make_course, student):
    course, lessons = make_course(lessons=2)
    course_open(user=student, course=course)
    finish(student, course, lessons)
    lessons[0].delete()
    assert CourseCompletion.objects.filter(user=student, course=course).count() == 1
    kept = LessonProgress.objects.filter(user=student)
    assert kept.count() == 2
    assert {p.lesson_title for p in kept} == {lessons[0].title, lessons[1].title}


def test_deleting_the_course_keeps_the_completion_record(make_course, student):
    course, lessons = make_course(lessons=1)
    course_open(user=student, course=course)
    finish(student, course, lessons)
    title = course.title
    course.delete()
    completion = CourseCompletion.objects.get(user=student)
    assert completion.course is None and completion.course_title == title


def test_order_is_enforced_when_the_course_says_so(make_course, student):
    course, lessons = make_course(lessons=3, sequential=True)
    course_open(user=student, course=course)
    with pytest.raises(CourseActionRefused) as refusal:
        lesson_complete(user=student, lesson=lessons[1], course=course)
    assert refusal.value.reason == "order"
    finish(student, course, lessons[:2])
    assert (
        course_status_for(user=student, course=course).next_step.page.pk
        == lessons[2].pk
    )


def test_order_skips_optional_lessons(make_course, student):
    course, lessons = make_course(lessons=3, optional={0}, sequential=True)
    course_open(user=student, course=course)
    lesson_complete(user=student, lesson=lessons[1], course=course)


def test_repeated_mark_as_done_records_one_completion(make_course, student):
    course, lessons = make_course(lessons=1)
    course_open(user=student, course=course)
    first = lesson_complete(user=student, lesson=lessons[0], course=course)
    second = lesson_complete(user=student, lesson=lessons[0], course=course)
    assert first.completed_at == second.completed_at
    assert LessonProgress.objects.filter(user=student).count() == 1
    assert CourseCompletion.objects.filter(user=student).count() == 1


def test_self_enrol_course_needs_the_button(make_course, student):
    course, lessons = make_course(lessons=1, enrolment_mode=EnrolmentMode.SELF)
    assert course_open(user=student, course=course) is None
    with pytest.raises(CourseActionRefused):
        lesson_complete(user=student, lesson=lessons[0], course=course)
    course_self_enrol(user=student, course=course)
    assert Enrolment.objects.get(user=student, course=course).source == "self"
    lesson_complete(user=student, lesson=lessons[0], course=course)


def test_course_without_required_steps_is_never_completed(make_course, student):
    course, lessons = make_course(lessons=1, optional={0})
    course_open(user=student, course=course)
    finish(student, course, lessons)
    assert not CourseCompletion.objects.exists()
