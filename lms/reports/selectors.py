"""Reads for the reports: completion figures rolled up from class to Department.

Every figure starts from the memberships the viewer may see
(`lms.people.selectors.visible_membership_scope`, the one visibility rule) and
is computed with a fixed number of grouped queries, whatever the number of
schools, classes or learners; Python only adds the grouped rows together.

The completion figures per class and course are read from the completion
summary (`lms.reports.summary` keeps it up to date as learners progress), so a
Department roll-up adds up thousands of rows, not millions. The summary is
filled by `group_counts`, the same counting the live figures use.

A person "should take" a course (is counted among its learners) when their
role is in the course's audience, the course runs in their school year and the
course is automatic, or assigned to their class. Anybody else who enrolled (or
completed, though the enrolment was deleted since) is counted too, so
self-enrolled learners are not lost.
"""

import gc
from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certificates.models import Certificate, CertificateStatus
from courses import progress
from courses.models import (
    CourseCompletion,
    CoursePage,
    Enrolment,
)
from courses.progress import Requirement
from courses.selectors import AUDIENCE_ROLES
from lms.db_router import read_alias, reading_from_replica
from lms.people.models import Membership, Role, School, SchoolClass, SchoolYear
from lms.people.selectors import visible_membership_scope
from quizzes.models import AttemptState, QuizAttempt, QuizGrade

from .models import CompletionSummary, ReportGroup, SummaryBuild

# Role buckets as the Department counts people: students, teachers, collaborators.
ROLE_BUCKETS: dict[str, str] = {
    role: audience for audience, roles in AUDIENCE_ROLES.items() for role in roles
}
BUCKET_LABELS = {
    "students": _("Students"),
    "teachers": _("Teachers"),
    "collaborators": _("Collaborators"),
}
REPORTED_ROLES = list(ROLE_BUCKETS)
REPORT_WORK_MEM = "128MB"


class Status:
    """The learner states of `courses.progress`, the one definition."""

    COMPLETED = progress.COMPLETED
    IN_PROGRESS = progress.IN_PROGRESS
    ENROLLED = progress.ENROLLED
    NOT_STARTED = progress.NOT_STARTED
    NOT_REQUIRED = ""


STATUS_LABELS = {
    Status.COMPLETED: _("Completed"),
    Status.IN_PROGRESS: _("In progress"),
    Status.ENROLLED: _("Enrolled"),
    Status.NOT_STARTED: _("Not started"),
    Status.NOT_REQUIRED: "",
}


@dataclass(frozen=True)
class ReportFilters:
    """What a report is narrowed to; every field optional."""

    school_year: SchoolYear | None = None
    school: School | None = None
    school_class: SchoolClass | None = None
    role: str = ""  # a key of BUCKET_LABELS
    course: CoursePage | None = None
    completed_from: date | None = None
    completed_to: date | None = None


def share(part: int, whole: int) -> float | None:
    """`part` as a percentage of `whole`, one decimal; None when `whole` is 0.

    Every rate in the reports (rows and totals alike) is worked out here.
    """
    if not whole:
        return None
    return round(100 * part / whole, 1)


@dataclass
class Figures:
    """Learners who should take a course, and how far they got."""

    learners: int = 0
    enrolled: int = 0
    in_progress: int = 0
    completed: int = 0
    certificates: int = 0  # valid certificates held

    def add(self, other: "Figures") -> None:
        self.learners += other.learners
        self.enrolled += other.enrolled
        self.in_progress += other.in_progress
        self.completed += other.completed
        self.certificates += other.certificates

    @property
    def not_started(self) -> int:
        return max(self.learners - self.in_progress - self.completed, 0)

    @property
    def percent(self) -> float | None:
        """Completed as a share of the learners, one decimal; None if nobody."""
        return share(self.completed, self.learners)


# A group of memberships that count alike: (school, year, class, role).
GroupKey = tuple[int, int, int | None, str]
GROUP_FIELDS = ("school_id", "school_year_id", "school_class_id", "role")
SUMMARY_FIGURES = (
    "enrolled",
    "in_progress",
    "completed",
    "certificates",
    "completed_unenrolled",
)


