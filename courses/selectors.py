"""Reads for courses: who may take what, and how far each learner has got.

Everything a learner-facing page needs is computed in bulk here, so a page's
query count does not grow with the number of courses or steps it shows.
"""

from dataclasses import dataclass, field
from datetime import datetime
from functools import reduce
from operator import or_

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import router
from django.db.models import (
    BigIntegerField,
    BooleanField,
    CharField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    Q,
    Value,
)
from django.db.models.functions import Cast
from django.utils import timezone
from wagtail.models import Page, Site

from lms import sqlcache
from lms.people.models import Membership, Role
from lms.people.policies import children_of
from lms.people.profiles import profile_of
from lms.people.selectors import (
    consent_is_complete,
    learning_year_subquery,
    roles_memo_generation,
    roles_memo_prime,
)
from lms.routing import BLOCKER_DEPTH

from . import progress
from .models import (
    Audience,
    ClassAssignment,
    CourseCompletion,
    CourseIndexPage,
    CoursePage,
    Enrolment,
    EnrolmentMode,
    LessonProgress,
)
from .steps import open_steps
from .structure import course_steps, step_models, structures_for

REVIEWER_ROLES = {Role.SCHOOL_ADMIN, Role.DEPARTMENT_OFFICER}


def page_is_live_for_learners(
    page: Page | None, *, request=None, blockers: tuple[bool, bool] | None = None
) -> bool:
    """Whether learners may reach `page` (a catalogue, course, lesson or quiz).

    The page and every ancestor below the tree's root must be live, and no
    view restriction on them may keep this request out (without a request,
    any restriction does). One query; restrictions are only loaded when one
    exists. A page that fails answers 404 and records nothing. `blockers`:
    (unpublished, restricted) as `page_blockers` read them with the row that
    names the page, instead of the query.
    """
    if page is None or not page.live:
        return False
    if blockers is None and hasattr(page, "lms_unpublished"):
        # Read with the page by routing (lms.routing.child_by_slug).
        blockers = (page.lms_unpublished, page.lms_restricted)
    if blockers is not None and page.depth <= BLOCKER_DEPTH:
        unpublished, restricted = blockers
        if unpublished:
            return False
        if not restricted:
            return True
        return request is not None and all(
            restriction.accept_request(request)
            for restriction in page.get_view_restrictions()
        )
    step = page.steplen
    paths = [page.path[:end] for end in range(2 * step, len(page.path) + 1, step)]
    blockers = set(
        sqlcache.cached_rows(
            "courses.page_is_live_for_learners",
            _blockers_queryset,
            model=Page,
            values={"paths": paths},
        )
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


def _blockers_queryset(values: dict):
    """Which of the pages at `values["paths"]` keep learners out: (live,
    view restriction id) of those unpublished or restricted."""
    return (
        Page.objects.filter(path__in=values["paths"])
        .filter(Q(live=False) | Q(view_restrictions__isnull=False))
        .values_list("live", "view_restrictions")
    )


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


_ROW = ("r_k", "r_a", "r_b", "r_c", "r_at", "r_name", "r_flag")


def _row(queryset, *, k, a=None, b=None, c=None, at=None, name=None, flag=None):
    """`queryset` as rows of the learner's state query: the same seven
    columns in each part of the UNION (a kind, three ids, a time, a text and
    a boolean)."""

    def typed(value, output_field):
        if value is None:
            return Cast(Value(None), output_field=output_field)
        if isinstance(value, str):
            value = F(value)
        return Cast(value, output_field=output_field)

    return (
        queryset.order_by()
        .annotate(
            r_k=Value(k, output_field=CharField()),
            r_a=typed(a, BigIntegerField()),
            r_b=typed(b, BigIntegerField()),
            r_c=typed(c, BigIntegerField()),
            r_at=typed(at, DateTimeField()),
            r_name=typed(name, CharField()),
            r_flag=(
                Value(False, output_field=BooleanField())
                if flag is None
                else ExpressionWrapper(flag, output_field=BooleanField())
                if isinstance(flag, Q)
                else typed(flag, BooleanField())
            ),
        )
        .values_list(*_ROW)
    )


def _state_rows(*, user, courses: list[CoursePage]) -> list[tuple]:
    """Everything about `user` and `courses` that access and progress depend
    on, in one query of small parts (`_state_queryset`), its SQL compiled once
    per process and number of courses (lms.sqlcache)."""
    return sqlcache.cached_rows(
        ("courses._state_rows", tuple(m._meta.label for m in step_models())),
        _state_queryset,
        model=get_user_model(),
        values=_state_values(user=user, courses=courses),
    )


def _state_values(*, user, courses: list[CoursePage]) -> dict:
    """The inputs of `_state_queryset` for `user` and `courses`."""
    courses = list({course.pk: course for course in courses}.values())
    prefixes = {
        course.path[:end]
        for course in courses
        for end in range(2 * course.steplen, len(course.path) + 1, course.steplen)
    }
    return {
        "user": user.pk,
        "courses": [course.pk for course in courses],
        "paths": [course.path for course in courses],
        "step_depths": [course.depth + 1 for course in courses],
        "prefixes": sorted(prefixes),
        "today": timezone.localdate(),
    }


def _state_queryset(values: dict):
    """The learner's state as one query of small parts (a UNION, duplicates
    dropped): the learner's year, memberships and consents; each course's row
    (structure version, path, yearly), unpublished ancestors, enrolment,
    completions, lessons opened or attempts started, class assignments; and
    the rows that mark the courses' steps done (each step type's
    `learner_rows`). `values`: the user's pk, the courses' pks, paths and
    depths + 1, the paths of the courses and their ancestors (`prefixes`),
    and today."""
    from lms.people.models import Consent
    from lms.people.selectors import GUARDIAN_GIVERS
    from quizzes.models import QuizAttempt

    User = get_user_model()
    user = User(pk=values["user"])
    course_ids = values["courses"]
    today = values["today"]
    mine = Membership.objects.filter(user=user)
    step_ids = Page.objects.filter(
        reduce(
            or_,
            (
                Q(path__startswith=path, depth=depth)
                for path, depth in zip(
                    values["paths"], values["step_depths"], strict=True
                )
            ),
        )
    ).values("pk")
    parts = [
        _row(
            User._default_manager.filter(pk=user.pk),
            k="u",
            a=learning_year_subquery(user=user, today=today),
        ),
        _row(
            mine,
            k="m",
            a="school_id",
            b="school_year_id",
            c="school_class_id",
            name="role",
            flag="school__learning_needs_consent",
        ),
        _row(
            Consent.objects.filter(
                learner=user,
                given_by__in=[Consent.GivenBy.LEARNER, *GUARDIAN_GIVERS],
            ).filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=today)),
            k="o",
            flag=Q(given_by__in=GUARDIAN_GIVERS),
            name="given_by",
        ),
        _row(
            CoursePage.objects.filter(pk__in=course_ids),
            k="v",
            a="pk",
            b="structure_version",
            name="path",
            flag="required_every_year",
        ),
        _row(
            Page.objects.filter(path__in=values["prefixes"], live=False),
            k="h",
            name="path",
        ),
        _row(
            Enrolment.objects.filter(user=user, course_id__in=course_ids),
            k="e",
            a="course_id",
        ),
        _row(
            CourseCompletion.objects.filter(user=user, course_id__in=course_ids),
            k="c",
            a="course_id",
            b="school_year_id",
            at="completed_at",
            name="school_year__name",
        ),
        _row(
            LessonProgress.objects.filter(user=user, course_id__in=course_ids),
            k="b",
            a="course_id",
            b="school_year_id",
        ),
        _row(
            QuizAttempt.objects.filter(user=user, course_id__in=course_ids),
            k="b",
            a="course_id",
            b="school_year_id",
        ),
        _row(
            ClassAssignment.objects.filter(
                course_id__in=course_ids,
                school_class_id__in=mine.values("school_class_id"),
            ),
            k="x",
            a="course_id",
            c="school_class_id",
        ),
    ]
    for model in step_models():
        rows, step_field, done = model.learner_rows(user=user, step_ids=step_ids)
        parts.append(
            _row(
                rows,
                k="s",
                a=step_field,
                b="school_year_id",
                flag=Q(pk__isnull=False) if done is None else done,
            )
        )
    first, *rest = parts
    return first.union(*rest)


