"""Simultaneous events in one class leave the summary right (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from courses.services import course_open, lesson_complete
from lms.people.models import Role
from lms.people.services import membership_ensure
from lms.reports.selectors import ReportFilters
from lms.reports.summary import summary_rebuild
from tests.courses.conftest import catalogue, make_course, site_root  # noqa: F401
from tests.people.factories import (
    MembershipFactory,
    SchoolClassFactory,
    UserFactory,
)

from .test_summary import assert_summary_equals_live, stored_rows

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_at_once(jobs) -> list[Exception]:
    barrier = threading.Barrier(len(jobs))
    errors = []

    def worker(job):
        try:
            barrier.wait()
            job()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_simultaneous_completions_moves_and_joins_in_one_class(make_course):  # noqa: F811
    summary_rebuild()
    course, lessons = make_course(lessons=1)
    first = SchoolClassFactory(name="10A1")
    second = SchoolClassFactory(
        name="10A2", school=first.school, school_year=first.school_year
    )
    students = []
    for index in range(6):
        student = UserFactory(username=f"hs{index}")
        MembershipFactory(user=student, role=Role.STUDENT, school_class=first)
        course_open(user=student, course=course)
        students.append(student)
    newcomers = [UserFactory(username=f"moi{index}") for index in range(2)]

    def complete(student):
        return lambda: lesson_complete(user=student, lesson=lessons[0], course=course)

    def move(student):
        return lambda: membership_ensure(
            user=student,
            role=Role.STUDENT,
            school_year=first.school_year,
            school_class=second,
        )

    def join(student):
        def run():
            MembershipFactory(user=student, role=Role.STUDENT, school_class=first)
            course_open(user=student, course=course)
            lesson_complete(user=student, lesson=lessons[0], course=course)

        return run

    jobs = [complete(student) for student in students]
    # The same people move class while they complete: person locks order them.
    jobs += [move(student) for student in students[:3]]
    jobs += [join(newcomer) for newcomer in newcomers]
    assert run_at_once(jobs) == []

    everyone = UserFactory(username="root", is_superuser=True)
    assert_summary_equals_live(everyone, ReportFilters())
    kept = stored_rows()
    summary_rebuild()
    assert stored_rows() == kept
    totals = {group[2]: members for group, members in kept[0].items()}
    assert totals == {first.pk: 5, second.pk: 3}
