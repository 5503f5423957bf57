"""Reports choose the school year: a course required every school year counts
only that year's completions; any other course counts a completion in the
year it was made and every later year, never in an earlier one, so a year's
figures stay as they were once the next year starts (issue 15, point 2).

Last year's history is written as rows carrying last year (the learner's
school year when they were made); this year's activity goes through the
services, with the summary kept up to date by their events.
"""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from certificates.models import Certificate
from courses.models import CourseCompletion, Enrolment
from courses.services import course_open, lesson_complete
from lms.people.models import Role
from lms.reports import annual
from lms.reports.models import CompletionSummary
from lms.reports.selectors import (
    ReportFilters,
    completion_facts,
    completion_facts_for,
    completion_facts_from_summary,
    courses_for_report,
    learner_rows,
    members_in_scope,
    people_by_role,
)
from lms.reports.summary import summary_rebuild
from tests.courses.conftest import catalogue, site_root  # noqa: F401 (fixtures)
from tests.courses.factories import CoursePageFactory, LessonPageFactory
from tests.people.factories import (
    MembershipFactory,
    SchoolClassFactory,
    SchoolFactory,
    SchoolYearFactory,
    UserFactory,
)

from .conftest import summary  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

COMPLETION = reverse("lms_reports:completion")
LEARNERS = reverse("lms_reports:learners")
ANNUAL = reverse("lms_reports:annual")


class Years:
    """School A; last year's 10A1 is this year's 11A1. Two courses for
    students, both automatic: YEARLY (required every school year) and ONCE."""

    def __init__(self, parent):
        self.current = SchoolYearFactory()
        first = int(self.current.name[:4])
        self.past = SchoolYearFactory(name=f"{first - 1}-{first}")
        self.school = SchoolFactory(name="Trường THPT An Lạc", code="AL")
        self.old_class = SchoolClassFactory(
            school=self.school, school_year=self.past, name="10A1"
        )
        self.new_class = SchoolClassFactory(
            school=self.school, school_year=self.current, name="11A1"
        )
        self.yearly = CoursePageFactory(
            parent=parent, title="Luật An ninh mạng", required_every_year=True
        )
        self.once = CoursePageFactory(parent=parent, title="Văn hóa ứng xử")
        self.lessons = {
            self.yearly.pk: [LessonPageFactory(parent=self.yearly)],
            self.once.pk: [LessonPageFactory(parent=self.once)],
        }
        self.admin = UserFactory(username="qt", full_name="Quản Trị An Lạc")
        for year in (self.past, self.current):
            MembershipFactory(
                user=self.admin,
                role=Role.SCHOOL_ADMIN,
                school=self.school,
                school_class=None,
                school_year=year,
            )
        # Khang was in 10A1 last year and is in 11A1 now; Hà joined this year.
        self.khang = self.student("khang", "Trần Minh Khang", both_years=True)
        self.ha = self.student("ha", "Lê Thị Thu Hà", both_years=False)

    def student(self, username, full_name, *, both_years):
        user = UserFactory(username=username, full_name=full_name)
        classes = [self.old_class, self.new_class] if both_years else [self.new_class]
        for school_class in classes:
            MembershipFactory(user=user, role=Role.STUDENT, school_class=school_class)
        return user

    def completed_last_year(self, user, course):
        """Last April's completion, as it was recorded then."""
        when = timezone.make_aware(
            datetime.datetime(self.past.ends_on.year, 4, 20, 9, 30)
        )
        Enrolment.objects.get_or_create(
            user=user, course=course, defaults={"source": "automatic"}
        )
        return CourseCompletion.objects.create(
            user=user,
            course=course,
            course_title=course.title,
            completed_at=when,
            school_year=self.past,
            cycle=self.past.pk if course.required_every_year else 0,
        )

    def complete_now(self, user, course):
        course_open(user=user, course=course)
        for lesson in self.lessons[course.pk]:
            lesson_complete(user=user, lesson=lesson, course=course)

    def filters(self, year, **kwargs):
        return ReportFilters(school_year=year, school=self.school, **kwargs)