@dataclass
class _LearnerState:
    """The learner's state (`_state_rows`), read into Python."""

    year: int | None = None
    memberships: list[dict] = field(default_factory=list)
    consent_own: bool = False
    consent_guardian: bool = False
    # course id -> (structure_version, path, required every year)
    courses: dict[int, tuple[int, str, bool]] = field(default_factory=dict)
    hidden_paths: set[str] = field(default_factory=set)
    enrolled: set[int] = field(default_factory=set)
    completions: dict[int, list[tuple]] = field(default_factory=dict)
    began: dict[int, set] = field(default_factory=dict)
    assigned: dict[int, set] = field(default_factory=dict)
    # step id -> [(school year id, done)]
    step_rows: dict[int, list[tuple]] = field(default_factory=dict)

    @property
    def consent_required(self) -> bool:
        return any(
            m["role"] == Role.STUDENT and m["needs_consent"] for m in self.memberships
        )


def _learner_state(*, user, courses: list[CoursePage]) -> _LearnerState:
    state = _LearnerState()
    generation = roles_memo_generation()
    for k, a, b, c, at, name, flag in _state_rows(user=user, courses=courses):
        if k == "u":
            state.year = a
        elif k == "m":
            state.memberships.append(
                {
                    "school_id": a,
                    "school_year_id": b,
                    "school_class_id": c,
                    "role": name,
                    "needs_consent": bool(flag),
                }
            )
        elif k == "o":
            if flag:
                state.consent_guardian = True
            else:
                state.consent_own = True
        elif k == "v":
            state.courses[a] = (b, name, bool(flag))
        elif k == "h":
            state.hidden_paths.add(name)
        elif k == "e":
            state.enrolled.add(a)
        elif k == "c":
            state.completions.setdefault(a, []).append((b, at, name))
        elif k == "b":
            state.began.setdefault(a, set()).add(b)
        elif k == "x":
            state.assigned.setdefault(a, set()).add(c)
        elif k == "s":
            state.step_rows.setdefault(a, []).append((b, bool(flag)))
    # Every membership of theirs is in the state: the page's voice and
    # policies read the roles from it (lms.people.selectors.roles_of).
    roles_memo_prime(
        user, {m["role"] for m in state.memberships}, generation=generation
    )
    return state


