"""Where a learner stands in a course: the one definition every page uses.

- **Completed**: the learner has a course completion.
- **In progress**: enrolled, not completed, and has begun: opened a lesson of
  the course or started an attempt at one of its quizzes.
- **Enrolled**: enrolled and nothing begun yet.
- **Not started**: meant to take the course (see `Requirement`) and not
  enrolled.
- A quiz is **passed** when the learner's grade under the quiz's grading
  method passes (`QuizGrade.passed`), **failed** when a grade exists and does
  not; one passed attempt among later failed ones does not make a pass
  under "last attempt".
- **Required every school year** (`CoursePage.required_every_year`): each
  of the above counts only the rows of the learner's school year
  (`lms.people.selectors.learning_year_for`): a completion, lesson progress,
  attempt or grade of an earlier year stays as history and shows as the
  previous result, but the learner takes the course again. `this_year_q`
  says which rows count; reports pass the year they report on.
- **A report of a school year** (`year_rows`, `counts_in_year`) counts, of
  a course required every school year, that year's rows (completion, lesson
  opened, quiz attempt, certificate); of any other course the rows of that
  year and earlier ones, never a later year's, so a year's figures stay as
  they were once the next year starts.

The reports, their summary and exports, the annual report, the learner
list, the course learners page and the reminders ask this module rather than
re-deriving a state from the tables.
"""

import datetime

from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Length, Substr
from django.db.models.lookups import Exact

from .models import (
    ClassAssignment,
    CourseIndexPage,
    CoursePage,
    EnrolmentMode,
    LessonProgress,
)

COMPLETED = "completed"
IN_PROGRESS = "in_progress"
ENROLLED = "enrolled"
NOT_STARTED = "not_started"


def standing(*, completed: bool, enrolled: bool, began: bool, required: bool) -> str:
    """A learner's state in a course; "" when the course is nothing to them."""
    if completed:
        return COMPLETED
    if enrolled and began:
        return IN_PROGRESS
    if enrolled:
        return ENROLLED
    if required:
        return NOT_STARTED
    return ""


def this_year_q(year, *, prefix: str = "") -> Q:
    """The rows (completions, lesson progress, attempts: anything with a
    `course` and a `school_year`) that count in school year `year` (an id, a
    SchoolYear or an expression): all of a course taken once, only that
    year's of a course required every school year."""
    year = getattr(year, "pk", year)
    return Q(**{f"{prefix}course__required_every_year": False}) | Q(
        **{f"{prefix}school_year_id": year}
    )


def counts_this_year(*, yearly: bool, row_year_id, year_id) -> bool:
    """`this_year_q` for one row already read (a completion, lesson opened,
    attempt started) of a course (`yearly`: required every school year), the
    learner's year being `year_id` (an unknown year matches no row)."""
    return not yearly or (year_id is not None and row_year_id == year_id)


def completions_in_year(*, school_year):
    """The completions that count in `school_year`: every completion of a
    course taken once, that year's of a course required every year. Reports
    count "this year's completions" from this queryset."""
    from .models import CourseCompletion

    return CourseCompletion.objects.filter(this_year_q(school_year))


def began_conditions(
    same: dict, *, year=None, rows: Q | None = None
) -> tuple[Exists, Exists]:
    """(a lesson opened, a quiz attempt started) for the learner and course that
    `same` names with OuterRefs; "has begun" is either of them. With `year`,
    only rows that count in that school year (`this_year_q`); with `rows`
    (a report's `year_rows`), only those."""
    from quizzes.models import QuizAttempt

    lessons = LessonProgress.objects.filter(**same)
    attempts = QuizAttempt.objects.filter(**same)
    if year is not None:
        lessons = lessons.filter(this_year_q(year))
        attempts = attempts.filter(this_year_q(year))
    if rows is not None:
        lessons = lessons.filter(rows)
        attempts = attempts.filter(rows)
    return (Exists(lessons), Exists(attempts))


def year_rows(*, year_id, starts_on, yearly=None, courses=None) -> Q:
    """A learner's rows of a course (completions, lesson progress, quiz
    attempts, certificates: each has `course` and `school_year`) that count in
    the school year `year_id`, which starts on `starts_on` (values, F() or
    OuterRef()). A course required every school year counts that year's rows
    only; any other course also earlier years' (and rows of no year), never
    a later year's. `yearly`: that course's `required_every_year` when the
    caller has it (an OuterRef to the row it matches the course of), so the
    rows are not joined to their course to read it. `courses`: the courses
    (read already) the rows are of, none other: their ids, split by
    `required_every_year`, stand for that join."""
    so_far = Q(school_year__isnull=True) | Q(school_year__starts_on__lte=starts_on)
    if courses is not None:
        every_year = [c.pk for c in courses if c.required_every_year]
        once = [c.pk for c in courses if not c.required_every_year]
        return Q(course_id__in=every_year, school_year_id=year_id) | (
            Q(course_id__in=once) & so_far
        )
    if yearly is None:
        return this_year_q(year_id) & (Q(course__required_every_year=True) | so_far)
    every_year = Q(Exact(yearly, True))
    return (~every_year | Q(school_year_id=year_id)) & (every_year | so_far)


def counts_in_year(
    *,
    yearly: bool,
    row_year_id: int | None,
    row_starts_on: datetime.date | None,
    year_id: int,
    starts_on: datetime.date,
) -> bool:
    """`year_rows` for one row already read: whether a row of a course
    (`yearly`: required every school year) counts in the school year `year_id`."""
    if yearly:
        return row_year_id == year_id
    return row_starts_on is None or row_starts_on <= starts_on


