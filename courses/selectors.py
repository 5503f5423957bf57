"""Reads for courses: who may take what, and how far each learner has got.

Everything a learner-facing page needs is computed in bulk here, so a page's
query count does not grow with the number of courses or steps it shows.
"""

from dataclasses import dataclass, field
from datetime import datetime
from functools import reduce
from operator import or_

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Length, Substr
from django.utils import timezone
from wagtail.models import Page, Site, get_page_models

from lms.people.models import Membership, Role
from lms.people.policies import children_of
from lms.people.profiles import profile_of
from lms.people.selectors import (
    consent_exists,
    consent_is_complete,
    consent_required_exists,
    learning_year_subquery,
)

from . import progress
from .models import (
    Audience,
    ClassAssignment,
    CourseCompletion,
    CourseIndexPage,
    CoursePage,
    Enrolment,
    EnrolmentMode,
)
from .steps import CourseStep, YearlySteps, open_steps

REVIEWER_ROLES = {Role.SCHOOL_ADMIN, Role.DEPARTMENT_OFFICER}


def page_is_live_for_learners(page: Page | None, *, request=None) -> bool:
    """Whether learners may reach `page` (a catalogue, course, lesson or quiz).

    The page and every ancestor below the tree's root must be live, and no
    view restriction on them may keep this request out (without a request,
    any restriction does). One query; restrictions are only loaded when one
    exists. A page that fails answers 404 and records nothing.
    """
    if page is None or not page.live:
        return False
    step = page.steplen
    paths = [page.path[:end] for end in range(2 * step, len(page.path) + 1, step)]
    blockers = set(
        Page.objects.filter(path__in=paths)
        .filter(Q(live=False) | Q(view_restrictions__isnull=False))
        .values_list("live", "view_restrictions")
    )
    if any(not live for live, _restriction in blockers):
        return False
    if not blockers:
        return True
    if request is None:
        return False
    return all(
        restriction.accept_request(request)
        for restriction in page.get_view_restrictions()
    )


def step_models() -> list[type[Page]]:
    return [model for model in get_page_models() if issubclass(model, CourseStep)]


@dataclass(frozen=True)
class Access:
    """Whether a person may take a course, and if not, why not."""

    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


AUDIENCE_ROLES = {
    Audience.STUDENTS: [Role.STUDENT],
    Audience.TEACHERS: [Role.TEACHER, Role.HOMEROOM_TEACHER, Role.SCHOOL_ADMIN],
    Audience.COLLABORATORS: [Role.COLLABORATOR],
}


def course_facts(*, user, course_ids: list[int]) -> dict[int, dict]:
    """Everything access and progress depend on, for many courses, in one query."""
    if not user.is_authenticated or not course_ids:
        return {}

    # Memberships that count for the course: at the school that owns it
    # (courses.progress.Requirement), any school for the Department library,
    # and Department-wide ones (no school) everywhere.
    def counted(owner):
        return Membership.objects.filter(user=user).filter(
            Q(school_id=Coalesce(owner, F("school_id"))) | Q(school__isnull=True)
        )

    memberships = counted(OuterRef("f_owner"))
    # The same, inside a subquery of the course row's subqueries.
    memberships_within = counted(OuterRef(OuterRef("f_owner")))
    years = CoursePage.school_years.through.objects.filter(coursepage_id=OuterRef("pk"))
    # The learner's school year: a course required every year counts only
    # its rows (courses.progress.this_year_q).
    year = OuterRef("f_year")
    opened_lesson, started_attempt = progress.began_conditions(
        {"user": user, "course": OuterRef("pk")}, year=year
    )
    completions = CourseCompletion.objects.filter(user=user, course=OuterRef("pk"))
    counted = completions.filter(progress.this_year_q(year))
    # A yearly course's latest completion of an earlier year: shown as the
    # previous result while the learner takes it again.
    earlier = completions.exclude(progress.this_year_q(year)).order_by("-completed_at")
    rows = (
        CoursePage.objects.filter(pk__in=course_ids)
        .annotate(
            f_owner=progress.owner_school_subquery(),
            f_year=learning_year_subquery(user=user),
        )
        .annotate(
            f_enrolled=Exists(
                Enrolment.objects.filter(user=user, course=OuterRef("pk"))
            ),
            f_began=opened_lesson | started_attempt,
            f_completed_at=Subquery(counted.values("completed_at")[:1]),
            f_previous_at=Subquery(earlier.values("completed_at")[:1]),
            f_previous_year=Subquery(earlier.values("school_year__name")[:1]),
            # The course or an ancestor (catalogue, home) is unpublished: the
            # course is out of reach and nothing may be recorded against it.
            f_hidden=Exists(
                Page.objects.filter(
                    live=False,
                    depth__gt=1,
                    path=Substr(OuterRef("path"), 1, Length("path")),
                )
            ),
            f_has_years=Exists(years),
            f_year_match=Exists(
                years.filter(
                    schoolyear_id__in=memberships_within.values("school_year_id")
                )
            ),
            f_assigned=Exists(
                ClassAssignment.objects.filter(
                    course=OuterRef("pk"),
                    school_class_id__in=memberships_within.values("school_class_id"),
                )
            ),
            f_reviewer=Exists(memberships.filter(role__in=REVIEWER_ROLES)),
            f_consent_required=consent_required_exists(learner=user),
            f_consent_own=consent_exists(learner=user, guardian=False),
            f_consent_guardian=consent_exists(learner=user, guardian=True),
            **{
                f"f_{audience}": Exists(memberships.filter(role__in=roles))
                for audience, roles in AUDIENCE_ROLES.items()
            },
        )
        .values(
            "pk",
            "f_year",
            "f_enrolled",
            "f_began",
            "f_hidden",
            "f_completed_at",
            "f_previous_at",
            "f_previous_year",
            "f_has_years",
            "f_year_match",
            "f_assigned",
            "f_reviewer",
            "f_consent_required",
            "f_consent_own",
            "f_consent_guardian",
            *(f"f_{audience}" for audience in AUDIENCE_ROLES),
        )
    )
    return {row["pk"]: row for row in rows}