@contextmanager
def _no_gc_pause():
    """Build many small objects (no cycles) without the cyclic collector.

    The Department roll-up creates tens of thousands of keys and Figures; the
    collector's young-generation passes over them doubled its time. Whoever
    found it enabled enables it again, so threads never leave it off.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def reporting_session(using: str = DEFAULT_DB_ALIAS):
    """Run the report queries with planner settings fit for large aggregates.

    On PostgreSQL the estimated cost of the grouped joins over a whole
    Department triggers JIT compilation, which takes longer than the queries
    themselves, and sorts spill to disk at the default work_mem. Both are
    changed for this transaction only, and so is the statement timeout (web
    requests have a shorter one). Elsewhere, nothing changes.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    # Reports have their own statement timeout, longer than web requests'.
    timeout = f"{int(settings.LMS_REPORT_STATEMENT_TIMEOUT_MS)}ms"
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('jit', 'off', true), set_config('work_mem', %s, true),"
            " set_config('statement_timeout', %s, true)",
            [REPORT_WORK_MEM, timeout],
        )
        yield


# Inside `report_reading`: the viewer's visibility scope by (viewer, year),
# read once for the page (its selectors each ask for it).
_scopes: ContextVar[dict | None] = ContextVar("lms_report_scopes", default=None)


@contextmanager
def report_reading():
    """Report pages: their reads go to the read replica when one is configured
    (lms.db_router), with the planner settings of `reporting_session` there."""
    token = _scopes.set({})
    try:
        with reading_from_replica(), reporting_session(read_alias()):
            yield
    finally:
        _scopes.reset(token)


def _visible_scope(*, viewer, school_year: SchoolYear | None) -> Q | None:
    """`visible_membership_scope`, once per page inside `report_reading`."""
    memo = _scopes.get()
    if memo is None:
        return visible_membership_scope(viewer=viewer, school_year=school_year)
    key = (viewer.pk, getattr(school_year, "pk", None))
    if key not in memo:
        memo[key] = visible_membership_scope(viewer=viewer, school_year=school_year)
    return memo[key]


def current_school_year(*, today: date | None = None) -> SchoolYear | None:
    today = today or timezone.localdate()
    return (
        SchoolYear.objects.filter(starts_on__lte=today, ends_on__gte=today).first()
        or SchoolYear.objects.filter(starts_on__lte=today)
        .order_by("-starts_on")
        .first()
    )


# The roles of which `counted_memberships` may leave a membership out (a
# person's second role in one school and year); a membership of any other
# reported role always counts (the summary rebuild relies on it).
ROLES_COUNTED_ONCE = (Role.HOMEROOM_TEACHER, Role.SCHOOL_ADMIN)


def counted_memberships(*, school_ids=None, user_ids=None) -> QuerySet[Membership]:
    """Every membership the reports count, whoever looks.

    A member of staff holding several roles in one school and year (a teacher
    who is also a homeroom teacher) is counted once. Whether a membership
    counts depends only on the same person's memberships in the same school
    and year: a caller that wants only some schools' or people's memberships
    passes `school_ids` or `user_ids`, and the rule then reads only theirs.
    """
    members = Membership.objects.filter(role__in=REPORTED_ROLES)
    others = Membership.objects.all()
    if school_ids is not None:
        members = members.filter(school_id__in=school_ids)
        others = others.filter(school_id__in=school_ids)
    if user_ids is not None:
        members = members.filter(user_id__in=user_ids)
        others = others.filter(user_id__in=user_ids)
    same_person = others.filter(
        user_id=OuterRef("user_id"),
        school_id=OuterRef("school_id"),
        school_year_id=OuterRef("school_year_id"),
    )
    # The first of a person's homeroom classes in a school and year stands for
    # them; an uncorrelated subquery, so PostgreSQL hashes it once.
    first_homeroom = (
        others.filter(role=Role.HOMEROOM_TEACHER)
        .values("user_id", "school_id", "school_year_id")
        .annotate(first=Min("pk"))
        .values("first")
    )
    return members.exclude(
        Q(role=Role.HOMEROOM_TEACHER)
        & (Exists(same_person.filter(role=Role.TEACHER)) | ~Q(pk__in=first_homeroom))
    ).exclude(
        Q(role=Role.SCHOOL_ADMIN)
        & Exists(same_person.filter(role__in=[Role.TEACHER, Role.HOMEROOM_TEACHER]))
    )


