"""The Wagtail admin dashboard, per role: what a member of staff needs first.

A homeroom teacher sees how their class is getting on and the essays waiting
for a grade; a school admin their school's figures, the students whose
consent is missing and the batches still running; a Department officer the
Department's schools. Figures come from the report selectors (the one
definition of a learner's state, scoped by `visible_membership_scope`); lists
come from the policy of what they list. Roles count in the school year the
reports open on (`selectors.current_school_year`), so a panel's link shows
the same figures.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext
from wagtail import hooks
from wagtail.admin.ui.components import Component

from certificates.models import CertificateStatus, IssueBatchItem
from certificates.policies import batches_visible_to
from certificates.selectors import certificates_visible_to
from courses.models import CoursePage
from lms.people.models import Membership, Role, School, SchoolClass, SchoolYear
from lms.people.policies import school_year_is_open
from lms.people.selectors import learners_missing_consent
from quizzes.selectors import attempts_waiting_for_grade, essays_waiting_for

from .selectors import Figures, ReportFilters, completion_facts, current_school_year

ESSAYS_LISTED = 5
SCHOOLS_LISTED = 10


def _query(**params) -> str:
    return "?" + urlencode({k: v for k, v in params.items() if v is not None})


def dashboard_memberships(*, viewer, school_year: SchoolYear) -> list[Membership]:
    """The viewer's roles in `school_year`, the ones the dashboard answers to."""
    if not viewer.is_authenticated or not viewer.is_active:
        return []
    return list(
        Membership.objects.filter(user=viewer, school_year=school_year)
        .filter(
            role__in=[Role.HOMEROOM_TEACHER, Role.SCHOOL_ADMIN, Role.DEPARTMENT_OFFICER]
        )
        .select_related("school", "school_class", "department")
        .order_by("school__name", "school_class__name", "pk")
    )


# -- homeroom teacher ----------------------------------------------------------


@dataclass
class ClassProgress:
    school_class: SchoolClass
    rows: list[tuple[CoursePage, Figures]]
    learners_url: str
    # The class's family letters, while its school year lasts.
    letters_url: str = ""


def class_progress(
    *, viewer, school_year: SchoolYear, memberships: list[Membership]
) -> list[ClassProgress]:
    """Per homeroom class, per course meant for it: completed, in progress,
    not started (the report's figures for that class)."""
    classes = [
        m.school_class
        for m in memberships
        if m.role == Role.HOMEROOM_TEACHER and m.school_class_id
    ]
    if not classes:
        return []
    only = classes[0] if len(classes) == 1 else None
    facts = completion_facts(
        viewer=viewer,
        filters=ReportFilters(school_year=school_year, school_class=only),
    )
    figures = facts.by_course_class()
    result = []
    for school_class in classes:
        rows = [
            (course, figures[(course.pk, school_class.pk)])
            for course in facts.courses
            if (course.pk, school_class.pk) in figures
            and figures[(course.pk, school_class.pk)].learners
        ]
        url = reverse("lms_reports:learners") + _query(
            school_year=school_year.pk, school_class=school_class.pk
        )
        letters = (
            reverse("lms_reports:family_letters", args=[school_class.pk])
            if school_year_is_open(school_year)
            else ""
        )
        result.append(ClassProgress(school_class, rows, url, letters))
    return result


# -- school admin --------------------------------------------------------------


@dataclass
class SchoolSummary:
    school: School
    people: int
    figures: Figures
    certificates_this_year: int
    consent_missing: int
    consent_url: str
    report_url: str


def school_summaries(
    *, viewer, school_year: SchoolYear, memberships: list[Membership]
) -> list[SchoolSummary]:
    """The figures of each school the viewer administers this year."""
    schools = [m.school for m in memberships if m.role == Role.SCHOOL_ADMIN]
    result = []
    for school in schools:
        facts = completion_facts(
            viewer=viewer,
            filters=ReportFilters(school_year=school_year, school=school),
        )
        certificates = (
            certificates_visible_to(viewer=viewer)
            .filter(
                school=school,
                status=CertificateStatus.VALID,
                issued_at__date__gte=school_year.starts_on,
                issued_at__date__lte=school_year.ends_on,
            )
            .count()
        )
        result.append(
            SchoolSummary(
                school=school,
                people=sum(facts.members.values()),
                figures=facts.total(),
                certificates_this_year=certificates,
                consent_missing=learners_missing_consent(
                    viewer=viewer, school=school
                ).count(),
                consent_url=reverse("lms_consent_status:index")
                + _query(status="missing", school=school.pk),
                report_url=reverse("lms_reports:completion")
                + _query(school_year=school_year.pk, school=school.pk),
            )
        )
    return result


# Other apps add their own background work to the "batches running" panel
# through this hook, without importing the reports: each function takes the
# viewer and returns dicts with RunningBatch's fields, for work the viewer
# may follow (their own policy decides).
RUNNING_BATCHES_HOOK = "lms_dashboard_running_batches"


@dataclass
class RunningBatch:
    kind: str
    title: str
    where: str
    done: int
    total: int
    url: str

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


def certificate_batches_running(*, viewer) -> list[RunningBatch]:
    """Certificate batches the viewer may follow that still have people waiting."""
    pending = IssueBatchItem.objects.filter(
        batch=OuterRef("pk"), state=IssueBatchItem.State.PENDING
    )
    batches = (
        batches_visible_to(user=viewer)
        .filter(Exists(pending))
        .annotate(
            total=Count("items"),
            done=Count("items", filter=~Q(items__state=IssueBatchItem.State.PENDING)),
        )
        .order_by("created_at", "pk")
    )
    return [
        RunningBatch(
            kind=gettext("Certificate batch"),
            title=str(batch.course) if batch.course else "",
            where=str(batch.school_class or batch.school or ""),
            done=batch.done,
            total=batch.total,
            url=reverse("lms_certificates_batch", args=[batch.pk]),
        )
        for batch in batches
    ]