def course_access(*, user, course: CoursePage, facts: dict | None) -> Access:
    """The named checks, in order; the first that fails says why."""
    if not user.is_authenticated:
        return Access(False, "sign_in")
    if facts is None:
        return Access(False, "unknown_course")
    if facts["f_hidden"]:
        return Access(False, "unpublished")
    if user.is_superuser or facts["f_reviewer"]:
        return Access(True)
    if not any(facts[f"f_{audience}"] for audience in course.audiences):
        return Access(False, "audience")
    if facts["f_has_years"] and not facts["f_year_match"]:
        return Access(False, "school_year")
    if course.enrolment_mode == EnrolmentMode.ASSIGNED and not facts["f_assigned"]:
        return Access(False, "not_assigned")
    if facts["f_consent_required"] and not consent_is_complete(
        birth_date=profile_of(user).birth_date,
        own=facts["f_consent_own"],
        guardian=facts["f_consent_guardian"],
    ):
        return Access(False, "consent")
    return Access(True)


def course_access_for(*, user, course: CoursePage) -> Access:
    facts = course_facts(user=user, course_ids=[course.pk]).get(course.pk)
    return course_access(user=user, course=course, facts=facts)


@dataclass
class StepStatus:
    page: Page
    required: bool
    done: bool
    available: bool = True
    position: int = 0
    # Lessons to finish before this step opens (steps.open_steps).
    waiting_for: list["StepStatus"] = field(default_factory=list)


@dataclass(frozen=True)
class PreviousResult:
    """A completion of an earlier school year, kept as history."""

    school_year: str
    completed_at: datetime


@dataclass
class CourseStatus:
    course: CoursePage
    access: Access
    enrolled: bool = False
    completed_at: datetime | None = None
    steps: list[StepStatus] = field(default_factory=list)
    # Opened a lesson or started a quiz attempt (courses.progress).
    began: bool = False
    # The learner's school year (its id): a course required every school year
    # counts only what was done in it.
    school_year_id: int | None = None
    # A course required every year: the latest completion of an earlier year.
    previous: "PreviousResult | None" = None

    @property
    def completed(self) -> bool:
        return self.completed_at is not None

    @property
    def required_steps(self) -> list[StepStatus]:
        return [step for step in self.steps if step.required]

    @property
    def remaining(self) -> list[StepStatus]:
        """Steps still to do, in course order (optional ones included)."""
        return [step for step in self.steps if not step.done]

    @property
    def missing_required(self) -> list[StepStatus]:
        return [step for step in self.steps if step.required and not step.done]

    @property
    def percent(self) -> int:
        if self.completed:
            return 100
        required = self.required_steps
        if not required:
            return 0
        return round(100 * sum(step.done for step in required) / len(required))

    @property
    def standing(self) -> str:
        """The learner's state in the course as courses.progress defines it."""
        return progress.standing(
            completed=self.completed,
            enrolled=self.enrolled,
            began=self.began,
            required=bool(self.access),
        )

    @property
    def started(self) -> bool:
        return self.standing in (progress.IN_PROGRESS, progress.COMPLETED)

    @property
    def deadline(self) -> datetime | None:
        """When the first of the steps still to do closes (a quiz's closing time)."""
        closing = [
            step.page.closes_at
            for step in self.remaining
            if getattr(step.page, "closes_at", None) is not None
        ]
        return min(closing, default=None)

    @property
    def next_step(self) -> StepStatus | None:
        for step in self.steps:
            if not step.done and step.available:
                return step
        return None

    def step_for(self, page_id: int) -> StepStatus | None:
        return next((step for step in self.steps if step.page.pk == page_id), None)


