"""The report oracle: every figure equals a naive recount from the base tables.

Hypothesis generates small Departments (schools, years, classes, people with
one or more roles, enrolments, lessons opened or finished, quiz attempts,
completions, certificates valid or revoked, class changes, erasures). For each
one, the recount below works the figures out membership by membership, in
plain Python over rows read straight from the tables, and every cell of the
report tables is compared with it:

- the Department comparison (schools side by side), the per-class table (the
  annual report's), completion by course and class, by role, by course;
- the quiz columns (learners who finished an attempt, who passed by their
  grade under the quiz's grading method, the pass rate) and the people by
  role (people, started, completed);
- the learner report's status, completion date, best score and certificate
  of each cell;
- the downloads: the completion page's tables, the learner report and the
  Department comparison as CSV and XLSX, the annual report's people, course
  and class sheets, totals rows included;
- with no filter and with each school, year, class, role, course and a
  completion date range (the date-range rule of docs/reports.md);
- as a superuser, a school admin, a homeroom teacher and a Department
  officer, each recounted within what they may see;
- from the live count, from the summary kept up to date by the events
  ("fresh"), and from the summary after `summary_rebuild` ("rebuilt").

The recount shares no code with the reports: it knows the rules from
docs/reports.md (who counts once, who is meant to take a course,
what "begun" means), not from lms.reports.
"""

