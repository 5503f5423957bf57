"""A course required every school year: last year's completion, progress and
grades stay as history but do not count this year (courses.progress)."""

import datetime
import importlib

import pytest
from django.apps import apps as django_apps
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from courses.models import CourseCompletion, LessonProgress
from courses.selectors import course_status_for, my_learning_for
from courses.services import course_open, lesson_complete
from lms.people.selectors import learning_year_for
from tests.people.factories import during

pytestmark = pytest.mark.django_db

MY_LEARNING = reverse("lms_courses:my_learning")


def complete(user, course, lessons):
    course_open(user=user, course=course)
    for lesson in lessons:
        lesson_complete(user=user, lesson=lesson, course=course)


def test_the_learning_year_is_the_learners_membership_year(yearly_learner, two_years):
    last_year, this_year = two_years
    with during(last_year):
        assert learning_year_for(user=yearly_learner) == last_year
    assert learning_year_for(user=yearly_learner) == this_year


def test_yearly_course_completed_last_year_is_due_again_with_last_two_years_result(
    client, make_course, yearly_learner, two_years
):
    last_year, this_year = two_years
    course, lessons = make_course(lessons=2, required_every_year=True, title="Hằng năm")
    with during(last_year):
        complete(yearly_learner, course, lessons)
        assert course_status_for(user=yearly_learner, course=course).completed
        finished = CourseCompletion.objects.get(user=yearly_learner)
    assert finished.school_year == last_year

    status = course_status_for(user=yearly_learner, course=course)
    assert not status.completed
    assert status.percent == 0
    assert not any(step.done for step in status.steps)
    assert status.previous.school_year == last_year.name
    learning = my_learning_for(user=yearly_learner)
    assert [s.course for s in learning["completed"]] == []
    assert [s.course for s in learning["enrolled"]] == [course]

    client.force_login(yearly_learner)
    html = client.get(MY_LEARNING).content.decode()
    day = timezone.localtime(finished.completed_at).strftime("%d/%m/%Y")
    assert f"Năm học {last_year.name}: đã hoàn thành ngày {day}." in html
    assert "Khóa học này được học lại mỗi năm học." in html

    # Done again this year: a second completion, last year's kept.
    complete(yearly_learner, course, lessons)
    assert course_status_for(user=yearly_learner, course=course).completed
    rows = CourseCompletion.objects.filter(user=yearly_learner).order_by("completed_at")
    assert [row.school_year for row in rows] == [last_year, this_year]
    assert LessonProgress.objects.filter(user=yearly_learner).count() == 4


def test_course_taken_once_stays_completed_next_year(
    make_course, yearly_learner, two_years
):
    last_year, _this_year = two_years
    course, lessons = make_course(lessons=1)
    with during(last_year):
        complete(yearly_learner, course, lessons)
    status = course_status_for(user=yearly_learner, course=course)
    assert status.completed
    assert status.previous is None
    assert [s.course for s in my_learning_for(user=yearly_learner)["completed"]] == [
        course
    ]
    complete(yearly_learner, course, lessons)
    assert CourseCompletion.objects.filter(user=yearly_learner).count() == 1


def test_a_course_made_yearly_later_counts_only_this_two_years_completion(
    make_course, yearly_learner, two_years
):
    last_year, _this_year = two_years
    course, lessons = make_course(lessons=1)
    with during(last_year):
        complete(yearly_learner, course, lessons)
    course.required_every_year = True
    course.save()
    assert not course_status_for(user=yearly_learner, course=course).completed
    complete(yearly_learner, course, lessons)
    assert course_status_for(user=yearly_learner, course=course).completed
    assert CourseCompletion.objects.filter(user=yearly_learner).count() == 2


def test_one_completion_per_learner_course_and_school_year(
    yearly_learner, two_years, completed_each_year
):
    _last_year, this_year = two_years
    yearly, once = completed_each_year
    with pytest.raises(IntegrityError), transaction.atomic():
        CourseCompletion.objects.create(
            user=yearly_learner, course=yearly, course_title="x", cycle=this_year.pk
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        CourseCompletion.objects.create(
            user=yearly_learner, course=once, course_title="y", school_year=this_year
        )


def test_migration_backfills_the_school_year_from_the_date(
    make_course, yearly_learner, two_years
):
    last_year, this_year = two_years
    course, (lesson,) = make_course(lessons=1)
    zone = timezone.get_current_timezone()
    old = CourseCompletion.objects.create(
        user=yearly_learner,
        course=course,
        course_title="x",
        completed_at=datetime.datetime(last_year.starts_on.year + 1, 1, 2, tzinfo=zone),
    )
    # After last year ended, before this one started: still last year's.
    summer = LessonProgress.objects.create(
        user=yearly_learner,
        lesson=lesson,
        course=course,
        lesson_title="b",
        started_at=datetime.datetime(this_year.starts_on.year, 7, 1, tzinfo=zone),
    )
    # The first day of this year, local time (still the 4th in UTC).
    first_day = datetime.datetime.combine(
        this_year.starts_on, datetime.time(0, 30), zone
    )
    new = CourseCompletion.objects.create(
        user=yearly_learner,
        course=course,
        course_title="x",
        completed_at=first_day,
        cycle=1,
    )
    CourseCompletion.objects.update(school_year=None)
    LessonProgress.objects.update(school_year=None)

    migration = importlib.import_module("courses.migrations.0015_backfill_school_years")
    migration.backfill(django_apps, None)

    old.refresh_from_db()
    summer.refresh_from_db()
    new.refresh_from_db()
    assert old.school_year == last_year
    assert summer.school_year == last_year
    assert new.school_year == this_year


def test_the_course_editor_offers_required_every_year(db):
    from django.utils.translation import override

    from courses.models import CoursePage

    form_class = CoursePage.get_edit_handler().get_form_class()
    assert "required_every_year" in form_class.base_fields
    with override("vi"):
        label = str(form_class.base_fields["required_every_year"].label)
    assert label.lower() == "bắt buộc học lại mỗi năm học"