def requirements_met(steps: list[StepStatus]) -> bool:
    """The completion rule: every required step done (and at least one exists)."""
    required = [step for step in steps if step.required]
    return bool(required) and all(step.done for step in required)


def steps_by_course(
    *, user, courses: list[CoursePage], school_year_id: int | None = None
) -> dict[int, list[Page]]:
    """Live steps of each course in page order, each with `step_done` for `user`.

    One query per step type, whatever the number of courses and steps. Steps
    of a course required every school year are done only by rows of
    `school_year_id` (the learner's year, courses.progress).
    """
    saved = [course for course in courses if course.pk and course.path]
    result: dict[int, list[Page]] = {course.pk: [] for course in saved}
    if not saved:
        return result
    by_path = {course.path: course.pk for course in saved}
    scope = reduce(
        or_,
        (Q(path__startswith=c.path, depth=c.depth + 1) for c in saved),
    )
    yearly_courses = [c for c in saved if getattr(c, "required_every_year", False)]
    extra = {}
    if yearly_courses:
        extra["yearly"] = YearlySteps(
            steps=reduce(
                or_,
                (Q(path__startswith=c.path, depth=c.depth + 1) for c in yearly_courses),
            ),
            school_year_id=school_year_id,
        )
    found: list[Page] = []
    for model in step_models():
        queryset = model.objects.live().filter(scope)
        if user.is_authenticated:
            queryset = model.annotate_step_done(queryset, user=user, **extra)
        else:
            queryset = model.annotate_nobody(queryset)
        found.extend(queryset)
    found.sort(key=lambda page: page.path)
    for page in found:
        course_id = by_path.get(page.path[: -Page.steplen])
        if course_id is not None:
            result[course_id].append(page)
    return result


def course_statuses_for(*, user, courses: list[CoursePage]) -> dict[int, CourseStatus]:
    facts = course_facts(user=user, course_ids=[c.pk for c in courses if c.pk])
    year_id = next((row["f_year"] for row in facts.values()), None)
    steps = steps_by_course(user=user, courses=courses, school_year_id=year_id)
    statuses = {}
    for course in courses:
        course_facts_row = facts.get(course.pk) or {}
        previous = None
        if course_facts_row.get("f_previous_at"):
            previous = PreviousResult(
                school_year=course_facts_row["f_previous_year"] or "",
                completed_at=course_facts_row["f_previous_at"],
            )
        status = CourseStatus(
            course=course,
            access=course_access(
                user=user, course=course, facts=course_facts_row or None
            ),
            enrolled=bool(course_facts_row.get("f_enrolled")),
            began=bool(course_facts_row.get("f_began")),
            completed_at=course_facts_row.get("f_completed_at"),
            school_year_id=year_id,
            previous=previous,
        )
        for position, page in enumerate(steps.get(course.pk, []), start=1):
            status.steps.append(
                StepStatus(
                    page=page,
                    required=page.step_is_required(),
                    done=bool(page.step_done),
                    position=position,
                )
            )
        open_steps(course, status.steps)
        statuses[course.pk] = status
    return statuses


def course_status_for(*, user, course: CoursePage) -> CourseStatus:
    return course_statuses_for(user=user, courses=[course])[course.pk]


def catalogue_for(*, user, catalogue: Page) -> list[CourseStatus]:
    """Cards for the catalogue: courses this person may take, with progress.

    Anonymous visitors see every live course (they sign in to start).
    """
    courses = list(
        CoursePage.objects.live()
        .child_of(catalogue)
        .select_related("cover_image")
        .prefetch_related("cover_image__renditions")
        .order_by("path")
    )
    statuses = course_statuses_for(user=user, courses=courses)
    cards = [statuses[course.pk] for course in courses]
    if user.is_authenticated:
        # Courses held back only for want of consent stay listed; their page
        # tells the learner to ask their school.
        cards = [
            card for card in cards if card.access or card.access.reason == "consent"
        ]
    return cards