def _course_versions(courses: list[CoursePage]) -> dict[int, tuple[int, str]]:
    """Each course's structure version and path, for visitors not signed in."""
    return {
        pk: (version, path)
        for pk, version, path in CoursePage.objects.filter(
            pk__in=[course.pk for course in courses]
        ).values_list("pk", "structure_version", "path")
    }


def _facts(*, user, course_id: int, state: _LearnerState, structure) -> dict | None:
    """The facts `course_access` and the status read, from the learner's
    state and the course's structure, as courses.progress defines them."""
    row = state.courses.get(course_id)
    if row is None:
        return None
    _version, path, yearly = row
    year = state.year
    owner = structure.owner_school_id
    # Memberships that count for the course: at the school that owns it
    # (courses.progress.Requirement), any school for the Department library,
    # and Department-wide ones (no school) everywhere.
    counted = [
        m
        for m in state.memberships
        if m["school_id"] is None or owner is None or m["school_id"] == owner
    ]
    roles = {m["role"] for m in counted}
    this_year = []
    earlier = []
    for row_year, completed_at, year_name in state.completions.get(course_id, []):
        if progress.counts_this_year(yearly=yearly, row_year_id=row_year, year_id=year):
            this_year.append(completed_at)
        else:
            earlier.append((completed_at, year_name))
    previous = max(earlier, key=lambda item: item[0], default=(None, None))
    classes = {m["school_class_id"] for m in counted} - {None}
    return {
        "pk": course_id,
        "f_year": year,
        "f_enrolled": course_id in state.enrolled,
        "f_began": any(
            progress.counts_this_year(yearly=yearly, row_year_id=row_year, year_id=year)
            for row_year in state.began.get(course_id, ())
        ),
        # The course or an ancestor (catalogue, home) is unpublished: the
        # course is out of reach and nothing may be recorded against it.
        "f_hidden": any(path.startswith(hidden) for hidden in state.hidden_paths),
        "f_completed_at": max(this_year, default=None),
        "f_previous_at": previous[0],
        "f_previous_year": previous[1],
        "f_has_years": bool(structure.school_year_ids),
        "f_year_match": bool(
            structure.school_year_ids & {m["school_year_id"] for m in counted}
        ),
        "f_assigned": bool(state.assigned.get(course_id, set()) & classes),
        "f_reviewer": bool(roles & REVIEWER_ROLES),
        "f_consent_required": state.consent_required,
        "f_consent_own": state.consent_own,
        "f_consent_guardian": state.consent_guardian,
        **{
            f"f_{audience}": bool(roles & set(audience_roles))
            for audience, audience_roles in AUDIENCE_ROLES.items()
        },
    }