def running_batches(*, viewer) -> list[RunningBatch]:
    """Background work the viewer may follow that has not finished yet."""
    batches = certificate_batches_running(viewer=viewer)
    for fn in hooks.get_hooks(RUNNING_BATCHES_HOOK):
        batches.extend(RunningBatch(**item) for item in fn(viewer))
    return batches


# -- Department officer --------------------------------------------------------


@dataclass
class SchoolRow:
    school: School
    people: int
    figures: Figures


@dataclass
class DepartmentSummary:
    name: str
    people: int = 0
    figures: Figures = field(default_factory=Figures)
    schools: list[SchoolRow] = field(default_factory=list)
    school_count: int = 0
    report_url: str = ""


def department_summaries(
    *, viewer, school_year: SchoolYear, memberships: list[Membership]
) -> list[DepartmentSummary]:
    """Each Department the viewer serves: its schools, lowest completion first."""
    departments = [
        m.department for m in memberships if m.role == Role.DEPARTMENT_OFFICER
    ]
    if not departments:
        return []
    facts = completion_facts(
        viewer=viewer, filters=ReportFilters(school_year=school_year)
    )
    by_school = facts.by_school()
    people = facts.members_by(lambda group: group[0])
    rows_of = defaultdict(list)
    for school_id, school in facts.schools.items():
        rows_of[school.department_id].append(
            SchoolRow(
                school=school,
                people=people.get(school_id, 0),
                figures=by_school.get(school_id, Figures()),
            )
        )
    result = []
    for department in departments:
        summary = DepartmentSummary(
            name=department.name,
            report_url=reverse("lms_reports:department")
            + _query(school_year=school_year.pk, sort="percent"),
        )
        rows = rows_of.get(department.pk, [])
        for row in rows:
            summary.people += row.people
            summary.figures.add(row.figures)
        rows.sort(
            key=lambda row: (
                row.figures.percent is None,
                row.figures.percent or 0,
                row.school.name,
            )
        )
        summary.school_count = len(rows)
        summary.schools = rows[:SCHOOLS_LISTED]
        result.append(summary)
    return result


# -- panels ----------------------------------------------------------------------


class DashboardPanel(Component):
    """One of our dashboard panels; reads its figures only when rendered."""

    name = ""
    order = 100

    class Media:
        css = {"all": ["lms_reports/admin/dashboard.css"]}

    def __init__(self, *, viewer, school_year: SchoolYear, memberships):
        self.viewer = viewer
        self.school_year = school_year
        self.memberships = memberships

    def panel_context(self) -> dict:
        raise NotImplementedError

    def get_context_data(self, parent_context):
        return {
            "school_year": self.school_year,
            "panel_id": f"lms-{self.name}",
            **self.panel_context(),
        }


class ClassProgressPanel(DashboardPanel):
    name = "class-progress"
    order = 100
    template_name = "lms_reports/dashboard/class_progress.html"

    def panel_context(self):
        return {
            "classes": class_progress(
                viewer=self.viewer,
                school_year=self.school_year,
                memberships=self.memberships,
            )
        }


class EssaysPanel(DashboardPanel):
    name = "essays"
    order = 110
    template_name = "lms_reports/dashboard/essays.html"

    def panel_context(self):
        return {
            "attempts": attempts_waiting_for_grade(viewer=self.viewer),
            "essays": essays_waiting_for(viewer=self.viewer, limit=ESSAYS_LISTED * 4)[
                :ESSAYS_LISTED
            ],
            "queue_url": reverse("lms_quizzes_essays"),
        }


class SchoolPanel(DashboardPanel):
    name = "school"
    order = 120
    template_name = "lms_reports/dashboard/school.html"

    def panel_context(self):
        return {
            "schools": school_summaries(
                viewer=self.viewer,
                school_year=self.school_year,
                memberships=self.memberships,
            ),
        }


class BatchesPanel(DashboardPanel):
    name = "batches"
    order = 130
    template_name = "lms_reports/dashboard/batches.html"

    def panel_context(self):
        return {"batches": running_batches(viewer=self.viewer)}


class DepartmentPanel(DashboardPanel):
    name = "department"
    order = 140
    template_name = "lms_reports/dashboard/department.html"

    def panel_context(self):
        return {
            "departments": department_summaries(
                viewer=self.viewer,
                school_year=self.school_year,
                memberships=self.memberships,
            )
        }


def dashboard_panels(request) -> list[DashboardPanel]:
    """The panels the signed-in member of staff gets, by their roles this year."""
    school_year = current_school_year()
    if school_year is None:
        return []
    memberships = dashboard_memberships(viewer=request.user, school_year=school_year)
    roles = {m.role for m in memberships}
    kwargs = {
        "viewer": request.user,
        "school_year": school_year,
        "memberships": memberships,
    }
    panels: list[DashboardPanel] = []
    if Role.HOMEROOM_TEACHER in roles:
        panels.append(ClassProgressPanel(**kwargs))
    if roles & {Role.HOMEROOM_TEACHER, Role.SCHOOL_ADMIN}:
        panels.append(EssaysPanel(**kwargs))
    if Role.SCHOOL_ADMIN in roles:
        panels.append(SchoolPanel(**kwargs))
    if roles & {Role.SCHOOL_ADMIN, Role.DEPARTMENT_OFFICER}:
        panels.append(BatchesPanel(**kwargs))
    if Role.DEPARTMENT_OFFICER in roles:
        panels.append(DepartmentPanel(**kwargs))
    return panels