def catalogue_main(*, request) -> CourseIndexPage | None:
    """The catalogue the site header links to: among the live catalogues of the
    request's site, the Department library's, else the first in page order."""
    site = Site.find_for_request(request)
    catalogues = CourseIndexPage.objects.live()
    if site is not None:
        catalogues = catalogues.descendant_of(site.root_page, inclusive=True)
    return catalogues.order_by(F("school").asc(nulls_first=True), "path").first()


def my_learning_for(*, user) -> dict[str, list[CourseStatus]]:
    """The learner's dashboard: courses in progress, enrolled but not begun,
    completed, and meant for them but not opened yet (`not_started`), as
    courses.progress defines those states."""
    course_ids = set(
        Enrolment.objects.filter(user=user).values_list("course_id", flat=True)
    ) | set(
        CourseCompletion.objects.filter(user=user, course__isnull=False).values_list(
            "course_id", flat=True
        )
    )
    courses = list(
        CoursePage.objects.live()
        .filter(pk__in=course_ids)
        .select_related("cover_image")
        .prefetch_related("cover_image__renditions")
        .order_by("path")
    )
    statuses = course_statuses_for(user=user, courses=courses)
    by_standing: dict[str, list[CourseStatus]] = {}
    for status in statuses.values():
        by_standing.setdefault(status.standing, []).append(status)
    completed = sorted(
        (s for s in statuses.values() if s.completed),
        key=lambda s: s.completed_at,
        reverse=True,
    )
    return {
        "in_progress": by_standing.get(progress.IN_PROGRESS, []),
        "enrolled": by_standing.get(progress.ENROLLED, []),
        "completed": completed,
        "not_started": courses_meant_for(user=user),
    }


def courses_meant_for(*, user) -> list[CourseStatus]:
    """Live courses `user` is meant to take (courses.progress.Requirement: their
    role, school year and class) and has not enrolled in or completed, with
    their status; courses held back for want of consent stay listed."""
    memberships = list(
        Membership.objects.filter(user=user).values(
            "school_id", "role", "school_year_id", "school_class_id"
        )
    )
    if not memberships:
        return []
    candidates = list(
        CoursePage.objects.live()
        .exclude(enrolment_mode=EnrolmentMode.SELF)
        .exclude(pk__in=Enrolment.objects.filter(user=user).values("course_id"))
        .exclude(
            # A yearly course completed in an earlier year is meant for them
            # again (courses.progress).
            pk__in=CourseCompletion.objects.filter(
                progress.this_year_q(learning_year_subquery(user=user)),
                user=user,
                course__isnull=False,
            ).values("course_id")
        )
        .prefetch_related("school_years")
        .annotate(owner_school_id=progress.owner_school_subquery())
        .order_by("path")
    )
    if not candidates:
        return []
    requirement = progress.Requirement(
        candidates, class_ids=[m["school_class_id"] for m in memberships]
    )
    meant = [
        course
        for course in candidates
        if any(requirement.required(course.pk, **m) for m in memberships)
    ]
    statuses = course_statuses_for(user=user, courses=meant)
    return [
        statuses[course.pk]
        for course in meant
        if statuses[course.pk].access or statuses[course.pk].access.reason == "consent"
    ]


_STANDING_ORDER = {progress.IN_PROGRESS: 0, progress.ENROLLED: 1}


def _urgency(status: CourseStatus) -> tuple:
    """Nearest deadline first; then courses begun, enrolled, not opened."""
    deadline = status.deadline
    return (
        deadline is None,
        deadline.timestamp() if deadline else 0,
        _STANDING_ORDER.get(status.standing, 2),
        status.course.path,
    )


def learner_home_for(*, user) -> dict:
    """The signed-in learner's home: My learning's lists, plus the courses still
    to finish, most urgent first, and the first of them with something to do
    (`next_course`)."""
    learning = my_learning_for(user=user)
    to_finish = sorted(
        [*learning["in_progress"], *learning["enrolled"], *learning["not_started"]],
        key=_urgency,
    )
    next_course = next(
        (status for status in to_finish if status.next_step or not status.access),
        None,
    )
    return {**learning, "to_finish": to_finish, "next_course": next_course}


@dataclass
class ChildLearning:
    """One child's My learning, as their parent sees it (`learning_of_children`)."""

    child: AbstractBaseUser
    in_progress: list[CourseStatus]
    enrolled: list[CourseStatus]
    completed: list[CourseStatus]
    not_started: list[CourseStatus]
    # What other apps add (certificates), filled in by the view.
    panels: list[dict] = field(default_factory=list)

    @property
    def courses(self) -> list[CourseStatus]:
        return [*self.in_progress, *self.enrolled, *self.not_started]


