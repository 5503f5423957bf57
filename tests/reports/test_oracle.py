"""The report oracle: every figure equals a naive recount from the base tables.

Hypothesis generates small Departments (schools, years, classes, people with
one or more roles, enrolments, lessons opened or finished, quiz attempts,
completions, certificates valid or revoked, class changes, erasures). For each
one, the recount below works the figures out membership by membership, in
plain Python over rows read straight from the tables, and every cell of the
report tables is compared with it:

- the Department comparison (schools side by side), the per-class table (the
  annual report's), completion by course and class, by role, by course;
- the learner report's status, completion date and certificate of each cell;
- with no filter and with each school, year, class, role, course and a
  completion date range;
- from the live count, from the summary kept up to date by the events
  ("fresh"), and from the summary after `summary_rebuild` ("rebuilt").

The recount shares no code with the reports: it knows the rules from the
README's reports section (who counts once, who is meant to take a course,
what "begun" means), not from lms.reports.
"""

import csv
import datetime
import io
from collections import defaultdict
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from certificates.models import Certificate, CertificateStatus
from courses.models import (
    ClassAssignment,
    CourseCompletion,
    CoursePage,
    Enrolment,
    EnrolmentMode,
    LessonProgress,
)
from lms.people.models import Membership, Role
from lms.people.services import person_erase
from lms.reports import annual, tables
from lms.reports.models import SummaryBuild
from lms.reports.selectors import (
    BUCKET_LABELS,
    ReportFilters,
    completion_facts,
    learner_rows,
)
from lms.reports.summary import summary_rebuild
from quizzes.models import AttemptState, QuizAttempt
from tests.courses.conftest import catalogue, site_root  # noqa: F401 (fixtures)
from tests.courses.factories import CoursePageFactory, LessonPageFactory
from tests.people.factories import (
    DepartmentFactory,
    SchoolClassFactory,
    SchoolFactory,
    SchoolYearFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.oracle]

STAFF_ROLES = [Role.TEACHER, Role.HOMEROOM_TEACHER, Role.SCHOOL_ADMIN]
ROLES = [Role.STUDENT, *STAFF_ROLES, Role.COLLABORATOR]
BUCKET = {
    Role.STUDENT: "students",
    Role.TEACHER: "teachers",
    Role.HOMEROOM_TEACHER: "teachers",
    Role.SCHOOL_ADMIN: "teachers",
    Role.COLLABORATOR: "collaborators",
}
DAY = datetime.date(2024, 3, 1)


# -- what Hypothesis draws -------------------------------------------------

membership_plan = st.tuples(
    st.sampled_from(ROLES),
    st.integers(0, 2),  # school
    st.integers(0, 1),  # year
    st.integers(0, 1),  # class within that school and year
)
course_plan = st.tuples(
    st.booleans(),  # enrolled
    st.sampled_from(["none", "opened", "done"]),  # first lesson
    st.booleans(),  # a quiz attempt (finished or not)
    st.one_of(st.none(), st.integers(-3, 3)),  # completed, days from DAY
    st.sampled_from(["none", "valid", "revoked"]),  # certificate
)
person_plan = st.tuples(
    st.lists(membership_plan, min_size=1, max_size=2),
    st.lists(course_plan, min_size=3, max_size=3),
    st.booleans(),  # moves to the other class afterwards
    st.booleans(),  # is erased afterwards
)
department_plan = st.fixed_dictionaries(
    {
        "schools": st.integers(2, 3),
        "years": st.integers(1, 2),
        "assigned": st.sets(st.tuples(st.integers(0, 2), st.integers(0, 1))),
        "course_year": st.booleans(),  # the assigned course runs in year 0 only
        "people": st.lists(person_plan, min_size=1, max_size=6),
    }
)


@dataclass
class Department:
    schools: list = field(default_factory=list)
    years: list = field(default_factory=list)
    classes: dict = field(default_factory=dict)  # (school, year, n) -> class


