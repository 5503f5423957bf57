"""The report tables, built once and drawn as HTML, CSV, XLSX and PDF alike.

A column added here appears on the page, in both exports and in the annual
report together, so the four never disagree.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from lms.exports import csv_response, xlsx_response
from lms.people.models import Role

from .selectors import (
    BUCKET_LABELS,
    STATUS_LABELS,
    CompletionFacts,
    Figures,
    LearnerCell,
    LearnerRow,
    QuizFigures,
)


@dataclass
class Column:
    key: str
    label: str
    numeric: bool = False


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list]
    totals: list | None = None
    sort: str = ""
    # The page shows this many rows; the downloads always hold every row.
    page_limit: int = 500

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
        rows = [*self.rows, *([self.totals] if self.totals else [])]
        respond = csv_response if fmt == "csv" else xlsx_response
        return respond(filename, self.header, rows)


def figure_columns() -> list[Column]:
    return [
        Column("learners", _("Learners"), numeric=True),
        Column("enrolled", _("Enrolled"), numeric=True),
        Column("in_progress", _("In progress"), numeric=True),
        Column("completed", _("Completed"), numeric=True),
        Column("not_started", _("Not started"), numeric=True),
        Column("percent", _("Completed (%)"), numeric=True),
        Column("certificates", _("Certificates"), numeric=True),
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
    total = facts.total()
    return Table(
        key="courses",
        title=_("Completion by course"),
        columns=[
            Column("course", _("Course")),
            *figure_columns(),
            Column("quiz_takers", _("Took the quiz"), numeric=True),
            Column("quiz_passed", _("Passed the quiz"), numeric=True),
            Column("pass_rate", _("Pass rate (%)"), numeric=True),
        ],
        rows=rows,
        totals=[_("Total"), *figure_cells(total), None, None, None],
    )


def class_table(facts: CompletionFacts) -> Table:
    """One row per class, every course together (the annual report's table)."""
    figures = facts.by_class()
    keys = sorted(figures, key=lambda c: (c is None, class_label(facts, c)))
    members = facts.members_by(lambda group: group[2])
    return Table(
        key="classes",
        title=_("Completion by class"),
        columns=[
            Column("class", _("Class")),
            Column("people", _("People"), numeric=True),
            *figure_columns(),
        ],
        rows=[
            [class_label(facts, c), members.get(c, 0), *figure_cells(figures[c])]
            for c in keys
        ],
        totals=[
            _("Total"),
            sum(members.values()),
            *figure_cells(facts.total()),
        ],
    )


def department_table(facts: CompletionFacts, sort: str = "") -> Table:
    """Every visible school side by side, sortable by any column, with totals."""
    columns = [
        Column("school", _("School")),
        Column("code", _("School code")),
        Column("students", _("Students"), numeric=True),
        Column("teachers", _("Teachers"), numeric=True),
        Column("collaborators", _("Collaborators"), numeric=True),
        *figure_columns(),
    ]
    people = facts.members_by(lambda group: (group[0], _bucket_of(group[3])))
    figures = facts.by_school()
    rows = []
    for school_id, school in facts.schools.items():
        rows.append(
            [
                school.name,
                school.code,
                *(people.get((school_id, bucket), 0) for bucket in BUCKET_LABELS),
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
    totals = [_("Total"), ""]
    for position in range(2, len(columns) - 1):
        totals.append(sum(row[position] for row in rows))
    totals.append(facts.total().percent)
    return Table(
        key="department",
        title=_("Schools side by side"),
        columns=columns,
        rows=present + missing,
        totals=totals,
        sort=("-" if descending else "") + sort_key,
    )


def _bucket_of(role: str) -> str:
    from .selectors import ROLE_BUCKETS

    return ROLE_BUCKETS[role]


# Columns shown for each course in the learner list: (label, value of a cell).
# Another per-learner, per-course figure (such as a certificate serial) is one
# more entry here plus the query that fills LearnerCell in selectors.learner_rows.
LearnerCourseColumn = tuple[Callable[[str], str], Callable[[LearnerCell], object]]
LEARNER_COURSE_COLUMNS: list[LearnerCourseColumn] = [
    (
        lambda title: _("%(course)s: status") % {"course": title},
        lambda cell: str(STATUS_LABELS[cell.status]),
    ),
    (
        lambda title: _("%(course)s: completed on") % {"course": title},
        lambda cell: (
            timezone.localtime(cell.completed_at).strftime("%d/%m/%Y")
            if cell.completed_at
            else ""
        ),
    ),
    (
        lambda title: _("%(course)s: best quiz score (%%)") % {"course": title},
        lambda cell: cell.best_score,
    ),
    (
        lambda title: _("%(course)s: certificate") % {"course": title},
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
        for position, (label, _value) in enumerate(LEARNER_COURSE_COLUMNS):
            columns.append(Column(f"c{course.pk}_{position}", label(course.title)))
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
            cells.extend(value(cell) for _label, value in LEARNER_COURSE_COLUMNS)
        body.append(cells)
    return Table(key="learners", title=_("Learners"), columns=columns, rows=body)


@dataclass
class TableSet:
    """The tables of one page, found by key for an export."""

    tables: list[Table] = field(default_factory=list)

    def get(self, key: str) -> Table | None:
        return next((table for table in self.tables if table.key == key), None)