@pytest.fixture
def years(catalogue, summary, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        world = Years(catalogue)
        world.completed_last_year(world.khang, world.yearly)
        world.completed_last_year(world.khang, world.once)
        return world


def figures(world, year, course, *, live=False):
    filters = world.filters(year)
    if live:
        facts = completion_facts_for(
            members=members_in_scope(viewer=world.admin, filters=filters),
            filters=filters,
        )
    else:
        facts = completion_facts(viewer=world.admin, filters=filters)
    return facts.by_course()[course.pk]


@pytest.mark.parametrize("live", [False, True], ids=["summary", "live"])
def test_last_years_completion_of_a_yearly_course_counts_in_last_year_only(years, live):
    last = figures(years, years.past, years.yearly, live=live)
    assert (last.learners, last.completed, last.percent) == (1, 1, 100.0)
    now = figures(years, years.current, years.yearly, live=live)
    # Khang and Hà are both meant to take it this year; neither has yet.
    assert (now.learners, now.completed, now.not_started) == (2, 0, 2)


@pytest.mark.parametrize("live", [False, True], ids=["summary", "live"])
def test_last_years_completion_of_another_course_counts_in_both_years(years, live):
    last = figures(years, years.past, years.once, live=live)
    assert (last.learners, last.completed) == (1, 1)
    now = figures(years, years.current, years.once, live=live)
    assert (now.learners, now.completed) == (2, 1)


def _signed_figures(world, year):
    """Everything a principal signs for `year`: every course's figures, live
    and from the summary, the people by role and the learner cells."""
    filters = world.filters(year)
    members = members_in_scope(viewer=world.admin, filters=filters)
    _courses, rows = learner_rows(viewer=world.admin, filters=filters)

    def signed(facts):
        # Who is enrolled is today's fact (enrolments carry no school year).
        return {
            course_id: (f.learners, f.in_progress, f.completed, f.certificates)
            for course_id, f in facts.by_course().items()
        }

    return {
        "summary": signed(completion_facts(viewer=world.admin, filters=filters)),
        "live": signed(completion_facts_for(members=members, filters=filters)),
        "people": {
            bucket: (figures.people, figures.trained)
            for bucket, figures in people_by_role(
                viewer=world.admin, filters=filters
            ).items()
        },
        "cells": {
            (row.user.username, course_id): (cell.status, cell.completed_at)
            for row in rows
            for course_id, cell in row.cells.items()
        },
    }


def test_this_years_completions_leave_last_years_figures_as_they_were(
    years, django_capture_on_commit_callbacks
):
    signed = _signed_figures(years, years.past)
    with django_capture_on_commit_callbacks(execute=True):
        years.complete_now(years.khang, years.yearly)  # again, this year
        years.complete_now(years.ha, years.once)
        # Someone of last year's class who completes the other course only now.
        late = years.student("late", "Phạm Quốc Bảo", both_years=True)
        signed_with_late = _signed_figures(years, years.past)
        years.complete_now(late, years.once)
    assert (
        CourseCompletion.objects.filter(user=years.khang, course=years.yearly).count()
        == 2
    )
    after = _signed_figures(years, years.past)
    assert after["summary"] == after["live"]
    for key in ("summary", "live", "people"):
        assert after[key] == signed_with_late[key], key
    assert after["summary"][years.once.pk][2] == 1  # not Bảo's, made now
    assert after["cells"][("late", years.once.pk)][0] != "completed"
    # Khang's completion this year leaves last year's one as the only one there.
    assert signed["summary"][years.yearly.pk][2] == 1
    assert after["summary"][years.yearly.pk][2] == 1

    now = figures(years, years.current, years.yearly)
    assert (now.learners, now.completed) == (3, 1)
    now_once = figures(years, years.current, years.once)
    assert (now_once.learners, now_once.completed) == (3, 3)


def _stored_summary():
    return sorted(
        (
            row.group.school_id,
            row.group.school_year_id,
            row.group.school_class_id,
            row.group.role,
            row.course_id,
            row.enrolled,
            row.in_progress,
            row.completed,
            row.certificates,
            row.completed_unenrolled,
        )
        for row in CompletionSummary.objects.select_related("group")
        if any((row.enrolled, row.in_progress, row.completed, row.certificates))
    )


def test_the_summary_kept_by_events_equals_a_fresh_recount(
    years, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        course_open(user=years.khang, course=years.yearly)  # begun again
        years.complete_now(years.ha, years.yearly)
        years.complete_now(years.ha, years.once)
    for year in (years.past, years.current, None):
        filters = ReportFilters(school_year=year, school=years.school)
        live = completion_facts_for(
            members=members_in_scope(viewer=years.admin, filters=filters),
            filters=filters,
        )
        kept = completion_facts_from_summary(
            viewer=years.admin,
            filters=filters,
            courses=courses_for_report(filters=filters),
        )
        assert kept.figures == live.figures, year
    kept_rows = _stored_summary()
    summary_rebuild()
    assert _stored_summary() == kept_rows


def test_the_learner_report_shows_each_years_own_standing(years):
    for year, expected in ((years.past, "completed"), (years.current, "enrolled")):
        _courses, rows = learner_rows(viewer=years.admin, filters=years.filters(year))
        khang = next(row for row in rows if row.user == years.khang)
        assert khang.cells[years.yearly.pk].status == expected, year
        assert khang.cells[years.once.pk].status == "completed", year


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_exports_agree_with_the_years_figures(client, years):
    client.force_login(years.admin)
    for year, completed in ((years.past, "1"), (years.current, "0")):
        query = {"school_year": year.pk, "school": years.school.pk}
        header, *rows = _csv(
            client.get(COMPLETION, {**query, "export": "csv", "table": "courses"})
        )
        row = next(row for row in rows if row[0] == years.yearly.title)
        assert row[header.index("Đã hoàn thành")] == completed, year
        sheet = load_workbook(
            io.BytesIO(
                client.get(
                    COMPLETION, {**query, "export": "xlsx", "table": "courses"}
                ).content
            )
        ).active
        values = [list(r) for r in sheet.iter_rows(values_only=True)]
        row = next(r for r in values if r[0] == years.yearly.title)
        assert row[values[0].index("Đã hoàn thành")] == int(completed), year
        header, *rows = _csv(
            client.get(LEARNERS, {**query, "export": "csv", "table": "learners"})
        )
        khang = next(row for row in rows if row[1] == "khang")
        status = header.index(f"{years.yearly.title}: trạng thái")
        assert khang[status] == ("Đã hoàn thành" if completed == "1" else "Đã ghi danh")


def test_the_annual_report_counts_only_its_years_completions(years):
    for year, completed in ((years.past, 1), (years.current, 0)):
        report = annual.annual_report_data(
            viewer=years.admin, school=years.school, school_year=year
        )
        row = next(r for r in report.courses.rows if r[0] == years.yearly.title)
        keys = [column.key for column in report.courses.columns]
        assert row[keys.index("completed")] == completed, year
    workbook = load_workbook(
        io.BytesIO(
            annual.annual_report_xlsx(
                annual.annual_report_data(
                    viewer=years.admin, school=years.school, school_year=years.past
                )
            )
        )
    )
    assert any(
        row[0] == years.yearly.title and 1 in row
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
    )


def test_a_yearly_certificate_counts_in_its_own_year(years):
    Certificate.objects.create(
        holder=years.khang,
        course=years.yearly,
        school_code="AL",
        year=years.past.starts_on.year,
        serial="AL-1",
        number=1,
        code="c-al-1",
        name_as_printed="Trần Minh Khang",
        course_title=years.yearly.title,
        school_year=years.past,
        cycle=years.past.pk,
        expires_on=years.past.ends_on,
    )
    summary_rebuild()
    assert figures(years, years.past, years.yearly).certificates == 1
    assert figures(years, years.current, years.yearly).certificates == 0
    assert Certificate.objects.count() == 1


def test_the_dashboard_shows_this_years_figures(years):
    from lms.reports.dashboard import dashboard_memberships, school_summaries

    memberships = dashboard_memberships(viewer=years.admin, school_year=years.current)
    (school,) = school_summaries(
        viewer=years.admin, school_year=years.current, memberships=memberships
    )
    # Two courses, two students this year: only Khang's other course counts.
    assert (school.figures.learners, school.figures.completed) == (4, 1)


def test_the_course_learners_page_chooses_the_school_year(client, years):
    client.force_login(years.admin)
    url = reverse("lms_courses_learners", args=[years.yearly.pk])
    for year, completed, listed in ((years.past, 1, 1), (years.current, 0, 2)):
        response = client.get(url, {"school_year": year.pk})
        assert response.status_code == 200
        totals = response.context["totals"]
        assert totals["completed"] == completed, year
        assert sum(totals.values()) == listed, year
        assert f'<option value="{year.pk}" selected>' in response.content.decode()
    # Without a year: this year's completions of a yearly course.
    assert client.get(url).context["totals"]["completed"] == 0