@pytest.fixture
def courses(catalogue):  # noqa: F811
    """Three courses that differ in audience and enrolment mode; their rows
    (lessons, quizzes) are made once, the Departments once per example."""
    automatic = CoursePageFactory(parent=catalogue, title="Tự động cho học sinh")
    assigned = CoursePageFactory(
        parent=catalogue,
        title="Giao theo lớp",
        for_teachers=True,
        enrolment_mode=EnrolmentMode.ASSIGNED,
    )
    chosen = CoursePageFactory(
        parent=catalogue,
        title="Tự ghi danh",
        for_students=False,
        for_teachers=True,
        for_collaborators=True,
        enrolment_mode=EnrolmentMode.SELF,
    )
    result = [automatic, assigned, chosen]
    lessons = {course.pk: LessonPageFactory(parent=course) for course in result}
    return result, lessons


def build(plan, courses, lessons, capture) -> Department:
    """Write the drawn Department through the ORM, so the summary's events run."""
    dept = Department()
    department = DepartmentFactory()
    for _ in range(plan["schools"]):
        dept.schools.append(SchoolFactory(department=department))
    for n in range(plan["years"]):
        dept.years.append(SchoolYearFactory(name=f"{2023 + n}-{2024 + n}"))
    for s, school in enumerate(dept.schools):
        for y, year in enumerate(dept.years):
            for n in range(2):
                dept.classes[(s, y, n)] = SchoolClassFactory(
                    school=school, school_year=year, name=f"1{s}A{y}{n}"
                )
    assigned_course = courses[1]
    for s, n in plan["assigned"]:
        if s < plan["schools"]:
            ClassAssignment.objects.create(
                course=assigned_course, school_class=dept.classes[(s, 0, n)]
            )
    if plan["course_year"]:
        CoursePage.school_years.through.objects.create(
            coursepage=assigned_course, schoolyear=dept.years[0]
        )
    now = timezone.make_aware(datetime.datetime.combine(DAY, datetime.time(10)))
    later = []
    with capture(execute=True):
        for memberships, progress, moves, erased in plan["people"]:
            user = UserFactory()
            held = set()
            for role, s, y, n in memberships:
                s, y = s % plan["schools"], y % plan["years"]
                # One role per school and year; one student place per year.
                key = (role, y) if role == Role.STUDENT else (role, s, y)
                if key in held:
                    continue
                held.add(key)
                with_class = role in (Role.STUDENT, Role.HOMEROOM_TEACHER)
                Membership.objects.create(
                    user=user,
                    role=role,
                    school=dept.schools[s],
                    school_year=dept.years[y],
                    school_class=dept.classes[(s, y, n)] if with_class else None,
                )
            for course_number, (
                course,
                (enrolled, lesson, attempt, done, cert),
            ) in enumerate(zip(courses, progress, strict=True)):
                # A completion is recorded only for an enrolled learner
                # (courses.services.course_completion_evaluate), and nothing
                # unenrols: the generator keeps to that.
                if enrolled or done is not None:
                    Enrolment.objects.create(user=user, course=course)
                if lesson != "none":
                    LessonProgress.objects.create(
                        user=user,
                        lesson=lessons[course.pk],
                        course=course,
                        lesson_title="Bài",
                        completed_at=now if lesson == "done" else None,
                    )
                if attempt:
                    QuizAttempt.objects.create(
                        user=user,
                        quiz=None,
                        quiz_title="Kiểm tra",
                        course=course,
                        number=1,
                        state=AttemptState.IN_PROGRESS,
                    )
                if done is not None:
                    CourseCompletion.objects.create(
                        user=user,
                        course=course,
                        course_title=course.title,
                        completed_at=now + datetime.timedelta(days=done),
                    )
                if cert != "none":
                    serial = f"S-{user.pk}-{course.pk}"
                    certificate = Certificate.objects.create(
                        holder=user,
                        course=course,
                        school_code="X",
                        year=2024,
                        serial=serial,
                        number=user.pk * 10 + course_number,
                        code=f"c-{serial}",
                        name_as_printed="Tên",
                        course_title=course.title,
                    )
                    if cert == "revoked":
                        certificate.status = CertificateStatus.REVOKED
                        certificate.save()
            later.append((user, moves, erased))
        for user, moves, erased in later:
            if moves:
                for membership in Membership.objects.filter(
                    user=user, school_class__isnull=False
                ):
                    s = dept.schools.index(membership.school)
                    y = dept.years.index(membership.school_year)
                    n = 1 - int(membership.school_class.name[-1])
                    membership.school_class = dept.classes[(s, y, n)]
                    membership.save()
            if erased:
                person_erase(person=user, erased_by=None, reason="", source="test")
    return dept