def _narrowed(queryset: QuerySet, filters: ReportFilters) -> QuerySet:
    """Memberships, or report groups, narrowed by the filters' year to role."""
    if filters.school_year is not None:
        queryset = queryset.filter(school_year=filters.school_year)
    if filters.school is not None:
        queryset = queryset.filter(school=filters.school)
    if filters.school_class is not None:
        queryset = queryset.filter(school_class=filters.school_class)
    if filters.role:
        roles = [r for r, bucket in ROLE_BUCKETS.items() if bucket == filters.role]
        queryset = queryset.filter(role__in=roles)
    return queryset


def members_in_scope(*, viewer, filters: ReportFilters) -> QuerySet[Membership]:
    """Memberships of learners `viewer` may see, narrowed by `filters`.

    A member of staff holding several roles in one school and year (a teacher
    who is also a homeroom teacher) is counted once.
    """
    scope = _visible_scope(viewer=viewer, school_year=filters.school_year)
    school = filters.school_class.school_id if filters.school_class else None
    if filters.school is not None:
        school = filters.school.pk
    members = counted_memberships(school_ids=None if school is None else [school])
    if scope is not None:
        members = members.filter(scope)
    return _narrowed(members, filters)


def courses_for_report(*, filters: ReportFilters) -> list[CoursePage]:
    courses = (
        CoursePage.objects.live().order_by("path").prefetch_related("school_years")
    )
    if filters.course is not None:
        courses = courses.filter(pk=filters.course.pk)
    return list(courses)


def _completed_between(filters: ReportFilters) -> Q:
    """The date range as a filter on `completed_at`, in the site's time zone."""
    condition = Q()
    if filters.completed_from:
        condition &= Q(
            completed_at__gte=timezone.make_aware(
                datetime.combine(filters.completed_from, time.min)
            )
        )
    if filters.completed_to:
        condition &= Q(
            completed_at__lt=timezone.make_aware(
                datetime.combine(filters.completed_to + timedelta(days=1), time.min)
            )
        )
    return condition


def _grouped_rows(
    queryset, prefix: str = "user__memberships__", counted: Q | None = None
) -> QuerySet:
    """Rows counted per course and membership group (GROUP_FIELDS as g_*).

    `counted`: count only the rows that meet it (an aggregate FILTER, checked
    on the rows the query's joins leave); a group may then count 0. (No
    HAVING n > 0: PostgreSQL would check the FILTER's subqueries again.)
    """
    return queryset.values(
        "course_id", **{f"g_{name}": F(prefix + name) for name in GROUP_FIELDS}
    ).annotate(n=Count("pk", filter=counted))


def _grouped_dict(rows: QuerySet) -> dict:
    return {
        (tuple(row[f"g_{name}"] for name in GROUP_FIELDS), row["course_id"]): row["n"]
        for row in rows
    }


@dataclass
class GroupCounts:
    """Per (membership group, course): what the reports count, before learners."""

    enrolled: dict[tuple[GroupKey, int], int]
    in_progress: dict[tuple[GroupKey, int], int]
    completed: dict[tuple[GroupKey, int], int]
    certificates: dict[tuple[GroupKey, int], int]
    # Completed with no enrolment in the course (it was deleted afterwards).
    completed_unenrolled: dict[tuple[GroupKey, int], int] = field(default_factory=dict)

    def keys(self) -> set[tuple[GroupKey, int]]:
        return {
            *self.enrolled,
            *self.in_progress,
            *self.completed,
            *self.certificates,
            *self.completed_unenrolled,
        }


