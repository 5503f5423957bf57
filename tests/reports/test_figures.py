"""Exact figures for the known world, as each kind of viewer sees them."""

import pytest

from lms.reports.selectors import (
    Figures,
    ReportFilters,
    completion_facts,
    learner_rows,
    people_by_role,
    quiz_pass_rates,
)

pytestmark = pytest.mark.django_db


def as_tuple(figures: Figures):
    return (
        figures.learners,
        figures.enrolled,
        figures.in_progress,
        figures.completed,
        figures.percent,
    )


def test_completion_by_course_and_class_for_a_school_admin(world):
    facts = completion_facts(
        viewer=world.people["qt"], filters=ReportFilters(school_year=world.year)
    )
    k1, k2 = world.courses["K1"].pk, world.courses["K2"].pk
    a1, a2 = world.classes["10A1"].pk, world.classes["10A2"].pk
    table = {key: as_tuple(value) for key, value in facts.by_course_class().items()}
    assert table == {
        (k1, a1): (3, 2, 1, 1, 33.3),
        (k1, a2): (2, 2, 0, 1, 50.0),
        # Two teachers (one also homeroom teacher, counted once) and the admin.
        (k2, None): (3, 1, 0, 1, 33.3),
    }
    assert as_tuple(facts.total()) == (8, 5, 1, 3, 37.5)


def test_completion_by_role(world):
    facts = completion_facts(
        viewer=world.people["qt"], filters=ReportFilters(school_year=world.year)
    )
    by_role = {key: as_tuple(value) for key, value in facts.by_course_role().items()}
    assert by_role == {
        (world.courses["K1"].pk, "students"): (5, 4, 1, 2, 40.0),
        (world.courses["K2"].pk, "teachers"): (3, 1, 0, 1, 33.3),
    }


def test_role_filter_keeps_only_that_role(world):
    facts = completion_facts(
        viewer=world.people["qt"],
        filters=ReportFilters(school_year=world.year, role="teachers"),
    )
    assert as_tuple(facts.total()) == (3, 1, 0, 1, 33.3)


def test_date_range_counts_only_completions_inside_it(world):
    from datetime import date

    facts = completion_facts(
        viewer=world.people["qt"],
        filters=ReportFilters(
            school_year=world.year,
            completed_from=date(2000, 1, 1),
            completed_to=date(2000, 12, 31),
        ),
    )
    assert facts.total().completed == 0


def test_officer_sees_every_school_of_their_department_only(world):
    facts = completion_facts(
        viewer=world.people["so"], filters=ReportFilters(school_year=world.year)
    )
    assert set(facts.schools) == {world.schools["A"].pk, world.schools["B"].pk}
    by_school = {pk: as_tuple(value) for pk, value in facts.by_school().items()}
    assert by_school[world.schools["B"].pk] == (2, 1, 0, 1, 50.0)
    assert by_school[world.schools["A"].pk] == (8, 5, 1, 3, 37.5)


def test_homeroom_teacher_sees_only_their_class_students(world):
    facts = completion_facts(
        viewer=world.people["gvcn"], filters=ReportFilters(school_year=world.year)
    )
    assert set(facts.by_course_class()) == {
        (world.courses["K1"].pk, world.classes["10A1"].pk)
    }


def test_learner_list_has_status_and_best_score(world):
    courses, rows = learner_rows(
        viewer=world.people["qt"],
        filters=ReportFilters(
            school_year=world.year, school_class=world.classes["10A1"]
        ),
    )
    k1 = world.courses["K1"].pk
    cells = {row.user.username: row.cells[k1] for row in rows}
    # Vietnamese order: by given name first (Đang, Hoàn, Mở).
    assert [row.user.username for row in rows] == ["s2", "s1", "s3"]
    assert cells["s1"].status == "completed" and cells["s1"].best_score == 80.0
    assert cells["s2"].status == "in_progress" and cells["s2"].best_score == 40.0
    assert cells["s3"].status == "not_started" and cells["s3"].best_score is None