# -- the naive recount -----------------------------------------------------


def counted_memberships() -> list[Membership]:
    """Who the reports count, by the README's rule: one row per person, school
    and year for staff (teacher over homeroom teacher over school admin; the
    first homeroom class only); every student and collaborator membership."""
    everyone = list(Membership.objects.order_by("pk"))
    held = defaultdict(list)
    for m in everyone:
        held[(m.user_id, m.school_id, m.school_year_id)].append(m)
    counted = []
    for m in everyone:
        if m.role not in BUCKET:
            continue
        roles = [
            other.role for other in held[(m.user_id, m.school_id, m.school_year_id)]
        ]
        if m.role == Role.HOMEROOM_TEACHER:
            if Role.TEACHER in roles:
                continue
            first = min(
                o.pk
                for o in held[(m.user_id, m.school_id, m.school_year_id)]
                if o.role == Role.HOMEROOM_TEACHER
            )
            if m.pk != first:
                continue
        if m.role == Role.SCHOOL_ADMIN and (
            Role.TEACHER in roles or Role.HOMEROOM_TEACHER in roles
        ):
            continue
        counted.append(m)
    return counted


def audience(course) -> set[str]:
    roles = set()
    if course.for_students:
        roles.add(Role.STUDENT)
    if course.for_teachers:
        roles |= set(STAFF_ROLES)
    if course.for_collaborators:
        roles.add(Role.COLLABORATOR)
    return roles


def is_required(course, m: Membership) -> bool:
    if m.role not in audience(course):
        return False
    years = set(
        CoursePage.school_years.through.objects.filter(
            coursepage_id=course.pk
        ).values_list("schoolyear_id", flat=True)
    )
    if years and m.school_year_id not in years:
        return False
    if course.enrolment_mode == EnrolmentMode.AUTOMATIC:
        return True
    if course.enrolment_mode == EnrolmentMode.ASSIGNED:
        return ClassAssignment.objects.filter(
            course_id=course.pk, school_class_id=m.school_class_id
        ).exists()
    return False


@dataclass
class Recount:
    """The five figures of one membership in one course."""

    learners: int
    enrolled: int
    in_progress: int
    completed: int
    certificates: int

    def cells(self) -> list:
        not_started = max(self.learners - self.in_progress - self.completed, 0)
        percent = (
            round(100 * self.completed / self.learners, 1) if self.learners else None
        )
        return [
            self.learners,
            self.enrolled,
            self.in_progress,
            self.completed,
            not_started,
            percent,
            self.certificates,
        ]


def add(rows: list[Recount]) -> Recount:
    return Recount(
        *(sum(getattr(r, name) for r in rows) for name in Recount.__annotations__)
    )


def in_range(when, filters: ReportFilters) -> bool:
    day = timezone.localtime(when).date()
    if filters.completed_from and day < filters.completed_from:
        return False
    return not (filters.completed_to and day > filters.completed_to)