def learning_of_children(*, parent) -> list[ChildLearning]:
    """Each child of `parent` (people.policies.children_of) with their own My
    learning, computed by `my_learning_for` exactly as the child sees it."""
    return [
        ChildLearning(child=child, **my_learning_for(user=child))
        for child in children_of(parent=parent)
    ]


def catalogues_live(*, root: Page | None) -> list[CourseIndexPage]:
    """The live catalogues under `root` (a site's home), the library's first."""
    catalogues = CourseIndexPage.objects.live()
    if root is not None:
        catalogues = catalogues.descendant_of(root, inclusive=True)
    return list(catalogues.order_by(F("school").asc(nulls_first=True), "path"))


@dataclass
class LearnerRow:
    user: object
    enrolled_at: datetime | None
    completed_at: datetime | None
    done: int
    required_total: int
    began: bool = False

    @property
    def state(self) -> str:
        """The learner's state (courses.progress); listed people who are not
        enrolled are those the course is meant for, so "not started"."""
        return progress.standing(
            completed=self.completed_at is not None,
            enrolled=self.enrolled_at is not None,
            began=self.began,
            required=True,
        )

    @property
    def percent(self) -> int:
        if self.completed_at:
            return 100
        if not self.required_total:
            return 0
        return min(100, round(100 * self.done / self.required_total))


def counting_year(*, course: CoursePage, school_year=None):
    """The school year whose rows count for `course` on staff pages: None
    (every row) for a course taken once; `school_year`, else the current
    one, for a course required every school year."""
    if not course.required_every_year:
        return None
    if school_year is not None:
        return school_year
    from lms.people.selectors import school_year_of_date

    return school_year_of_date(timezone.localdate())


def _counted(rows, year):
    return rows if year is None else rows.filter(school_year=year)


def course_learner_states(
    *, viewer, course: CoursePage, school_year=None
) -> dict[str, set]:
    """Who completed `course`, is in progress, or only enrolled (the states of
    courses.progress): sets of user ids, from the course's own rows (the
    caller intersects them with the learners it may show). A fixed number of
    queries; memory grows with the people active in the course, not with
    everyone it is meant for.
    """
    year = counting_year(course=course, school_year=school_year)
    completed = set(
        _counted(CourseCompletion.objects.filter(course=course), year).values_list(
            "user_id", flat=True
        )
    )
    enrolled = set(
        Enrolment.objects.filter(course=course).values_list("user_id", flat=True)
    )
    began = progress.began_user_ids(
        course=course,
        user_ids=Enrolment.objects.filter(course=course).values("user_id"),
        school_year=year,
    )
    in_progress = (enrolled & began) - completed
    return {
        "completed": completed,
        "in_progress": in_progress,
        "enrolled": enrolled - completed - in_progress,
    }


def course_learners_for(
    *, viewer, course: CoursePage, learners, school_year=None
) -> list[LearnerRow]:
    """Each learner's standing in `course`; `learners` is already scoped to `viewer`.

    A fixed number of queries whatever the number of learners. A course
    required every school year counts `school_year`'s rows (`counting_year`).
    """
    from django.db.models import OuterRef, Subquery

    year = counting_year(course=course, school_year=school_year)
    users = list(
        learners.annotate(
            course_enrolled_at=Subquery(
                Enrolment.objects.filter(user=OuterRef("pk"), course=course).values(
                    "enrolled_at"
                )[:1]
            ),
            course_completed_at=Subquery(
                _counted(
                    CourseCompletion.objects.filter(user=OuterRef("pk"), course=course),
                    year,
                ).values("completed_at")[:1]
            ),
        )
    )
    by_year = {"school_year_id": year.pk} if year is not None else {}
    steps = steps_by_course(user=viewer, courses=[course]).get(course.pk, [])
    required = [step for step in steps if step.step_is_required()]
    done: dict[int, int] = {}
    by_model: dict[type, list] = {}
    for step in required:
        by_model.setdefault(type(step), []).append(step)
    user_ids = [user.pk for user in users]
    for model, model_steps in by_model.items():
        for user_id, count in model.done_counts_by_user(
            steps=model_steps, user_ids=user_ids, **by_year
        ).items():
            done[user_id] = done.get(user_id, 0) + count
    began = progress.began_user_ids(course=course, user_ids=user_ids, school_year=year)
    return [
        LearnerRow(
            user=user,
            enrolled_at=user.course_enrolled_at,
            completed_at=user.course_completed_at,
            done=done.get(user.pk, 0),
            required_total=len(required),
            began=user.pk in began,
        )
        for user in users
    ]