def group_count_querysets(
    *,
    members: QuerySet[Membership] | Q,
    course_ids: list[int],
    completed_filter: Q | None = None,
    using: str | None = None,
    figures: tuple[str, ...] = SUMMARY_FIGURES,
) -> dict[str, list[QuerySet]]:
    """The grouped queries of `group_counts`, by figure, not run yet.

    Each yields course_id, g_school_id, g_school_year_id, g_school_class_id,
    g_role and n; a figure with two queries is their sum. The summary rebuild
    runs them inside one CREATE TABLE ... AS SELECT. `members` may also be a
    Q on a membership's own fields (the rebuild's, `summary._counted_once`),
    checked on the membership each row is joined to, with no second join.
    """

    def rows(model):
        return model.objects.using(using) if using else model.objects

    def of_members(path: str) -> Q:
        if isinstance(members, QuerySet):
            return Q(**{f"{path}__in": members})
        return _prefixed(members, path)

    in_scope = Q(course_id__in=course_ids) & of_members("user__memberships")
    same = {"user_id": OuterRef("user_id"), "course_id": OuterRef("course_id")}

    # The school year of the membership each row is counted under, read as an
    # annotation so the condition holds on that very membership (a second
    # filter() would join the memberships again).
    def of_its_year(queryset, prefix="user__memberships__"):
        return queryset.annotate(
            g_year=F(f"{prefix}school_year_id"),
            g_starts=F(f"{prefix}school_year__starts_on"),
        )

    def in_year(ref=F, **yearly) -> Q:
        return progress.year_rows(
            year_id=ref("g_year"), starts_on=ref("g_starts"), **yearly
        )

    found: dict[str, list[QuerySet]] = {}
    if "enrolled" in figures:
        found["enrolled"] = [_grouped_rows(rows(Enrolment).filter(in_scope))]
    if "completed" in figures:
        found["completed"] = [
            _grouped_rows(
                of_its_year(
                    rows(CourseCompletion).filter(completed_filter or Q(), in_scope)
                ).filter(in_year())
            )
        ]
    if "completed_unenrolled" in figures:
        found["completed_unenrolled"] = [
            _grouped_rows(
                of_its_year(
                    rows(CourseCompletion).filter(
                        completed_filter or Q(),
                        ~Exists(Enrolment.objects.filter(**same)),
                        in_scope,
                    )
                ).filter(in_year())
            )
        ]
    if "certificates" in figures:
        found["certificates"] = [
            _grouped_rows(
                of_its_year(
                    rows(Certificate).filter(
                        of_members("holder__memberships"),
                        status=CertificateStatus.VALID,
                        course_id__in=course_ids,
                    ),
                    prefix="holder__memberships__",
                ).filter(in_year()),
                prefix="holder__memberships__",
            )
        ]
    if "in_progress" in figures:
        # With a completion date range, a completion outside it counts as
        # none (the date-range rule, docs/reports.md): that learner is in progress.
        # So does a completion that does not count in the membership's year.
        # The enrolment's course tells whether it is required every year: the
        # completions, attempts and lessons matched are not joined to theirs.
        outer = in_year(OuterRef, yearly=OuterRef("g_yearly"))
        enrolments = rows(Enrolment).filter(in_scope)
        enrolments = enrolments.annotate(g_yearly=F("course__required_every_year"))
        unfinished = of_its_year(enrolments).filter(
            ~Exists(
                CourseCompletion.objects.filter(completed_filter or Q(), outer, **same)
            ),
        )
        lessons, attempts = progress.began_conditions(same, rows=outer)
        # Begun (courses.progress) = a quiz tried or a lesson opened. One
        # query: the unfinished enrolments are found once (a hashed anti-join
        # on the completions), and only they are looked up, in the count's
        # FILTER, in the attempts' and then the lessons' (course, user)
        # indexes, which cover the school year: an OR in the WHERE clause
        # would be checked on every enrolment, before the anti-join.
        # Attempts first: an unfinished enrolment with an attempt skips the
        # lessons (three times as many rows).
        found["in_progress"] = [
            _grouped_rows(unfinished, counted=Q(attempts) | Q(lessons)),
        ]
    return found


def _prefixed(condition: Q, path: str) -> Q:
    """`condition` on a membership's fields, as a condition on the membership
    at `path` ("user__memberships") of the rows filtered. Not negated: Django
    would check a negated one on every membership of the person instead."""
    return Q(
        *(
            _prefixed(child, path)
            if isinstance(child, Q)
            else (f"{path}__{child[0]}", child[1])
            for child in condition.children
        ),
        _connector=condition.connector,
        _negated=condition.negated,
    )