def members_in(filters: ReportFilters) -> list[Membership]:
    return [
        m
        for m in counted_memberships()
        if (filters.school is None or m.school_id == filters.school.pk)
        and (filters.school_year is None or m.school_year_id == filters.school_year.pk)
        and (
            filters.school_class is None or m.school_class_id == filters.school_class.pk
        )
        and (not filters.role or BUCKET[m.role] == filters.role)
    ]


def recount(
    filters: ReportFilters, courses
) -> list[tuple[Membership, object, Recount]]:
    """(membership, course, figures) for every counted membership in scope."""
    members = members_in(filters)
    courses = [
        c for c in courses if filters.course is None or c.pk == filters.course.pk
    ]
    enrolled = set(Enrolment.objects.values_list("user_id", "course_id"))
    completions = defaultdict(list)
    for user_id, course_id, when in CourseCompletion.objects.values_list(
        "user_id", "course_id", "completed_at"
    ):
        completions[(user_id, course_id)].append(when)
    began = set(LessonProgress.objects.values_list("user_id", "course_id")) | set(
        QuizAttempt.objects.values_list("user_id", "course_id")
    )
    valid = set(
        Certificate.objects.filter(status=CertificateStatus.VALID).values_list(
            "holder_id", "course_id"
        )
    )
    result = []
    for m in members:
        for course in courses:
            key = (m.user_id, course.pk)
            is_enrolled = key in enrolled
            completed = any(in_range(w, filters) for w in completions[key])
            figures = Recount(
                learners=0,
                enrolled=int(is_enrolled),
                in_progress=int(is_enrolled and key in began and not completions[key]),
                completed=int(completed),
                certificates=int(key in valid),
            )
            if is_required(course, m):
                figures.learners = 1
            else:
                figures.learners = max(figures.enrolled, figures.completed)
            result.append((m, course, figures))
    return result


# -- comparing -------------------------------------------------------------


def expected_tables(filters, courses, schools) -> dict[str, dict]:
    """Rows of each table keyed by their label cells, from the recount."""
    rows = recount(filters, courses)
    members = {m.pk: m for m in members_in(filters)}
    grouped = defaultdict(list)
    for m, course, figures in rows:
        grouped[("school", m.school_id)].append(figures)
        grouped[("class", m.school_class_id)].append(figures)
        grouped[("course_class", course.pk, m.school_class_id)].append(figures)
        grouped[("role", course.pk, BUCKET[m.role])].append(figures)
        grouped[("course", course.pk)].append(figures)
    people = defaultdict(int)
    class_people = defaultdict(int)
    for m in members.values():
        people[(m.school_id, BUCKET[m.role])] += 1
        class_people[m.school_class_id] += 1

    def live(key):  # a row is shown once it has any figure
        found = add(grouped[key]) if grouped[key] else None
        if found and any(
            [found.learners, found.enrolled, found.completed, found.certificates]
        ):
            return found.cells()
        return None

    department = {}
    for school in schools:
        buckets = [
            people[(school.pk, b)] for b in ("students", "teachers", "collaborators")
        ]
        if not any(buckets):
            continue
        figures = (
            add(grouped[("school", school.pk)])
            if grouped[("school", school.pk)]
            else Recount(0, 0, 0, 0, 0)
        )
        department[(school.name, school.code)] = [
            sum(buckets),
            *buckets,
            *figures.cells(),
        ]
    return {
        "department": department,
        "class_people": dict(class_people),
        "grouped": grouped,
        "live": live,
    }


