"""One definition of a learner's state, read alike by every page and report."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import ClassAssignment, Enrolment, EnrolmentMode
from courses.selectors import course_status_for, my_learning_for
from courses.services import course_open, lesson_start
from lms.people.models import Role
from lms.reports.selectors import (
    ReportFilters,
    Status,
    completion_facts_for,
    learner_rows,
    members_in_scope,
)
from quizzes.models import AttemptState, GradingMethod, QuizAttempt, QuizGrade
from tests.people.factories import SchoolClassFactory, SchoolYearFactory
from tests.quizzes.factories import QuizPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def school_admin(school_class, make_learner):
    return make_learner("qt", role=Role.SCHOOL_ADMIN)


def attempt(user, course, quiz, number, percent, state=AttemptState.FINISHED):
    return QuizAttempt.objects.create(
        user=user,
        quiz=quiz,
        quiz_title="Kiểm tra",
        course=course,
        number=number,
        state=state,
        submitted_at=timezone.now() if state == AttemptState.FINISHED else None,
        percent=Decimal(percent) if state == AttemptState.FINISHED else None,
        passed=Decimal(percent) >= 70 if state == AttemptState.FINISHED else False,
    )


def test_a_quiz_step_is_done_by_its_grade_not_by_any_passed_attempt(
    make_course, student
):
    course, _lessons = make_course(lessons=0)
    quiz = QuizPageFactory(parent=course, grading_method=GradingMethod.LAST)
    attempt(student, course, quiz, 1, "90.00")
    attempt(student, course, quiz, 2, "40.00")
    # Under "last attempt" the grade is 40: not passed, as the learner sees it.
    QuizGrade.objects.create(
        user=student, quiz=quiz, percent=Decimal("40.00"), passed=False
    )
    assert type(quiz).done_counts_by_user(steps=[quiz], user_ids=[student.pk]) == {}
    step = course_status_for(user=student, course=course).step_for(quiz.pk)
    assert step.done is False


def test_learner_report_and_figures_agree_an_unfinished_attempt_is_in_progress(
    make_course, student, school_admin
):
    course, _lessons = make_course(lessons=1)
    quiz = QuizPageFactory(parent=course)
    course_open(user=student, course=course)
    attempt(student, course, quiz, 1, "0", state=AttemptState.IN_PROGRESS)
    filters = ReportFilters()
    _courses, rows = learner_rows(viewer=school_admin, filters=filters)
    row = next(row for row in rows if row.user == student)
    assert row.cells[course.pk].status == Status.IN_PROGRESS
    facts = completion_facts_for(
        members=members_in_scope(viewer=school_admin, filters=filters),
        filters=filters,
    )
    assert facts.by_course()[course.pk].in_progress == 1


def test_course_learners_page_counts_an_opened_lesson_as_in_progress(
    client, make_course, student, school_admin
):
    course, lessons = make_course(lessons=2)
    course_open(user=student, course=course)
    lesson_start(user=student, lesson=lessons[0], course=course)
    client.force_login(school_admin)
    response = client.get(reverse("lms_courses_learners", args=[course.pk]))
    assert response.context["totals"]["in_progress"] == 1
    [row] = [r for r in response.context["page_obj"] if r.user == student]
    assert row.state == "in_progress"


def test_course_learners_page_lists_whom_the_course_is_meant_for_only(
    client, make_course, make_learner, school_class, school_admin
):
    other_class = SchoolClassFactory(
        school=school_class.school, school_year=school_class.school_year, name="10A2"
    )
    course, _lessons = make_course(lessons=1, enrolment_mode=EnrolmentMode.ASSIGNED)
    ClassAssignment.objects.create(course=course, school_class=school_class)
    make_learner("assigned")
    make_learner("unassigned", school_class_=other_class)
    volunteer = make_learner("volunteer", school_class_=other_class)
    Enrolment.objects.create(user=volunteer, course=course)
    client.force_login(school_admin)
    url = reverse("lms_courses_learners", args=[course.pk])
    response = client.get(url)
    states = {row.user.username: row.state for row in response.context["page_obj"]}
    assert states == {"assigned": "not_started", "volunteer": "enrolled"}
    assert response.context["totals"]["not_started"] == 1

    # A course of another school year is meant for nobody here.
    later = make_course(lessons=1)[0]
    later.school_years.add(SchoolYearFactory(name="2099-2100"))
    later.save()
    response = client.get(reverse("lms_courses_learners", args=[later.pk]))
    assert list(response.context["page_obj"]) == []


def test_my_learning_counts_an_opened_lesson_as_begun_like_the_reports(
    make_course, student, school_admin
):
    course, lessons = make_course()
    course_open(user=student, course=course)
    lesson_start(user=student, lesson=lessons[0], course=course)
    status = course_status_for(user=student, course=course)
    # No step is done yet, but a lesson was opened: in progress everywhere.
    assert status.standing == Status.IN_PROGRESS
    assert status.started
    filters = ReportFilters()
    facts = completion_facts_for(
        members=members_in_scope(viewer=school_admin, filters=filters),
        filters=filters,
    )
    assert facts.by_course()[course.pk].in_progress == 1


def test_my_learning_lists_an_enrolled_course_not_begun_apart_from_in_progress(
    make_course, student
):
    begun, begun_lessons = make_course(title="Đã mở")
    untouched, _lessons = make_course(title="Chưa mở")
    for course in (begun, untouched):
        course_open(user=student, course=course)
    lesson_start(user=student, lesson=begun_lessons[0], course=begun)
    dashboard = my_learning_for(user=student)
    assert [s.course.pk for s in dashboard["in_progress"]] == [begun.pk]
    assert [s.course.pk for s in dashboard["enrolled"]] == [untouched.pk]
    assert course_status_for(user=student, course=untouched).started is False