def test_people_trained_by_role_and_pass_rates(world):
    filters = ReportFilters(school_year=world.year, school=world.schools["A"])
    people = people_by_role(viewer=world.people["qt"], filters=filters)
    assert (people["students"].people, people["students"].trained) == (5, 2)
    assert (people["teachers"].people, people["teachers"].trained) == (3, 1)
    assert (people["collaborators"].people, people["collaborators"].trained) == (1, 0)
    rates = quiz_pass_rates(viewer=world.people["qt"], filters=filters)
    k1 = rates[world.courses["K1"].pk]
    assert (k1.takers, k1.passed, k1.pass_rate) == (2, 1, 50.0)


def test_a_quiz_counts_as_passed_by_the_grade_not_by_any_attempt(world):
    """Under "last attempt", a pass followed by a fail is a fail."""
    from quizzes.models import GradingMethod, QuizPage

    from .conftest import attempt

    k1 = world.courses["K1"]
    QuizPage.objects.descendant_of(k1).update(grading_method=GradingMethod.LAST)
    attempt(world.people["s4"], k1, "90.00", number=1)
    attempt(world.people["s4"], k1, "40.00", number=2)
    filters = ReportFilters(school_year=world.year, school=world.schools["A"])
    rates = quiz_pass_rates(viewer=world.people["qt"], filters=filters)
    figures = rates[k1.pk]
    # s1 (60 then 80: passed), s2 (40) and s4 (90 then 40: failed at last).
    assert (figures.takers, figures.passed) == (3, 1)


def test_people_by_role_counts_a_person_once_per_group_of_roles(world):
    """A teacher one year and a homeroom teacher the next is one teacher."""
    from lms.people.models import Role
    from tests.people.factories import (
        MembershipFactory,
        SchoolClassFactory,
        SchoolYearFactory,
    )

    next_year = SchoolYearFactory(name="2024-2025")
    MembershipFactory(
        user=world.people["t1"],
        role=Role.HOMEROOM_TEACHER,
        school=world.schools["A"],
        school_year=next_year,
        school_class=SchoolClassFactory(
            school=world.schools["A"], school_year=next_year, name="11A1"
        ),
    )
    people = people_by_role(
        viewer=world.people["so"], filters=ReportFilters(school=world.schools["A"])
    )
    # t1, gvcn and qt: three teachers, though t1 holds two teaching roles.
    assert people["teachers"].people == 3


@pytest.mark.parametrize("summary_built", [True, False])
def test_a_completion_whose_enrolment_was_deleted_still_counts_a_learner(
    world, summary_built
):
    """Two students a course is not meant for: one enrolled, one completed
    and then lost the enrolment. Both are learners of it."""
    from courses.models import CourseCompletion, Enrolment
    from lms.reports.models import SummaryBuild

    k2 = world.courses["K2"]  # for teachers
    s2, s3 = world.people["s2"], world.people["s3"]
    Enrolment.objects.create(user=s2, course=k2)
    Enrolment.objects.create(user=s3, course=k2)
    CourseCompletion.objects.create(user=s3, course=k2, course_title=k2.title)
    Enrolment.objects.filter(user=s3, course=k2).delete()
    if not summary_built:
        SummaryBuild.objects.all().delete()
    facts = completion_facts(
        viewer=world.people["qt"], filters=ReportFilters(school_year=world.year)
    )
    figures = facts.by_course_class()[(k2.pk, world.classes["10A1"].pk)]
    assert (figures.learners, figures.enrolled, figures.completed) == (2, 1, 1)


def test_a_completion_outside_the_date_range_leaves_the_learner_in_progress(world):
    """The date-range rule of docs/reports.md: the tables and the learner
    report agree."""
    from datetime import date

    filters = ReportFilters(
        school_year=world.year,
        school_class=world.classes["10A1"],
        completed_from=date(2000, 1, 1),
        completed_to=date(2000, 12, 31),
    )
    k1 = world.courses["K1"].pk
    facts = completion_facts(viewer=world.people["qt"], filters=filters)
    figures = facts.by_course()[k1]
    # s1 completed (outside the range) and s2 began; s3 never enrolled.
    assert (figures.learners, figures.in_progress, figures.completed) == (3, 2, 0)
    _courses, rows = learner_rows(viewer=world.people["qt"], filters=filters)
    states = sorted(row.cells[k1].status for row in rows)
    assert states == ["in_progress", "in_progress", "not_started"]