def assert_reports_match(viewer, filters, courses, dept):
    facts = completion_facts(viewer=viewer, filters=filters)
    expected = expected_tables(filters, courses, dept.schools)
    where = f"{filters} summary={SummaryBuild.objects.exists()}"

    department = tables.department_table(facts)
    got = {(row[0], row[1]): row[2:] for row in department.rows}
    assert got == expected["department"], where
    assert (
        department.totals[2:]
        == tables.totals_row(department.columns, list(map(list, department.rows)))[2:]
    )

    classes = tables.class_table(facts)
    got = {row[0]: row[1:] for row in classes.rows}
    want = {}
    for class_id in {
        *expected["class_people"],
        *(k[1] for k in expected["grouped"] if k[0] == "class"),
    }:
        label = (
            str(tables.class_label(facts, class_id))
            if class_id
            else str(tables.class_label(facts, None))
        )
        figures = expected["grouped"][("class", class_id)]
        want[label] = [
            expected["class_people"].get(class_id, 0),
            *(add(figures) if figures else Recount(0, 0, 0, 0, 0)).cells(),
        ]
    assert got == want, where

    course_class = tables.course_class_table(facts)
    got = {(row[0], row[2]): row[3:] for row in course_class.rows}
    want = {}
    for key in expected["grouped"]:
        if key[0] == "course_class":
            cells = expected["live"](key)
            if cells is not None:
                course = next(c for c in courses if c.pk == key[1])
                want[(course.title, str(tables.class_label(facts, key[2])))] = cells
    assert got == want, where

    roles = tables.role_table(facts)
    got = {(row[0], row[1]): row[2:] for row in roles.rows}
    want = {}
    for key in expected["grouped"]:
        if key[0] == "role":
            cells = expected["live"](key)
            if cells is not None:
                course = next(c for c in courses if c.pk == key[1])
                want[(course.title, str(BUCKET_LABELS[key[2]]))] = cells
    assert got == want, where

    by_course = facts.by_course()
    for course in courses:
        if filters.course is not None and course != filters.course:
            continue
        figures = expected["grouped"][("course", course.pk)]
        want_cells = (add(figures) if figures else Recount(0, 0, 0, 0, 0)).cells()
        got_cells = tables.figure_cells(by_course.get(course.pk, tables.Figures()))
        assert got_cells == want_cells, (where, course.title)


def assert_learner_report_matches(viewer, filters, courses):
    _courses, rows = learner_rows(viewer=viewer, filters=filters)
    wanted = {}
    enrolled = set(Enrolment.objects.values_list("user_id", "course_id"))
    began = set(LessonProgress.objects.values_list("user_id", "course_id")) | set(
        QuizAttempt.objects.values_list("user_id", "course_id")
    )
    valid = {
        (h, c): s
        for h, c, s in Certificate.objects.filter(
            status=CertificateStatus.VALID
        ).values_list("holder_id", "course_id", "serial")
    }
    completed = {}
    for user_id, course_id, when in CourseCompletion.objects.values_list(
        "user_id", "course_id", "completed_at"
    ):
        if in_range(when, filters):
            completed[(user_id, course_id)] = when
    for m, course, _figures in recount(filters, courses):
        key = (m.user_id, course.pk)
        if key in completed:
            status = "completed"
        elif key in enrolled and key in began:
            status = "in_progress"
        elif key in enrolled:
            status = "enrolled"
        elif is_required(course, m):
            status = "not_started"
        else:
            status = ""
        wanted[(m.pk, course.pk)] = (status, completed.get(key), valid.get(key, ""))
    got = {
        (row.membership.pk, course_id): (
            cell.status,
            cell.completed_at,
            cell.certificate_serial,
        )
        for row in rows
        for course_id, cell in row.cells.items()
    }
    assert got == wanted, filters


# -- the downloads ---------------------------------------------------------


def with_totals(rows: list[list], percent: int, completed: int, learners: int):
    """`rows` and their totals row as the recount sees it: counts added up,
    the rate the share of the added-up columns (a row of zeros under none)."""
    width = percent + 2  # the certificates column closes both tables
    totals = [sum(row[i] or 0 for row in rows) for i in range(width)]
    whole = totals[learners]
    totals[percent] = round(100 * totals[completed] / whole, 1) if whole else None
    return [*rows, totals]


def read_number(text: str):
    if text == "":
        return None
    text = text.replace(",", ".")
    return float(text) if "." in text else int(text)


