"""The report tables, built once and drawn as HTML, CSV, XLSX and PDF alike.

A column added here appears on the page, in both exports and in the annual
report together, so the four never disagree.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.utils import timezone
from django.utils.translation import gettext as _

from lms.people.models import Role

from .selectors import (
    BUCKET_LABELS,
    STATUS_LABELS,
    CompletionFacts,
    Figures,
    LearnerCell,
    LearnerRow,
    QuizFigures,
    share,
)

# What a column holds, which decides how the page, the CSV and the XLSX draw it.
TEXT = "text"
COUNT = "count"  # a whole number of people or of enrolments
PERCENT = "percent"  # 0 to 100, one decimal
DATE = "date"

# How a totals row fills a column: SUM adds the cells above it.
SUM = "sum"


@dataclass(frozen=True)
class Rate:
    """A totals cell that is the share of two summed columns, never a sum of shares."""

    part: str
    whole: str


@dataclass
class Column:
    key: str
    label: str
    kind: str = TEXT
    total: str | Rate | None = None

    @property
    def numeric(self) -> bool:
        return self.kind in (COUNT, PERCENT)


def count(key: str, label: str) -> Column:
    """A column of whole numbers, totalled by adding them up."""
    return Column(key, label, COUNT, total=SUM)


def rate(key: str, label: str, part: str, whole: str) -> Column:
    """A percentage column, totalled as the share of two summed columns."""
    return Column(key, label, PERCENT, total=Rate(part, whole))


def totals_row(columns: list[Column], rows: list[list]) -> list:
    """The totals of `rows`, column by column, from those rows only.

    Count columns are added up; rate columns divide the totals of their two
    columns; other columns stay empty. Every table's totals row comes from
    here, so a total always equals the sum of the rows shown above it.
    """
    sums = {
        column.key: sum(row[index] or 0 for row in rows)
        for index, column in enumerate(columns)
        if column.total == SUM
    }
    cells: list = [_("Total")]
    for column in columns[1:]:
        if column.total == SUM:
            cells.append(sums[column.key])
        elif isinstance(column.total, Rate):
            cells.append(share(sums[column.total.part], sums[column.total.whole]))
        else:
            cells.append(None if column.numeric else "")
    return cells


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list]
    # Whether the table ends with a totals row (worked out by `totals_row`).
    totalled: bool = False
    sort: str = ""
    # The page shows this many rows; the downloads always hold every row.
    page_limit: int = 500

    @cached_property
    def totals(self) -> list | None:
        return totals_row(self.columns, self.rows) if self.totalled else None

    @property
    def page_rows(self) -> list[list]:
        return self.rows[: self.page_limit]

    @property
    def truncated(self) -> bool:
        return len(self.rows) > self.page_limit

    @property
    def header(self) -> list[str]:
        return [column.label for column in self.columns]

    def export(self, fmt: str, filename: str):
        from . import spreadsheets

        respond = spreadsheets.table_csv if fmt == "csv" else spreadsheets.table_xlsx
        return respond(self, filename)


def figure_columns() -> list[Column]:
    """The completion figures: each counts enrolments (one per person and
    course), so a person meant to take two courses counts twice."""
    return [
        count("learners", _("Enrolments")),
        count("enrolled", _("Enrolled")),
        count("in_progress", _("In progress")),
        count("completed", _("Completed")),
        count("not_started", _("Not started")),
        rate("percent", _("Completed (%)"), "completed", "learners"),
        count("certificates", _("Certificates")),
    ]


def figure_cells(figures: Figures) -> list:
    return [
        figures.learners,
        figures.enrolled,
        figures.in_progress,
        figures.completed,
        figures.not_started,
        figures.percent,
        figures.certificates,
    ]


def class_label(facts: CompletionFacts, class_id: int | None) -> str:
    if class_id is None:
        return _("Staff (no class)")
    return facts.classes[class_id].name


def course_class_table(facts: CompletionFacts) -> Table:
    figures = facts.by_course_class()
    titles = {course.pk: course.title for course in facts.courses}
    order = {course.pk: index for index, course in enumerate(facts.courses)}

    def school_of(class_id):
        if class_id is None:
            return ""
        return facts.schools[facts.classes[class_id].school_id].name

    keys = sorted(
        figures,
        key=lambda key: (
            order[key[0]],
            key[1] is None,
            school_of(key[1]),
            class_label(facts, key[1]),
        ),
    )
    rows = [
        [
            titles[course_id],
            school_of(class_id),
            class_label(facts, class_id),
            *figure_cells(figures[(course_id, class_id)]),
        ]
        for course_id, class_id in keys
    ]
    return Table(
        key="course_class",
        title=_("Completion by course and class"),
        columns=[
            Column("course", _("Course")),
            Column("school", _("School")),
            Column("class", _("Class")),
            *figure_columns(),
        ],
        rows=rows,
    )


def role_table(facts: CompletionFacts) -> Table:
    figures = facts.by_course_role()
    rows = []
    for course in facts.courses:
        for bucket, label in BUCKET_LABELS.items():
            if (course.pk, bucket) in figures:
                rows.append(
                    [
                        course.title,
                        str(label),
                        *figure_cells(figures[(course.pk, bucket)]),
                    ]
                )
    return Table(
        key="roles",
        title=_("Completion by role"),
        columns=[
            Column("course", _("Course")),
            Column("role", _("Role")),
            *figure_columns(),
        ],
        rows=rows,
    )


def course_table(facts: CompletionFacts, quizzes: dict[int, QuizFigures]) -> Table:
    figures = facts.by_course()
    rows = []
    for course in facts.courses:
        quiz = quizzes.get(course.pk, QuizFigures())
        rows.append(
            [
                course.title,
                *figure_cells(figures.get(course.pk, Figures())),
                quiz.takers,
                quiz.passed,
                quiz.pass_rate,
            ]
        )
    return Table(
        key="courses",
        title=_("Completion by course"),
        columns=[
            Column("course", _("Course")),
            *figure_columns(),
            count("quiz_takers", _("Took the quiz")),
            count("quiz_passed", _("Passed the quiz")),
            rate("pass_rate", _("Pass rate (%)"), "quiz_passed", "quiz_takers"),
        ],
        rows=rows,
        totalled=True,
    )


def class_table(facts: CompletionFacts) -> Table:
    """One row per class, every course together (the annual report's table)."""
    figures = facts.by_class()
    members = facts.members_by(lambda group: group[2])
    # Every class with people or figures, and a row for people in no class
    # (staff), so the rows add up to the whole school.
    keys = sorted(
        {*figures, *members}, key=lambda c: (c is None, class_label(facts, c))
    )
    return Table(
        key="classes",
        title=_("Completion by class"),
        columns=[
            Column("class", _("Class")),
            count("people", _("Learners")),
            *figure_columns(),
        ],
        rows=[
            [
                class_label(facts, c),
                members.get(c, 0),
                *figure_cells(figures.get(c, Figures())),
            ]
            for c in keys
        ],
        totalled=True,
    )


def department_table(facts: CompletionFacts, sort: str = "") -> Table:
    """Every visible school side by side, sortable by any column, with totals."""
    columns = [
        Column("school", _("School")),
        Column("code", _("School code")),
        count("people", _("Learners")),
        count("students", _("Students")),
        count("teachers", _("Teachers")),
        count("collaborators", _("Collaborators")),
        *figure_columns(),
    ]
    people = facts.members_by(lambda group: (group[0], _bucket_of(group[3])))
    figures = facts.by_school()
    rows = []
    for school_id, school in facts.schools.items():
        buckets = [people.get((school_id, bucket), 0) for bucket in BUCKET_LABELS]
        rows.append(
            [
                school.name,
                school.code,
                sum(buckets),
                *buckets,
                *figure_cells(figures.get(school_id, Figures())),
            ]
        )
    keys = [column.key for column in columns]
    descending = sort.startswith("-")
    sort_key = sort.lstrip("-")
    if sort_key not in keys:
        sort_key, descending = "school", False
    index = keys.index(sort_key)
    # Empty cells (no learners) sort after every number, whichever the direction.
    present = [row for row in rows if row[index] is not None]
    missing = [row for row in rows if row[index] is None]
    present.sort(key=lambda row: (row[index], row[0]), reverse=descending)
    return Table(
        key="department",
        title=_("Schools side by side"),
        columns=columns,
        rows=present + missing,
        totalled=True,
        sort=("-" if descending else "") + sort_key,
    )


def _bucket_of(role: str) -> str:
    from .selectors import ROLE_BUCKETS

    return ROLE_BUCKETS[role]


# Columns shown for each course in the learner list: (label, kind, value of a
# cell). Another per-learner, per-course figure (such as a certificate serial)
# is one more entry here plus the query that fills LearnerCell in
# selectors.learner_rows.
LearnerCourseColumn = tuple[Callable[[str], str], str, Callable[[LearnerCell], object]]
LEARNER_COURSE_COLUMNS: list[LearnerCourseColumn] = [
    (
        lambda title: _("%(course)s: status") % {"course": title},
        TEXT,
        lambda cell: str(STATUS_LABELS[cell.status]),
    ),
    (
        lambda title: _("%(course)s: completed on") % {"course": title},
        DATE,
        lambda cell: (
            timezone.localtime(cell.completed_at).date() if cell.completed_at else None
        ),
    ),
    (
        lambda title: _("%(course)s: best quiz score (%%)") % {"course": title},
        PERCENT,
        lambda cell: cell.best_score,
    ),
    (
        lambda title: _("%(course)s: certificate") % {"course": title},
        TEXT,
        lambda cell: cell.certificate_serial,
    ),
]


def learner_table(courses, rows: list[LearnerRow]) -> Table:
    columns = [
        Column("full_name", _("Full name")),
        Column("username", _("Username")),
        Column("student_code", _("Student code")),
        Column("school", _("School")),
        Column("class", _("Class")),
        Column("role", _("Role")),
    ]
    for course in courses:
        for position, (label, kind, _value) in enumerate(LEARNER_COURSE_COLUMNS):
            columns.append(
                Column(f"c{course.pk}_{position}", label(course.title), kind)
            )
    role_labels = dict(Role.choices)
    body = []
    for row in rows:
        membership = row.membership
        cells = [
            row.user.lms_profile.full_name,
            row.user.get_username(),
            row.user.lms_profile.student_code,
            membership.school.name if membership.school else "",
            membership.school_class.name if membership.school_class else "",
            str(role_labels.get(membership.role, membership.role)),
        ]
        for course in courses:
            cell = row.cells[course.pk]
            cells.extend(value(cell) for _label, _kind, value in LEARNER_COURSE_COLUMNS)
        body.append(cells)
    return Table(key="learners", title=_("Learners"), columns=columns, rows=body)


@dataclass
class TableSet:
    """The tables of one page, found by key for an export."""

    tables: list[Table] = field(default_factory=list)

    def get(self, key: str) -> Table | None:
        return next((table for table in self.tables if table.key == key), None)