def _facts_and_structures(*, user, courses: list[CoursePage]):
    """(learner state or None, course id -> facts, course id -> structure):
    one query for the learner's state, the structures from the cache."""
    saved = [course for course in courses if course.pk and course.path]
    if not saved:
        return None, {}, {}
    if not user.is_authenticated:
        return None, {}, structures_for(saved, versions=_course_versions(saved))
    state = _learner_state(user=user, courses=saved)
    versions = {
        pk: (version, path) for pk, (version, path, _y) in state.courses.items()
    }
    structures = structures_for(
        [course for course in saved if course.pk in versions], versions=versions
    )
    facts = {}
    for course_id, structure in structures.items():
        course_facts_row = _facts(
            user=user, course_id=course_id, state=state, structure=structure
        )
        if course_facts_row is not None:
            facts[course_id] = course_facts_row
    return state, facts, structures


def course_facts(*, user, course_ids: list[int]) -> dict[int, dict]:
    """Everything access and progress depend on, for many courses (one query
    on a warm structure cache)."""
    if not user.is_authenticated or not course_ids:
        return {}
    courses = list(
        CoursePage.objects.filter(pk__in=course_ids).only("pk", "path", "depth")
    )
    return _facts_and_structures(user=user, courses=courses)[1]


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
    if not user.is_authenticated:
        return Access(False, "sign_in")
    facts = _facts_and_structures(user=user, courses=[course])[1].get(course.pk)
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


def _steps_with_state(
    *, course: CoursePage, structure, state: _LearnerState | None, yearly: bool
) -> list[Page]:
    """The course's steps (from its cached structure) with `step_done` and
    `step_started` for the learner (the rules of each type's
    `learner_rows`: of a course required every school year only the
    rows of the learner's year count)."""
    pages = structure.steps if structure is not None else []
    for page in pages:
        rows = state.step_rows.get(page.pk, []) if state is not None else []
        if yearly:
            rows = [row for row in rows if row[0] == state.year]
        page.step_done = any(done for _year, done in rows)
        page.step_started = bool(rows)
    return pages


def course_statuses_for(*, user, courses: list[CoursePage]) -> dict[int, CourseStatus]:
    state, facts, structures = _facts_and_structures(user=user, courses=courses)
    return _statuses_from(
        user=user, courses=courses, state=state, facts=facts, structures=structures
    )