def read_csv(response) -> list[list]:
    text = response.content.decode("utf-8-sig")
    _header, *rows = csv.reader(io.StringIO(text))
    return [[row[0], row[1], *(read_number(cell) for cell in row[2:])] for row in rows]


def read_xlsx(content: bytes, sheet_index: int = 0, skip: int = 1) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[sheet_index]
    return [list(row) for row in sheet.iter_rows(min_row=skip + 1, values_only=True)]


def from_xlsx(row, first_number: int, percent: int) -> list:
    cells = list(row[first_number:])
    index = percent - first_number
    if cells[index] is not None:
        cells[index] = round(cells[index] * 100, 1)
    return cells


def assert_downloads_match(viewer, filters, courses, dept):
    """The Department comparison's CSV and XLSX, with their totals rows."""
    facts = completion_facts(viewer=viewer, filters=filters)
    table = tables.department_table(facts)
    wanted = dict(expected_tables(filters, courses, dept.schools)["department"])
    names = [(school.name, school.code) for school in dept.schools]
    order = sorted(key for key in names if key in wanted)  # by name by default
    body = [wanted[key] for key in order]
    # people..collaborators, then learners (4), completed (7), percent (9).
    want = with_totals(body, percent=9, completed=7, learners=4)
    got_csv = read_csv(table.export("csv", "oracle"))
    assert [row[2:] for row in got_csv] == want, filters
    assert [tuple(row[:2]) for row in got_csv[:-1]] == order
    got_xlsx = read_xlsx(table.export("xlsx", "oracle").content)
    assert [from_xlsx(row, 2, 11) for row in got_xlsx] == want, filters


def assert_annual_class_sheet_matches(viewer, school, year, courses, dept):
    """The annual report XLSX's class sheet: a row per class and one for staff."""
    filters = ReportFilters(school=school, school_year=year)
    expected = expected_tables(filters, courses, dept.schools)
    class_names = {c.pk: c.name for c in dept.classes.values()}
    rows = {}
    for class_id in {
        *expected["class_people"],
        *(key[1] for key in expected["grouped"] if key[0] == "class"),
    }:
        figures = expected["grouped"][("class", class_id)]
        rows[class_names.get(class_id)] = [
            expected["class_people"].get(class_id, 0),
            *(add(figures) if figures else Recount(0, 0, 0, 0, 0)).cells(),
        ]
    report = annual.annual_report_data(viewer=viewer, school=school, school_year=year)
    # Four heading lines, a blank line, the header.
    got = read_xlsx(annual.annual_report_xlsx(report), sheet_index=2, skip=6)
    labels = [row[0] for row in got[:-1]]
    staff = [label for label in labels if label not in class_names.values()]
    assert len(staff) == (1 if None in rows else 0), labels
    ordered = [None if label in staff else label for label in labels]
    assert set(ordered) == set(rows), labels
    # people (0), learners (1), completed (4), percent (6).
    want = with_totals(
        [rows[key] for key in ordered], percent=6, completed=4, learners=1
    )
    assert [from_xlsx(row, 1, 7) for row in got] == want, (school, year)


def every_filter(dept, courses) -> list[ReportFilters]:
    found = [ReportFilters()]
    found += [ReportFilters(school=school) for school in dept.schools]
    found += [ReportFilters(school_year=year) for year in dept.years]
    found += [ReportFilters(school_class=c) for c in list(dept.classes.values())[:3]]
    found += [
        ReportFilters(role=role) for role in ("students", "teachers", "collaborators")
    ]
    found += [ReportFilters(course=course) for course in courses]
    return found


DATE_RANGE = ReportFilters(
    completed_from=DAY - datetime.timedelta(days=1),
    completed_to=DAY + datetime.timedelta(days=1),
)