def group_counts(
    *,
    members: QuerySet[Membership],
    course_ids: list[int],
    completed_filter: Q | None = None,
    using: str | None = None,
    figures: tuple[str, ...] = SUMMARY_FIGURES,
) -> GroupCounts:
    """Enrolled, started, completed and certified members, by group and course.

    Five grouped queries, whatever the number of members or courses (fewer
    when only some `figures` are wanted; the others are left empty). The live
    reports and the summary both count with this one function (the rebuild
    with the same queries, `group_count_querysets`).
    """
    found = group_count_querysets(
        members=members,
        course_ids=course_ids,
        completed_filter=completed_filter,
        using=using,
        figures=figures,
    )
    counts: dict[str, dict] = {}
    for name, querysets in found.items():
        total: dict = {}
        for queryset in querysets:
            for key, count in _grouped_dict(queryset).items():
                if count:  # a FILTERed count may be 0: no figure, as before
                    total[key] = total.get(key, 0) + count
        counts[name] = total
    return GroupCounts(
        enrolled=counts.get("enrolled", {}),
        in_progress=counts.get("in_progress", {}),
        completed=counts.get("completed", {}),
        certificates=counts.get("certificates", {}),
        completed_unenrolled=counts.get("completed_unenrolled", {}),
    )


@dataclass
class CompletionFacts:
    """Figures per (membership group, course), ready to roll up any way."""

    courses: list[CoursePage]
    members: dict[GroupKey, int]
    figures: dict[tuple[GroupKey, int], Figures]
    class_ids: set[int] = field(default_factory=set)
    schools: dict[int, School] = field(default_factory=dict)

    @cached_property
    def classes(self) -> dict[int, SchoolClass]:
        """Read when a table names classes: a Department has thousands."""
        return SchoolClass.objects.in_bulk(self.class_ids)

    def rollup(self, key) -> dict:
        """Sum the figures by `key(group, course_id)`.

        Every figure lands in some key, so the rolled-up figures add up to
        `total()` (by_class keeps staff outside any class under None).
        """
        result: dict = defaultdict(Figures)
        for (group, course_id), figures in self.figures.items():
            result[key(group, course_id)].add(figures)
        return dict(result)

    def by_course_class(self) -> dict[tuple[int, int | None], Figures]:
        return self.rollup(lambda group, course_id: (course_id, group[2]))

    def by_course_role(self) -> dict[tuple[int, str], Figures]:
        return self.rollup(lambda group, course_id: (course_id, ROLE_BUCKETS[group[3]]))

    def by_school(self) -> dict[int, Figures]:
        return self.rollup(lambda group, course_id: group[0])

    def by_class(self) -> dict[int | None, Figures]:
        return self.rollup(lambda group, course_id: group[2])

    def by_course(self) -> dict[int, Figures]:
        return self.rollup(lambda group, course_id: course_id)

    def total(self) -> Figures:
        total = Figures()
        for figures in self.figures.values():
            total.add(figures)
        return total

    def members_by(self, key) -> dict:
        result: dict = defaultdict(int)
        for group, count in self.members.items():
            result[key(group)] += count
        return dict(result)


def completion_facts(
    *, viewer, filters: ReportFilters, members=None, courses=None
) -> CompletionFacts:
    """Every completion figure the viewer may see, in a fixed number of queries.

    Read from the completion summary (a few rows per class) once it is built,
    unless the filters ask for a completion date range, which only the live
    count can answer. `members`, when given, is `members_in_scope` for the
    same viewer and filters (pages share it with the other selectors).
    """
    if courses is None:
        courses = courses_for_report(filters=filters)
    if summary_answers(filters=filters):
        with _no_gc_pause():
            return completion_facts_from_summary(
                viewer=viewer, filters=filters, courses=courses
            )
    if members is None:
        members = members_in_scope(viewer=viewer, filters=filters)
    return completion_facts_for(members=members, filters=filters, courses=courses)


def completion_facts_for(
    *, members: QuerySet[Membership], filters: ReportFilters, courses=None
) -> CompletionFacts:
    """Completion figures of `members`, already scoped by the caller, counted live."""
    if courses is None:
        courses = courses_for_report(filters=filters)
    member_counts = {
        tuple(row[name] for name in GROUP_FIELDS): row["n"]
        for row in members.values(*GROUP_FIELDS).annotate(n=Count("pk"))
    }
    counts = group_counts(
        members=members,
        course_ids=[course.pk for course in courses],
        completed_filter=_completed_between(filters),
    )
    return _facts(courses=courses, member_counts=member_counts, found=_by_key(counts))


def _by_key(counts: GroupCounts) -> dict[tuple[GroupKey, int], tuple[int, ...]]:
    """The counts as (group, course) -> the SUMMARY_FIGURES, zeros included."""
    by_name = [getattr(counts, name) for name in SUMMARY_FIGURES]
    return {key: tuple(found.get(key, 0) for found in by_name) for key in counts.keys()}