import csv
import dataclasses
import datetime
import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

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
    STATUS_LABELS,
    ReportFilters,
    completion_facts,
    learner_rows,
    people_by_role,
    quiz_pass_rates,
)
from lms.reports.summary import summary_rebuild
from lms.reports.views import CompletionReportView, LearnerReportView
from quizzes.models import AttemptState, GradingMethod, QuizAttempt, QuizPage
from quizzes.services import quiz_grade_update
from tests.courses.conftest import catalogue, site_root  # noqa: F401 (fixtures)
from tests.courses.factories import CoursePageFactory, LessonPageFactory
from tests.people.factories import (
    DepartmentFactory,
    SchoolClassFactory,
    SchoolFactory,
    SchoolYearFactory,
    UserFactory,
)
from tests.quizzes.factories import QuizPageFactory

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
    # Enrolled; "dropped": enrolled, the enrolment deleted after the rest.
    st.sampled_from(["no", "yes", "dropped"]),
    st.sampled_from(["none", "opened", "done"]),  # first lesson
    st.booleans(),  # an unfinished quiz attempt
    st.lists(st.sampled_from([40, 70, 90]), max_size=2),  # finished, in order
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
    viewers: dict = field(default_factory=dict)  # who looks -> user


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
    # One quiz each, graded three ways; "last attempt" tells a pass by the
    # grade from a pass by any attempt. Not required: completions are drawn.
    methods = [GradingMethod.HIGHEST, GradingMethod.LAST, GradingMethod.AVERAGE]
    for course, method in zip(result, methods, strict=True):
        lessons[("quiz", course.pk)] = QuizPageFactory(
            parent=course, grading_method=method, required=False
        )
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
        add_viewers(dept, department)
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
            dropped = []
            for course_number, (
                course,
                (enrolled, lesson, attempt, finished, done, cert),
            ) in enumerate(zip(courses, progress, strict=True)):
                # A completion is recorded only for an enrolled learner
                # (courses.services.course_completion_evaluate); the enrolment
                # may be deleted afterwards ("dropped").
                if enrolled != "no" or done is not None:
                    enrolment = Enrolment.objects.create(user=user, course=course)
                    if enrolled == "dropped":
                        dropped.append(enrolment)
                if lesson != "none":
                    LessonProgress.objects.create(
                        user=user,
                        lesson=lessons[course.pk],
                        course=course,
                        lesson_title="Bài",
                        completed_at=now if lesson == "done" else None,
                    )
                quiz = lessons[("quiz", course.pk)]
                for number, percent in enumerate(finished, start=1):
                    QuizAttempt.objects.create(
                        user=user,
                        quiz=quiz,
                        quiz_title="Kiểm tra",
                        course=course,
                        number=number,
                        state=AttemptState.FINISHED,
                        submitted_at=now,
                        percent=Decimal(percent),
                        passed=percent >= quiz.pass_mark,
                    )
                if finished:
                    quiz_grade_update(user=user, quiz=quiz)
                if attempt:
                    QuizAttempt.objects.create(
                        user=user,
                        quiz=quiz,
                        quiz_title="Kiểm tra",
                        course=course,
                        number=len(finished) + 1,
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
            for enrolment in dropped:
                enrolment.delete()
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


def add_viewers(dept: Department, department) -> None:
    """A school admin (school 0, year 0), a homeroom teacher (its first class)
    and an officer of the Department; the first two count as staff too."""
    year = dept.years[0]
    admin = UserFactory()
    Membership.objects.create(
        user=admin, role=Role.SCHOOL_ADMIN, school=dept.schools[0], school_year=year
    )
    homeroom = UserFactory()
    Membership.objects.create(
        user=homeroom,
        role=Role.HOMEROOM_TEACHER,
        school=dept.schools[0],
        school_year=year,
        school_class=dept.classes[(0, 0, 0)],
    )
    officer = UserFactory()
    Membership.objects.create(
        user=officer,
        role=Role.DEPARTMENT_OFFICER,
        department=department,
        school=None,
        school_year=year,
    )
    dept.viewers = {"school_admin": admin, "homeroom": homeroom, "officer": officer}


# -- the naive recount -----------------------------------------------------

# The base tables as read once per example: the checks change none of them.
READ: dict = {}


def read(key: str, make) -> list:
    if key not in READ:
        READ[key] = list(make())
    return READ[key]


def counted_memberships() -> list[Membership]:
    """Who the reports count, by the rule of docs/reports.md: one row per person, school
    and year for staff (teacher over homeroom teacher over school admin; the
    first homeroom class only); every student and collaborator membership."""
    everyone = read(
        "memberships",
        lambda: Membership.objects.select_related(
            "school", "school_class", "user__lms_profile"
        ).order_by("pk"),
    )
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
    years = {
        year
        for page, year in read(
            "course_years",
            lambda: CoursePage.school_years.through.objects.values_list(
                "coursepage_id", "schoolyear_id"
            ),
        )
        if page == course.pk
    }
    if years and m.school_year_id not in years:
        return False
    if course.enrolment_mode == EnrolmentMode.AUTOMATIC:
        return True
    if course.enrolment_mode == EnrolmentMode.ASSIGNED:
        return (course.pk, m.school_class_id) in set(
            read(
                "assigned",
                lambda: ClassAssignment.objects.values_list(
                    "course_id", "school_class_id"
                ),
            )
        )
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


def may_see(viewer, m: Membership, filters: ReportFilters) -> bool:
    """The visibility rule (docs/schools-and-roles.md), for a membership;
    with a school year filter only the viewer's roles of that year count
    (an officer's always)."""
    if viewer is None or viewer.is_superuser:
        return True
    for mine in read(f"viewer-{viewer.pk}", lambda: viewer.memberships.all()):
        year = filters.school_year
        if mine.role == Role.DEPARTMENT_OFFICER:
            if m.school.department_id == mine.department_id:
                return True
            continue
        if year is not None and mine.school_year_id != year.pk:
            continue
        if mine.role == Role.SCHOOL_ADMIN and (
            (m.school_id, m.school_year_id) == (mine.school_id, mine.school_year_id)
        ):
            return True
        if (
            mine.role == Role.HOMEROOM_TEACHER
            and m.role == Role.STUDENT
            and m.school_class_id == mine.school_class_id
        ):
            return True
    return False


def members_in(filters: ReportFilters, viewer=None) -> list[Membership]:
    return [
        m
        for m in counted_memberships()
        if may_see(viewer, m, filters)
        and (filters.school is None or m.school_id == filters.school.pk)
        and (filters.school_year is None or m.school_year_id == filters.school_year.pk)
        and (
            filters.school_class is None or m.school_class_id == filters.school_class.pk
        )
        and (not filters.role or BUCKET[m.role] == filters.role)
    ]


def recount(
    filters: ReportFilters, courses, viewer=None
) -> list[tuple[Membership, object, Recount]]:
    """(membership, course, figures) for every counted membership in scope.

    The date-range rule: a completion outside the range counts as none, in
    every figure (so that learner may be in progress, or not started).
    """
    members = members_in(filters, viewer)
    courses = [
        c for c in courses if filters.course is None or c.pk == filters.course.pk
    ]
    enrolled = enrolled_pairs()
    completions = defaultdict(list)
    for user_id, course_id, when in read(
        "completions",
        lambda: CourseCompletion.objects.values_list(
            "user_id", "course_id", "completed_at"
        ),
    ):
        completions[(user_id, course_id)].append(when)
    began = began_pairs()
    valid = {(h, c) for h, c, _serial in valid_certificates()}
    result = []
    for m in members:
        for course in courses:
            key = (m.user_id, course.pk)
            is_enrolled = key in enrolled
            completed = any(in_range(w, filters) for w in completions[key])
            figures = Recount(
                learners=0,
                enrolled=int(is_enrolled),
                in_progress=int(is_enrolled and key in began and not completed),
                completed=int(completed),
                certificates=int(key in valid),
            )
            if is_required(course, m):
                figures.learners = 1
            else:  # enrolled, or completed (perhaps no longer enrolled)
                figures.learners = int(is_enrolled or completed)
            result.append((m, course, figures))
    return result


def enrolled_pairs() -> set[tuple[int, int]]:
    pair = ("user_id", "course_id")
    return set(read("enrolments", lambda: Enrolment.objects.values_list(*pair)))


def began_pairs() -> set[tuple[int, int]]:
    """A lesson opened or a quiz attempt started (finished or not)."""
    pair = ("user_id", "course_id")
    lessons = read("lessons", lambda: LessonProgress.objects.values_list(*pair))
    attempts = read("attempts", lambda: QuizAttempt.objects.values_list(*pair))
    return set(lessons) | set(attempts)


def valid_certificates() -> list[tuple]:
    return read(
        "certificates",
        lambda: Certificate.objects.filter(status=CertificateStatus.VALID).values_list(
            "holder_id", "course_id", "serial"
        ),
    )


def finished_attempts() -> list[tuple]:
    """(user, course, quiz, percent) of every finished attempt, in order."""
    return read(
        "finished",
        lambda: (
            QuizAttempt.objects.filter(state=AttemptState.FINISHED)
            .order_by("number")
            .values_list("user_id", "course_id", "quiz_id", "percent")
        ),
    )


def grades() -> dict[tuple[int, int], bool]:
    """(user, quiz) -> passes: each learner's grade worked out from their
    finished attempts under the quiz's grading method."""
    if "grades" in READ:
        return READ["grades"]
    quizzes = {quiz.pk: quiz for quiz in QuizPage.objects.all()}
    percents = defaultdict(list)
    for user_id, _course_id, quiz_id, percent in finished_attempts():
        if quiz_id is not None:
            percents[(user_id, quiz_id)].append(percent)
    result = {}
    for (user_id, quiz_id), found in percents.items():
        quiz = quizzes[quiz_id]
        if quiz.grading_method == GradingMethod.LAST:
            grade = found[-1]
        elif quiz.grading_method == GradingMethod.FIRST:
            grade = found[0]
        elif quiz.grading_method == GradingMethod.AVERAGE:
            grade = (sum(found) / len(found)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        else:
            grade = max(found)
        result[(user_id, quiz_id)] = grade >= quiz.pass_mark
    READ["grades"] = result
    return result


def quiz_recount(filters, courses, viewer=None) -> dict[int, tuple[int, int]]:
    """Course -> (people who finished an attempt, people whose grade passes)."""
    users = {m.user_id for m in members_in(filters, viewer)}
    passes = grades()
    takers, passed = defaultdict(set), defaultdict(set)
    for user_id, course_id, quiz_id, _percent in finished_attempts():
        if user_id in users:
            takers[course_id].add(user_id)
            if passes.get((user_id, quiz_id)):
                passed[course_id].add(user_id)
    return {c.pk: (len(takers[c.pk]), len(passed[c.pk])) for c in courses}


def best_scores() -> dict[tuple[int, int], float]:
    best = {}
    for user_id, course_id, _quiz_id, percent in finished_attempts():
        key = (user_id, course_id)
        best[key] = max(best.get(key, percent), percent)
    return {key: float(value) for key, value in best.items()}


def people_recount(filters, courses, viewer=None) -> dict[str, list]:
    """Bucket -> [people, started a course, completed one (in the range)]."""
    course_ids = {
        c.pk for c in courses if filters.course is None or c.pk == filters.course.pk
    }
    enrolled = {u for u, c in enrolled_pairs() if c in course_ids}
    trained = {
        u
        for u, c, when in read(
            "completions",
            lambda: CourseCompletion.objects.values_list(
                "user_id", "course_id", "completed_at"
            ),
        )
        if c in course_ids and in_range(when, filters)
    }
    people = defaultdict(set)
    for m in members_in(filters, viewer):
        people[BUCKET[m.role]].add(m.user_id)
    return {
        bucket: [
            len(people[bucket]),
            len(people[bucket] & enrolled),
            len(people[bucket] & trained),
        ]
        for bucket in BUCKET_LABELS
    }


# -- comparing -------------------------------------------------------------


def expected_tables(filters, courses, schools, viewer=None) -> dict[str, dict]:
    """Rows of each table keyed by their label cells, from the recount."""
    rows = recount(filters, courses, viewer)
    members = {m.pk: m for m in members_in(filters, viewer)}
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


def course_rows(filters, courses, expected, quizzes) -> list[list]:
    """The completion page's table by course: figures, then the quiz columns."""
    rows = []
    for course in courses:
        if filters.course is not None and course != filters.course:
            continue
        figures = expected["grouped"][("course", course.pk)]
        takers, passed = quizzes[course.pk]
        rows.append(
            [
                course.title,
                *(add(figures) if figures else Recount(0, 0, 0, 0, 0)).cells(),
                takers,
                passed,
                round(100 * passed / takers, 1) if takers else None,
            ]
        )
    return rows


def assert_reports_match(viewer, filters, courses, dept, *, summary_only=False):
    """Every table of the report pages; `summary_only`: those the completion
    summary feeds (the quiz and people figures are always counted live)."""
    facts = completion_facts(viewer=viewer, filters=filters)
    expected = expected_tables(filters, courses, dept.schools, viewer)
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
    if summary_only:
        return

    quizzes = quiz_recount(filters, courses, viewer)
    got = quiz_pass_rates(viewer=viewer, filters=filters)
    for course in courses:
        if filters.course is None or course == filters.course:
            figures = got.get(course.pk)
            found = (figures.takers, figures.passed) if figures else (0, 0)
            assert found == quizzes[course.pk], (where, course.title)
    table = tables.course_table(facts, got)
    assert table.rows == course_rows(filters, courses, expected, quizzes), where

    people = people_by_role(viewer=viewer, filters=filters)
    want = people_recount(filters, courses, viewer)
    assert {
        bucket: [found.people, found.participants, found.trained]
        for bucket, found in people.items()
    } == want, where


def expected_learner_cells(viewer, filters, courses) -> dict:
    """(membership, course) -> (status, completed at, best score, serial)."""
    wanted = {}
    best = best_scores()
    enrolled = enrolled_pairs()
    began = began_pairs()
    valid = {(h, c): s for h, c, s in valid_certificates()}
    completed = {}
    for user_id, course_id, when in read(
        "completions",
        lambda: CourseCompletion.objects.values_list(
            "user_id", "course_id", "completed_at"
        ),
    ):
        if in_range(when, filters):
            completed[(user_id, course_id)] = when
    for m, course, _figures in recount(filters, courses, viewer):
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
        wanted[(m.pk, course.pk)] = (
            status,
            completed.get(key),
            best.get(key),
            valid.get(key, ""),
        )
    return wanted


def assert_learner_report_matches(viewer, filters, courses):
    _courses, rows = learner_rows(viewer=viewer, filters=filters)
    got = {
        (row.membership.pk, course_id): (
            cell.status,
            cell.completed_at,
            cell.best_score,
            cell.certificate_serial,
        )
        for row in rows
        for course_id, cell in row.cells.items()
    }
    wanted = expected_learner_cells(viewer, filters, courses)
    assert got == wanted, filters
    # The tables' columns are the learner report's states counted: "Not
    # started" there holds "Enrolled" and "Not started" here.
    for course in courses:
        states = [v[0] for (_m, c), v in wanted.items() if c == course.pk]
        rows = [f for _m, c, f in recount(filters, courses, viewer) if c == course]
        figures = add(rows) if rows else Recount(0, 0, 0, 0, 0)
        assert [
            figures.learners,
            figures.in_progress,
            figures.completed,
            figures.cells()[4],
        ] == [
            sum(1 for state in states if state),
            states.count("in_progress"),
            states.count("completed"),
            states.count("enrolled") + states.count("not_started"),
        ], (filters, course.title)


# -- the downloads ---------------------------------------------------------

# How the test reads a column back: text, count, percent (0-100), date.
TEXT, COUNT, PERCENT, DATE = "t", "n", "p", "d"
FIGURE_KINDS = [COUNT] * 5 + [PERCENT, COUNT]


def totals_of(rows: list[list], kinds: list[str], rates: dict[int, tuple]) -> list:
    """The totals row as the recount sees it: counts added up, each rate the
    share of its two added-up columns, text cells empty."""
    totals = []
    for index, kind in enumerate(kinds):
        if kind == COUNT:
            totals.append(sum(row[index] or 0 for row in rows))
        else:
            totals.append("" if kind == TEXT else None)
    for index, (part, whole) in rates.items():
        whole_sum = totals[whole]
        totals[index] = round(100 * totals[part] / whole_sum, 1) if whole_sum else None
    return totals


def csv_value(text: str, kind: str):
    if kind == TEXT:
        return text
    if text == "":
        return None
    if kind == DATE:
        return datetime.datetime.strptime(text, "%d/%m/%Y").date()
    if kind == PERCENT:
        return float(text.replace(",", "."))
    return int(text)


def xlsx_value(value, kind: str):
    if kind == TEXT:
        return "" if value is None else value
    if value is None:
        return None
    if kind == DATE:
        return value.date() if isinstance(value, datetime.datetime) else value
    if kind == PERCENT:
        return round(value * 100, 1)
    return value


def read_csv(response, kinds) -> list[list]:
    text = response.content.decode("utf-8-sig")
    _header, *rows = csv.reader(io.StringIO(text))
    return [[csv_value(c, k) for c, k in zip(row, kinds, strict=True)] for row in rows]


def read_xlsx(content: bytes, kinds, sheet_index: int = 0, skip: int = 1):
    sheet = load_workbook(io.BytesIO(content)).worksheets[sheet_index]
    return [
        [xlsx_value(c, k) for c, k in zip(row, kinds, strict=True)]
        for row in sheet.iter_rows(min_row=skip + 1, values_only=True)
    ]


def assert_same_rows(got, body, kinds, rates, *, totalled, where, ordered=False):
    """`got` (read back from a file) holds `body`, then its totals row."""
    if totalled:
        got, totals = got[:-1], got[-1]
        assert totals[1:] == totals_of(body, kinds, rates)[1:], where
    if ordered:
        assert got == body, where
    else:
        assert sorted(got, key=repr) == sorted(body, key=repr), where


def assert_table_downloads(table, body, kinds, rates, *, where, ordered=False):
    """The table's CSV and XLSX both hold `body` and the totals it adds up to."""
    assert len(table.columns) == len(kinds), where
    got = read_csv(table.export("csv", "oracle"), kinds)
    assert_same_rows(
        got, body, kinds, rates, totalled=table.totalled, where=where, ordered=ordered
    )
    got = read_xlsx(table.export("xlsx", "oracle").content, kinds)
    assert_same_rows(
        got, body, kinds, rates, totalled=table.totalled, where=where, ordered=ordered
    )


def assert_downloads_match(viewer, filters, courses, dept):
    """The Department comparison's CSV and XLSX, with their totals rows."""
    facts = completion_facts(viewer=viewer, filters=filters)
    table = tables.department_table(facts)
    wanted = dict(expected_tables(filters, courses, dept.schools, viewer)["department"])
    names = [(school.name, school.code) for school in dept.schools]
    order = sorted(key for key in names if key in wanted)  # by name by default
    body = [[*key, *wanted[key]] for key in order]
    kinds = [TEXT, TEXT, *[COUNT] * 4, *FIGURE_KINDS]
    # people..collaborators, then learners (6), completed (9), percent (11).
    assert_table_downloads(
        table, body, kinds, {11: (9, 6)}, where=("department", filters), ordered=True
    )


def view_tables(view_class, viewer, filters) -> tuple:
    """The tables a report page downloads, built as its export builds them."""
    view = view_class()
    view.request = SimpleNamespace(user=viewer, GET={})
    view.exporting = True
    return view, view.get_tables(filters)


def assert_completion_downloads_match(viewer, filters, courses, dept):
    """The completion page's three tables as CSV and XLSX."""
    view, built = view_tables(CompletionReportView, viewer, filters)
    by_key = {table.key: table for table in built}
    expected = expected_tables(filters, courses, dept.schools, viewer)
    quizzes = quiz_recount(filters, courses, viewer)
    assert_table_downloads(
        by_key["courses"],
        course_rows(filters, courses, expected, quizzes),
        [TEXT, *FIGURE_KINDS, COUNT, COUNT, PERCENT],
        {6: (4, 1), 10: (9, 8)},
        where=("courses", filters),
    )
    titles = {course.pk: course.title for course in courses}
    schools = {school.pk: school.name for school in dept.schools}
    classes = {c.pk: c for c in dept.classes.values()}
    body = []
    for key in expected["grouped"]:
        if key[0] == "course_class" and (cells := expected["live"](key)):
            school_class = classes.get(key[2])
            body.append(
                [
                    titles[key[1]],
                    schools[school_class.school_id] if school_class else "",
                    str(tables.class_label(view.facts, key[2])),
                    *cells,
                ]
            )
    assert_table_downloads(
        by_key["course_class"],
        body,
        [TEXT, TEXT, TEXT, *FIGURE_KINDS],
        {8: (6, 3)},
        where=("course_class", filters),
    )
    body = [
        [titles[key[1]], str(BUCKET_LABELS[key[2]]), *cells]
        for key in expected["grouped"]
        if key[0] == "role" and (cells := expected["live"](key))
    ]
    assert_table_downloads(
        by_key["roles"],
        body,
        [TEXT, TEXT, *FIGURE_KINDS],
        {7: (5, 2)},
        where=("roles", filters),
    )


def assert_learner_downloads_match(viewer, filters, courses):
    """The learner report's CSV and XLSX: every learner, every course's cells."""
    _view, (table,) = view_tables(LearnerReportView, viewer, filters)
    cells = expected_learner_cells(viewer, filters, courses)
    shown = [c for c in courses if filters.course is None or c == filters.course]
    roles = dict(Role.choices)
    body = []
    for m in members_in(filters, viewer):
        row = [
            m.user.lms_profile.full_name,
            m.user.get_username(),
            m.user.lms_profile.student_code,
            m.school.name,
            m.school_class.name if m.school_class else "",
            str(roles[m.role]),
        ]
        for course in shown:
            status, when, best, serial = cells[(m.pk, course.pk)]
            day = timezone.localtime(when).date() if when else None
            row += [str(STATUS_LABELS[status]), day, best, serial]
        body.append(row)
    kinds = [TEXT] * 6 + [TEXT, DATE, PERCENT, TEXT] * len(shown)
    assert_table_downloads(table, body, kinds, {}, where=("learners", filters))


def assert_annual_report_matches(viewer, school, year, courses, dept):
    """The annual report XLSX: people by role, courses, and classes (a row per
    class and one for staff)."""
    filters = ReportFilters(school=school, school_year=year)
    expected = expected_tables(filters, courses, dept.schools, viewer)
    report = annual.annual_report_data(viewer=viewer, school=school, school_year=year)
    content = annual.annual_report_xlsx(report)
    where = (school, year)
    # Four heading lines, a blank line, the header.
    people = people_recount(filters, courses, viewer)
    body = [
        [
            str(label),
            *people[bucket],
            round(100 * people[bucket][2] / people[bucket][0], 1)
            if people[bucket][0]
            else None,
        ]
        for bucket, label in BUCKET_LABELS.items()
    ]
    kinds = [TEXT, COUNT, COUNT, COUNT, PERCENT]
    got = read_xlsx(content, kinds, sheet_index=0, skip=6)
    assert_same_rows(
        got, body, kinds, {4: (3, 1)}, totalled=True, where=where, ordered=True
    )
    quizzes = quiz_recount(filters, courses, viewer)
    kinds = [TEXT, *FIGURE_KINDS, COUNT, COUNT, PERCENT]
    got = read_xlsx(content, kinds, sheet_index=1, skip=6)
    assert_same_rows(
        got,
        course_rows(filters, courses, expected, quizzes),
        kinds,
        {6: (4, 1), 10: (9, 8)},
        totalled=True,
        where=where,
        ordered=True,
    )

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
    kinds = [TEXT, COUNT, *FIGURE_KINDS]
    got = read_xlsx(content, kinds, sheet_index=2, skip=6)
    labels = [row[0] for row in got[:-1]]
    staff = [label for label in labels if label not in class_names.values()]
    assert len(staff) == (1 if None in rows else 0), labels
    ordered = [None if label in staff else label for label in labels]
    assert set(ordered) == set(rows), labels
    body = [[label, *rows[key]] for label, key in zip(labels, ordered, strict=True)]
    # people (1), learners (2), completed (5), percent (7).
    assert_same_rows(
        got, body, kinds, {7: (5, 2)}, totalled=True, where=where, ordered=True
    )


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


def check_department(superuser, dept, courses):
    """Live, fresh summary and rebuilt summary against the recount, for a
    superuser (every filter) and each other kind of viewer (fewer)."""
    filters = every_filter(dept, courses)
    year = ReportFilters(school_year=dept.years[0])
    others = list(dept.viewers.values())
    # The live count first (the summary set aside), then the summary kept up
    # to date by the events since its (empty) first build, then rebuilt.
    try:
        with transaction.atomic():
            SummaryBuild.objects.all().delete()
            for f in [*filters, DATE_RANGE]:
                assert_reports_match(superuser, f, courses, dept)
            for f in [ReportFilters(), DATE_RANGE, *filters[1 : 1 + len(dept.schools)]]:
                assert_learner_report_matches(superuser, f, courses)
            for f in [ReportFilters(), DATE_RANGE]:
                assert_downloads_match(superuser, f, courses, dept)
            # The other downloads share the files' code: the range, the
            # filter that changes most cells, is enough there.
            assert_completion_downloads_match(superuser, DATE_RANGE, courses, dept)
            assert_learner_downloads_match(superuser, DATE_RANGE, courses)
            for school in dept.schools:
                assert_annual_report_matches(
                    superuser, school, dept.years[0], courses, dept
                )
            for viewer in others:
                for f in (year, DATE_RANGE):
                    assert_reports_match(viewer, f, courses, dept)
                assert_learner_report_matches(viewer, DATE_RANGE, courses)
                assert_downloads_match(viewer, year, courses, dept)
            assert_annual_report_matches(
                dept.viewers["homeroom"], dept.schools[0], dept.years[0], courses, dept
            )
            raise Rollback
    except Rollback:
        pass
    for viewer in (superuser, *others):
        for f in filters if viewer is superuser else (ReportFilters(), year):
            assert_reports_match(viewer, f, courses, dept, summary_only=True)
    summary_rebuild()
    for viewer in (superuser, *others):
        for f in filters if viewer is superuser else (ReportFilters(), year):
            assert_reports_match(viewer, f, courses, dept, summary_only=True)


class Rollback(Exception):
    """Leaves an example's Department behind."""


def run_example(plan, courses, lessons, capture):
    READ.clear()
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
                ("yes", "opened", False, [40, 90], None, "none"),
                ("yes", "done", True, [], 0, "valid"),
                ("no", "none", False, [], None, "none"),
            ],
            False,
            False,
        ),
        (
            [(Role.TEACHER, 1, 0, 0), (Role.HOMEROOM_TEACHER, 1, 0, 1)],
            [
                ("no", "none", False, [], None, "none"),
                # Passed once, failed last: "last attempt" grades it failed.
                ("yes", "none", True, [90, 40], None, "revoked"),
                # Completed outside the date range: in progress within it.
                ("yes", "done", False, [], 3, "none"),
            ],
            False,
            False,
        ),
        (
            [(Role.COLLABORATOR, 0, 0, 0)],
            [
                ("no", "none", False, [], None, "none"),
                ("no", "none", False, [], None, "none"),
                # Completed, then the enrolment deleted: still a learner.
                ("dropped", "done", False, [], 0, "valid"),
            ],
            False,
            False,
        ),
        (
            [(Role.COLLABORATOR, 0, 0, 0)],
            [
                ("no", "none", False, [], None, "none"),
                ("no", "none", False, [], None, "none"),
                ("yes", "opened", False, [70], None, "none"),
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


def off_by_one(rows: list[list], index: int) -> list[list]:
    """`rows` with one cell changed: the first row's cell at `index` (a count
    one too many, a share a point higher, a text with a letter more)."""
    rows = [list(row) for row in rows]
    cell = rows[0][index]
    rows[0][index] = f"{cell}x" if isinstance(cell, str) else (cell or 0) + 1
    return rows


def perturbed(function, key: str, index: int, position: int = 0):
    """`function` (a writer taking a table) writing table `key` one cell off."""

    def wrapper(*args, **kwargs):
        args = list(args)
        table = args[position]
        if table.key == key and table.rows:
            args[position] = dataclasses.replace(
                table, rows=off_by_one(table.rows, index)
            )
        return function(*args, **kwargs)

    return wrapper


def perturbed_builder(function, index: int):
    """`function` (building a table) building it one cell off."""

    def wrapper(*args, **kwargs):
        table = function(*args, **kwargs)
        table.rows = off_by_one(table.rows, index)
        return table

    return wrapper


def test_the_oracle_fails_when_one_cell_of_any_table_or_file_is_off(
    courses, django_capture_on_commit_callbacks
):
    """A mutation per table and file the oracle reads: each is caught."""
    from lms.reports import selectors, spreadsheets

    course_pages, lessons = courses
    READ.clear()
    with transaction.atomic():
        superuser = UserFactory(is_superuser=True)
        summary_rebuild()
        capture = django_capture_on_commit_callbacks
        dept = build(FIXED_PLAN, course_pages, lessons, capture)
        pages = list(
            CoursePage.objects.filter(pk__in=[c.pk for c in course_pages]).order_by(
                "path"
            )
        )
        school, year = dept.schools[0], dept.years[0]
        admin = dept.viewers["school_admin"]

        def reports(viewer=superuser):
            assert_reports_match(viewer, ReportFilters(), pages, dept)

        def annual_report():
            assert_annual_report_matches(superuser, school, year, pages, dept)

        checks = {
            # The quiz columns (took, passed) of the table by course.
            "quiz columns": (
                tables,
                "course_table",
                lambda: perturbed_builder(tables.course_table, 9),
                reports,
            ),
            "completion CSV": (
                spreadsheets,
                "table_csv",
                lambda: perturbed(spreadsheets.table_csv, "courses", 8),
                lambda: assert_completion_downloads_match(
                    superuser, DATE_RANGE, pages, dept
                ),
            ),
            "course and class XLSX": (
                spreadsheets,
                "table_xlsx",
                lambda: perturbed(spreadsheets.table_xlsx, "course_class", 6),
                lambda: assert_completion_downloads_match(
                    superuser, DATE_RANGE, pages, dept
                ),
            ),
            "role CSV": (
                spreadsheets,
                "table_csv",
                lambda: perturbed(spreadsheets.table_csv, "roles", 2),
                lambda: assert_completion_downloads_match(
                    superuser, DATE_RANGE, pages, dept
                ),
            ),
            "learner CSV": (
                spreadsheets,
                "table_csv",
                lambda: perturbed(spreadsheets.table_csv, "learners", 6),
                lambda: assert_learner_downloads_match(superuser, DATE_RANGE, pages),
            ),
            "learner XLSX": (
                spreadsheets,
                "table_xlsx",
                lambda: perturbed(spreadsheets.table_xlsx, "learners", 6),
                lambda: assert_learner_downloads_match(superuser, DATE_RANGE, pages),
            ),
            "Department XLSX": (
                spreadsheets,
                "table_xlsx",
                lambda: perturbed(spreadsheets.table_xlsx, "department", 3),
                lambda: assert_downloads_match(superuser, ReportFilters(), pages, dept),
            ),
            "annual people sheet": (
                spreadsheets,
                "write_table",
                lambda: perturbed(spreadsheets.write_table, "people", 3, position=1),
                annual_report,
            ),
            "annual course sheet": (
                spreadsheets,
                "write_table",
                lambda: perturbed(spreadsheets.write_table, "courses", 8, position=1),
                annual_report,
            ),
            "annual class sheet": (
                spreadsheets,
                "write_table",
                lambda: perturbed(spreadsheets.write_table, "classes", 2, position=1),
                annual_report,
            ),
            # A school admin shown every school, as a superuser is.
            "a viewer's scope": (
                selectors,
                "visible_membership_scope",
                lambda: lambda **kwargs: None,
                lambda: reports(admin),
            ),
        }
        # Unchanged, every check passes.
        for _module, _name, _mutation, check in checks.values():
            check()
        for name, (module, attribute, mutation, check) in checks.items():
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(module, attribute, mutation())
                with pytest.raises(AssertionError):
                    check()
                    pytest.fail(f"not caught: {name}")
        transaction.set_rollback(True)