def check_department(viewer, dept, courses):
    """Live, fresh summary and rebuilt summary against the recount."""
    filters = every_filter(dept, courses)
    # The live count first (the summary set aside), then the summary kept up
    # to date by the events since its (empty) first build, then rebuilt.
    try:
        with transaction.atomic():
            SummaryBuild.objects.all().delete()
            for f in [*filters, DATE_RANGE]:
                assert_reports_match(viewer, f, courses, dept)
            for f in [ReportFilters(), DATE_RANGE, *filters[1 : 1 + len(dept.schools)]]:
                assert_learner_report_matches(viewer, f, courses)
                assert_downloads_match(viewer, f, courses, dept)
            for school in dept.schools:
                assert_annual_class_sheet_matches(
                    viewer, school, dept.years[0], courses, dept
                )
            raise Rollback
    except Rollback:
        pass
    for f in filters:
        assert_reports_match(viewer, f, courses, dept)
    summary_rebuild()
    for f in filters:
        assert_reports_match(viewer, f, courses, dept)


class Rollback(Exception):
    """Leaves an example's Department behind."""


def run_example(plan, courses, lessons, capture):
    try:
        with transaction.atomic():
            viewer = UserFactory(is_superuser=True)
            summary_rebuild()
            dept = build(plan, courses, lessons, capture)
            # Pages are read fresh, so each sees this example's school years.
            fresh = list(
                CoursePage.objects.filter(pk__in=[c.pk for c in courses]).order_by(
                    "path"
                )
            )
            check_department(viewer, dept, fresh)
            raise Rollback
    except Rollback:
        pass


EXAMPLES = settings(
    max_examples=10,
    derandomize=True,
    deadline=None,
    database=None,
    # A failure is reported as drawn: shrinking a Department takes minutes.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@EXAMPLES
@seed(20240301)
@given(plan=department_plan)
def test_every_report_figure_equals_a_naive_recount(
    plan, courses, django_capture_on_commit_callbacks
):
    course_pages, lessons = courses
    run_example(plan, course_pages, lessons, django_capture_on_commit_callbacks)


FIXED_PLAN = {
    "schools": 2,
    "years": 1,
    "assigned": {(0, 0)},
    "course_year": False,
    "people": [
        (
            [(Role.STUDENT, 0, 0, 0)],
            [
                (True, "opened", False, None, "none"),
                (True, "done", True, 0, "valid"),
                (False, "none", False, None, "none"),
            ],
            False,
            False,
        ),
        (
            [(Role.TEACHER, 1, 0, 0), (Role.HOMEROOM_TEACHER, 1, 0, 1)],
            [
                (False, "none", False, None, "none"),
                (True, "none", True, None, "revoked"),
                (True, "done", False, 1, "none"),
            ],
            False,
            False,
        ),
    ],
}


def test_the_oracle_passes_on_a_fixed_department(
    courses, django_capture_on_commit_callbacks
):
    course_pages, lessons = courses
    run_example(FIXED_PLAN, course_pages, lessons, django_capture_on_commit_callbacks)


@pytest.mark.parametrize(
    "figure", ["learners", "in_progress", "completed", "certificates"]
)
def test_the_oracle_fails_when_one_column_is_off_by_one(
    figure, courses, django_capture_on_commit_callbacks, monkeypatch
):
    """A mutation: one figure of one school's row is one too many."""
    course_pages, lessons = courses
    original = tables.figure_cells
    mutated = {"done": False}

    def off_by_one(figures):
        cells = original(figures)
        if getattr(figures, figure) and not mutated["done"]:
            index = (
                ["learners", "enrolled", "in_progress", "completed"].index(figure)
                if figure != "certificates"
                else 6
            )
            cells[index] += 1
            mutated["done"] = True
        return cells

    monkeypatch.setattr(tables, "figure_cells", off_by_one)
    with pytest.raises(AssertionError):
        run_example(
            FIXED_PLAN, course_pages, lessons, django_capture_on_commit_callbacks
        )
    assert mutated["done"]