def summary_answers(*, filters: ReportFilters) -> bool:
    """Whether the completion summary can give these figures.

    It keeps no completion dates, and it is trusted only once built: a
    database that had learners before the summary existed needs
    `manage.py rebuild_report_summary` first.
    """
    if filters.completed_from or filters.completed_to:
        return False
    return SummaryBuild.objects.exists()


def completion_facts_from_summary(
    *, viewer, filters: ReportFilters, courses: list[CoursePage]
) -> CompletionFacts:
    """The figures of `completion_facts`, added up from the completion summary.

    The summary's groups carry Membership's field names, so the one visibility
    rule and the filters narrow them exactly as they narrow memberships.
    """
    scope = _visible_scope(viewer=viewer, school_year=filters.school_year)
    groups = ReportGroup.objects.filter(members__gt=0)
    if scope is not None:
        groups = groups.filter(scope)
    groups = _narrowed(groups, filters)
    member_counts = {
        row[:4]: row[4] for row in groups.values_list(*GROUP_FIELDS, "members")
    }
    rows = CompletionSummary.objects.filter(
        group__in=groups.values("pk"), course_id__in=[course.pk for course in courses]
    ).values_list(
        *(f"group__{name}" for name in GROUP_FIELDS), "course_id", *SUMMARY_FIGURES
    )
    # (group, course) -> the SUMMARY_FIGURES, one dictionary look-up a pair.
    found = {(row[:4], row[4]): row[5:] for row in rows}
    return _facts(courses=courses, member_counts=member_counts, found=found)


def _facts(
    *,
    courses: list[CoursePage],
    member_counts: dict[GroupKey, int],
    found: dict[tuple[GroupKey, int], tuple[int, ...]],
) -> CompletionFacts:
    """Learners per group and course (who should take it), then the facts.

    `found`: (group, course) -> the SUMMARY_FIGURES, for the pairs with any.
    A Department has tens of thousands of pairs: one look-up a pair.
    """
    course_ids = [course.pk for course in courses]
    class_ids = {group[2] for group in member_counts if group[2]}
    # Over many classes, every assignment of the courses is fewer rows (and a
    # cheaper query) than the classes' ids; `required` checks the class anyway.
    requirement = Requirement(
        courses, class_ids=class_ids if len(class_ids) <= 500 else None
    )
    required = requirement.required
    nothing = (0,) * len(SUMMARY_FIGURES)
    figures: dict[tuple[GroupKey, int], Figures] = {}
    for group, count in member_counts.items():
        school_id, year_id, class_id, role = group
        for course_id in course_ids:
            key = (group, course_id)
            enrolled, in_progress, completed, certificates, unenrolled = found.get(
                key, nothing
            )
            if required(
                course_id,
                school_id=school_id,
                role=role,
                school_year_id=year_id,
                school_class_id=class_id,
            ):
                learners = count
            else:
                # Everyone who enrolled, and whoever completed without an
                # enrolment (one no longer there): distinct people, since a
                # completion of an enrolled member is among the enrolled.
                learners = enrolled + unenrolled
            if learners or enrolled or completed or certificates:
                figures[key] = Figures(
                    learners, enrolled, in_progress, completed, certificates
                )
    school_ids = {group[0] for group in member_counts}
    return CompletionFacts(
        courses=courses,
        members=member_counts,
        figures=figures,
        class_ids=class_ids,
        schools=School.objects.in_bulk(school_ids),
    )


def _in_chosen_year(filters: ReportFilters, courses: list[CoursePage]) -> Q:
    """With a school year chosen, the rows of `courses` (and of no other
    course) that count in it (courses.progress)."""
    year = filters.school_year
    if year is None:
        return Q(course_id__in=[course.pk for course in courses])
    return progress.year_rows(
        year_id=year.pk, starts_on=year.starts_on, courses=courses
    )