def _statuses_from(
    *, user, courses: list[CoursePage], state, facts, structures
) -> dict[int, CourseStatus]:
    """Each course's status from what `_facts_and_structures` read."""
    year_id = state.year if state is not None else None
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
        pages = _steps_with_state(
            course=course,
            structure=structures.get(course.pk),
            state=state,
            yearly=bool(getattr(course, "required_every_year", False)),
        )
        for position, page in enumerate(pages, start=1):
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
    courses.progress defines those states.

    One query for the courses (those enrolled in or completed, and the
    candidates of `not_started`), one for the learner's state of all of them
    (memberships included), the structures from the cache."""
    courses = _my_learning_courses(user=user)
    state, facts, structures = _facts_and_structures(user=user, courses=courses)
    if state is None:
        return {"in_progress": [], "enrolled": [], "completed": [], "not_started": []}
    statuses = _statuses_from(
        user=user, courses=courses, state=state, facts=facts, structures=structures
    )
    mine = [
        statuses[course.pk]
        for course in courses
        if course.pk in state.enrolled or course.pk in state.completions
    ]
    by_standing: dict[str, list[CourseStatus]] = {}
    for status in mine:
        by_standing.setdefault(status.standing, []).append(status)
    completed = sorted(
        (s for s in mine if s.completed),
        key=lambda s: s.completed_at,
        reverse=True,
    )
    return {
        "in_progress": by_standing.get(progress.IN_PROGRESS, []),
        "enrolled": by_standing.get(progress.ENROLLED, []),
        "completed": completed,
        "not_started": _meant_for(
            courses=courses, statuses=statuses, state=state, structures=structures
        ),
    }


def _course_fields() -> list[str]:
    return [field.attname for field in CoursePage._meta.concrete_fields]


def _my_learning_courses_queryset(values: dict):
    """The live courses `values["user"]` enrolled in or completed, and the
    candidates of their `not_started` list: not self-enrolled, at a school
    they belong to or in the Department library (courses.progress.Requirement
    decides which are meant for them); every column of each, and the school
    owning it (`owner_school_id`)."""
    user = get_user_model()(pk=values["user"])
    memberships = Membership.objects.filter(user=user)
    candidate = (
        Exists(memberships)
        & ~Q(enrolment_mode=EnrolmentMode.SELF)
        & (
            Q(owner_school_id__isnull=True)
            | Q(owner_school_id__in=memberships.values("school_id"))
        )
    )
    return (
        CoursePage.objects.live()
        .annotate(owner_school_id=progress.owner_school_subquery())
        .filter(
            Q(pk__in=Enrolment.objects.filter(user=user).values("course_id"))
            | Q(
                pk__in=CourseCompletion.objects.filter(
                    user=user, course__isnull=False
                ).values("course_id")
            )
            | candidate
        )
        .order_by("path")
        .values_list(*_course_fields(), "owner_school_id")
    )


def _my_learning_courses(*, user) -> list[CoursePage]:
    """`_my_learning_courses_queryset` as pages, its SQL compiled once per
    process (lms.sqlcache)."""
    names = _course_fields()
    alias = router.db_for_read(CoursePage)
    courses = []
    for row in sqlcache.cached_rows(
        "courses._my_learning_courses",
        _my_learning_courses_queryset,
        model=CoursePage,
        values={"user": user.pk},
    ):
        course = CoursePage.from_db(alias, names, row[:-1])
        course.owner_school_id = row[-1]
        courses.append(course)
    return courses


def _meant_for(
    *, courses, statuses: dict[int, CourseStatus], state: _LearnerState, structures
) -> list[CourseStatus]:
    """The statuses of `courses` the learner is meant to take
    (courses.progress.Requirement) and has not enrolled in or completed this
    school year; courses held back for want of consent stay listed. Read from
    the learner's state and the courses' structures (no query)."""
    if not state.memberships:
        return []
    # A yearly course completed in an earlier year is meant for them again
    # (courses.progress): `completed` counts this year's completions only.
    candidates = [
        course
        for course in courses
        if course.enrolment_mode != EnrolmentMode.SELF
        and course.pk in structures
        and not statuses[course.pk].enrolled
        and not statuses[course.pk].completed
    ]
    if not candidates:
        return []
    requirement = progress.Requirement(
        candidates,
        owners={course.pk: course.owner_school_id for course in candidates},
        years={
            course.pk: set(structures[course.pk].school_year_ids)
            for course in candidates
        },
        assigned={
            (course_id, class_id)
            for course_id, class_ids in state.assigned.items()
            for class_id in class_ids
        },
    )
    memberships = [
        {
            key: m[key]
            for key in ("school_id", "role", "school_year_id", "school_class_id")
        }
        for m in state.memberships
    ]
    return [
        statuses[course.pk]
        for course in candidates
        if any(requirement.required(course.pk, **m) for m in memberships)
        and (
            statuses[course.pk].access or statuses[course.pk].access.reason == "consent"
        )
    ]


def courses_meant_for(*, user) -> list[CourseStatus]:
    """Live courses `user` is meant to take (courses.progress.Requirement: their
    role, school year and class) and has not enrolled in or completed, with
    their status; courses held back for want of consent stay listed."""
    return my_learning_for(user=user)["not_started"]


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
    steps = course_steps(course)
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