def began_rows(*, user_ids, course_ids) -> dict[tuple[int, int], set]:
    """For each (user id, course id) begun: the (school year id, its start)
    of each lesson opened or attempt started, to pick with `counts_in_year`."""
    from quizzes.models import QuizAttempt

    wanted = {"user_id__in": user_ids, "course_id__in": course_ids}
    row = ("user_id", "course_id", "school_year_id", "school_year__starts_on")
    lessons = LessonProgress.objects.filter(**wanted).order_by().values_list(*row)
    attempts = QuizAttempt.objects.filter(**wanted).order_by().values_list(*row)
    result: dict[tuple[int, int], set] = {}
    for user_id, course_id, year_id, starts_on in lessons.union(attempts):
        result.setdefault((user_id, course_id), set()).add((year_id, starts_on))
    return result


def began_pairs(*, user_ids, course_ids, school_year=None) -> set[tuple[int, int]]:
    """(user id, course id) of each learner who has begun each course; with
    `school_year`, counting only the rows of that year (`this_year_q`)."""
    from quizzes.models import QuizAttempt

    wanted = Q(user_id__in=user_ids, course_id__in=course_ids)
    if school_year is not None:
        wanted &= this_year_q(school_year)
    pair = ("user_id", "course_id")
    lessons = LessonProgress.objects.filter(wanted).order_by().values_list(*pair)
    attempts = QuizAttempt.objects.filter(wanted).order_by().values_list(*pair)
    return set(lessons.union(attempts))  # one query; UNION drops repeats


def began_user_ids(*, course: CoursePage, user_ids, school_year=None) -> set[int]:
    return {
        user_id
        for user_id, _course in began_pairs(
            user_ids=user_ids, course_ids=[course.pk], school_year=school_year
        )
    }


def audience_roles(course: CoursePage) -> set[str]:
    from .selectors import AUDIENCE_ROLES

    return {role for audience in course.audiences for role in AUDIENCE_ROLES[audience]}


def owner_school_subquery() -> Subquery:
    """The school owning the outer query's course (its catalogue's), for an
    annotation `owner_school_id` that `course_owners` then reads for free."""
    return Subquery(
        CourseIndexPage.objects.filter(path=Substr(OuterRef("path"), 1, Length("path")))
        .order_by("depth")
        .values("school_id")[:1]
    )


def course_owners(courses: list[CoursePage]) -> dict[int, int | None]:
    """The school owning each course (its catalogue's), None for the
    Department library; read from an `owner_school_id` annotation
    (`owner_school_subquery`) when the courses have it, else one query.
    `courses.policies.course_owner` for one course."""
    if all(hasattr(course, "owner_school_id") for course in courses):
        return {course.pk: course.owner_school_id for course in courses}
    prefixes = {
        course.path[:end]
        for course in courses
        for end in range(course.steplen, len(course.path) + 1, course.steplen)
    }
    found = CourseIndexPage.objects.filter(path__in=prefixes)
    catalogues = dict(found.values_list("path", "school_id"))
    owners: dict[int, int | None] = {}
    for course in courses:
        owners[course.pk] = next(
            (
                catalogues[course.path[:end]]
                for end in range(course.steplen, len(course.path) + 1, course.steplen)
                if course.path[:end] in catalogues
            ),
            None,
        )
    return owners


class Requirement:
    """Who is meant to take a course: they belong to the school that owns it
    (any school for the Department library), their role is in its audience,
    the course runs in their school year (or in every year), and it is
    automatic or assigned to their class."""

    def __init__(
        self,
        courses: list[CoursePage],
        class_ids=None,
        *,
        owners: dict | None = None,
        years: dict | None = None,
        assigned: set | None = None,
    ):
        """`owners` (course id -> school id), `years` (course id -> school
        year ids) and `assigned` ((course id, class id) pairs) when already
        read, e.g. from the courses' structures and the learner's state
        (courses.selectors.my_learning_for); else each is queried."""
        self.owners = owners if owners is not None else course_owners(courses)
        self.roles = {course.pk: audience_roles(course) for course in courses}
        self.years = (
            years
            if years is not None
            else {
                course.pk: {year.pk for year in course.school_years.all()}
                for course in courses
            }
        )
        self.modes = {course.pk: course.enrolment_mode for course in courses}
        if assigned is None:
            found = ClassAssignment.objects.filter(
                course_id__in=[course.pk for course in courses]
            )
            if class_ids is not None:
                found = found.filter(school_class_id__in=class_ids)
            assigned = set(found.values_list("course_id", "school_class_id"))
        self.assigned = assigned

    def required(
        self, course_id: int, *, school_id, role, school_year_id, school_class_id
    ) -> bool:
        owner = self.owners[course_id]
        if owner is not None and school_id != owner:
            return False
        if role not in self.roles[course_id]:
            return False
        years = self.years[course_id]
        if years and school_year_id not in years:
            return False
        mode = self.modes[course_id]
        if mode == EnrolmentMode.AUTOMATIC:
            return True
        if mode == EnrolmentMode.ASSIGNED:
            return (course_id, school_class_id) in self.assigned
        return False


def required_memberships_filter(course: CoursePage) -> dict:
    """Conditions on a user's `memberships__` that make the course theirs, for
    one filter() call (so they hold on the same membership); None if the course
    is required of nobody (self-enrolment only)."""
    conditions: dict = {"memberships__role__in": audience_roles(course)}
    owner = course_owners([course])[course.pk]
    if owner is not None:
        conditions["memberships__school_id"] = owner
    years = [year.pk for year in course.school_years.all()]
    if years:
        conditions["memberships__school_year_id__in"] = years
    if course.enrolment_mode == EnrolmentMode.ASSIGNED:
        conditions["memberships__school_class_id__in"] = ClassAssignment.objects.filter(
            course=course
        ).values("school_class_id")
    elif course.enrolment_mode != EnrolmentMode.AUTOMATIC:
        return None
    return conditions