def completions_by_month(
    *, viewer, filters: ReportFilters, members=None, courses=None
) -> list[tuple[date, int]]:
    """Completions of the learners in scope per month, oldest first."""
    if members is None:
        members = members_in_scope(viewer=viewer, filters=filters)
    if courses is None:
        courses = courses_for_report(filters=filters)
    rows = (
        CourseCompletion.objects.filter(
            _completed_between(filters),
            _in_chosen_year(filters, courses),
            user_id__in=members.values("user_id"),
        )
        .annotate(month=TruncMonth("completed_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    )
    return [
        (
            row["month"].date() if isinstance(row["month"], datetime) else row["month"],
            row["n"],
        )
        for row in rows
    ]


@dataclass
class PeopleFigures:
    people: int = 0
    participants: int = 0
    trained: int = 0


def people_by_role(
    *, viewer, filters: ReportFilters, members=None, courses=None
) -> dict[str, PeopleFigures]:
    """Distinct people per role bucket: all, those who started, those who finished.

    A person counts once in a bucket however many of its roles they hold (a
    teacher one year and a homeroom teacher the next is one teacher).
    """
    if members is None:
        members = members_in_scope(viewer=viewer, filters=filters)
    if courses is None:
        courses = courses_for_report(filters=filters)
    course_ids = [course.pk for course in courses]
    mine = {"user_id": OuterRef("user_id"), "course_id__in": course_ids}
    # A completion counts in the year of the membership (courses.progress).
    in_its_year = progress.year_rows(
        year_id=OuterRef("school_year_id"), starts_on=OuterRef("school_year__starts_on")
    )
    bucket = Case(
        *(
            When(role__in=roles, then=Value(name))
            for name, roles in AUDIENCE_ROLES.items()
        )
    )
    rows = (
        members.annotate(bucket=bucket)
        .values("bucket")
        .annotate(
            people=Count("user_id", distinct=True),
            participants=Count(
                "user_id",
                distinct=True,
                filter=Exists(Enrolment.objects.filter(**mine)),
            ),
            trained=Count(
                "user_id",
                distinct=True,
                filter=Exists(
                    CourseCompletion.objects.filter(
                        _completed_between(filters), in_its_year, **mine
                    )
                ),
            ),
        )
    )
    result = {bucket: PeopleFigures() for bucket in BUCKET_LABELS}
    for row in rows:
        result[row["bucket"]] = PeopleFigures(
            people=row["people"],
            participants=row["participants"],
            trained=row["trained"],
        )
    return result


@dataclass
class QuizFigures:
    takers: int = 0
    passed: int = 0

    @property
    def pass_rate(self) -> float | None:
        return share(self.passed, self.takers)


def quiz_pass_rates(
    *, viewer, filters: ReportFilters, members=None, courses=None
) -> dict[int, QuizFigures]:
    """Per course: learners who finished a quiz attempt, and those who passed.

    Passed is `courses.progress`'s definition: the learner's grade for one of
    the course's quizzes, under its grading method, passes (not any attempt).
    """
    if members is None:
        members = members_in_scope(viewer=viewer, filters=filters)
    if courses is None:
        courses = courses_for_report(filters=filters)
    grade_passes = QuizGrade.objects.filter(
        user_id=OuterRef("user_id"), quiz_id=OuterRef("quiz_id"), passed=True
    )
    if filters.school_year is not None:
        # A yearly course's grade of that year (its cycle), another's (cycle 0).
        grade_passes = grade_passes.filter(cycle__in=[0, filters.school_year.pk])
    rows = (
        QuizAttempt.objects.filter(
            _in_chosen_year(filters, courses),
            user_id__in=members.values("user_id"),
            state=AttemptState.FINISHED,
        )
        .values("course_id")
        .annotate(
            takers=Count("user_id", distinct=True),
            passed=Count("user_id", distinct=True, filter=Exists(grade_passes)),
        )
    )
    return {
        row["course_id"]: QuizFigures(takers=row["takers"], passed=row["passed"])
        for row in rows
    }


@dataclass
class LearnerCell:
    status: str = Status.NOT_REQUIRED
    completed_at: datetime | None = None
    best_score: float | None = None
    certificate_serial: str = ""


@dataclass
class LearnerRow:
    membership: Membership
    cells: dict[int, LearnerCell]

    @property
    def user(self):
        return self.membership.user


LEARNER_ORDER = (
    "school__name",
    "school_class__name",
    "user__lms_profile__sort_name",
    "user__pk",
    "pk",
)


def learner_membership_ids(*, viewer, filters: ReportFilters) -> QuerySet:
    """The learner list's membership ids, in the list's order; nothing else read.

    A page of these (sliced, so only that page is fetched) is what
    `learner_rows` works standings out for.
    """
    members = members_in_scope(viewer=viewer, filters=filters)
    return members.order_by(*LEARNER_ORDER).values_list("pk", flat=True)


def learner_rows(
    *, viewer, filters: ReportFilters, membership_ids=None
) -> tuple[list[CoursePage], list[LearnerRow]]:
    """Each learner in scope with each course's status and best quiz score.

    Six queries plus the course list, whatever the number of learners. With
    `membership_ids` (a page of `learner_membership_ids`) only those rows are
    read and worked out, in that order, so a page costs the same however
    many learners the filters match.
    """
    members = members_in_scope(viewer=viewer, filters=filters)
    courses = courses_for_report(filters=filters)
    course_ids = [course.pk for course in courses]
    related = ("user__lms_profile", "school", "school_class", "school_year")
    if membership_ids is None:
        memberships = list(members.select_related(*related).order_by(*LEARNER_ORDER))
        user_ids = members.values("user_id")
    else:
        membership_ids = list(membership_ids)
        found = members.filter(pk__in=membership_ids).select_related(*related)
        by_pk = {membership.pk: membership for membership in found}
        memberships = [by_pk[pk] for pk in membership_ids if pk in by_pk]
        user_ids = {membership.user_id for membership in memberships}
    users = {"user_id__in": user_ids, "course_id__in": course_ids}
    year_of = ("school_year_id", "school_year__starts_on")
    enrolled = set(
        Enrolment.objects.filter(**users).values_list("user_id", "course_id")
    )
    # A learner may have a row of a course per school year (a course required
    # every year): each membership's cells read the rows that count in its
    # year (courses.progress.counts_in_year).
    completions = defaultdict(list)
    for user_id, course_id, completed_at, *year in CourseCompletion.objects.filter(
        _completed_between(filters), **users
    ).values_list("user_id", "course_id", "completed_at", *year_of):
        completions[(user_id, course_id)].append((year, completed_at))
    began = progress.began_rows(user_ids=user_ids, course_ids=course_ids)
    best = defaultdict(list)
    for user_id, course_id, *year, score in (
        QuizAttempt.objects.filter(state=AttemptState.FINISHED, **users)
        .values("user_id", "course_id", *year_of)
        .annotate(best=Max("percent"))
        .values_list("user_id", "course_id", *year_of, "best")
    ):
        if score is not None:
            best[(user_id, course_id)].append((year, float(score)))
    serials = defaultdict(list)
    for holder_id, course_id, serial, *year in Certificate.objects.filter(
        status=CertificateStatus.VALID,
        holder_id__in=user_ids,
        course_id__in=course_ids,
    ).values_list("holder_id", "course_id", "serial", *year_of):
        serials[(holder_id, course_id)].append((year, serial))
    yearly = {course.pk for course in courses if course.required_every_year}
    requirement = Requirement(
        courses, class_ids={m.school_class_id for m in memberships if m.school_class_id}
    )
    rows = []
    for membership in memberships:
        cells = {}
        for course_id in course_ids:
            key = (membership.user_id, course_id)

            def counted(found, course_id=course_id, membership=membership):
                year = membership.school_year
                return [
                    value
                    for (row_year_id, row_starts_on), value in found
                    if progress.counts_in_year(
                        yearly=course_id in yearly,
                        row_year_id=row_year_id,
                        row_starts_on=row_starts_on,
                        year_id=year.pk,
                        starts_on=year.starts_on,
                    )
                ]

            scores = counted(best.get(key, []))
            cell = LearnerCell(
                completed_at=max(counted(completions.get(key, [])), default=None),
                best_score=max(scores) if scores else None,
                certificate_serial=next(iter(counted(serials.get(key, []))), ""),
            )
            began_here = counted([(year, True) for year in began.get(key, ())])
            cell.status = progress.standing(
                completed=cell.completed_at is not None,
                enrolled=key in enrolled,
                began=bool(began_here),
                required=requirement.required(
                    course_id,
                    school_id=membership.school_id,
                    role=membership.role,
                    school_year_id=membership.school_year_id,
                    school_class_id=membership.school_class_id,
                ),
            )
            cells[course_id] = cell
        rows.append(LearnerRow(membership=membership, cells=cells))
    return courses, rows
