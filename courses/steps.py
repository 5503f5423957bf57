"""What a course step is, and which steps a learner may open.

A course's children are steps: published pages whose class is a `CourseStep`.
`courses` knows nothing else about a step: lessons live here, quizzes in the
quizzes app. Each step type annotates a queryset of its pages with whether a
learner has done them, so listing a course's steps and their status costs one
query per step type whatever the course's length.

`open_steps` is the one rule for which steps are open: pages, services and
the quiz start check all read the `available` and `waiting_for` it sets.
"""

from dataclasses import dataclass

from django.db.models import BooleanField, Case, Exists, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class YearlySteps:
    """Which steps belong to courses required every school year (`steps`, a
    filter on the step pages) and the learner's school year, whose rows
    alone count for them (courses.progress)."""

    steps: Q
    school_year_id: int | None


def done_exists(rows: QuerySet, *, yearly: YearlySteps | None = None):
    """`Exists(rows)` for a step's "done" rows (they have a `school_year`);
    for the steps `yearly` names, only the rows of its school year."""
    if yearly is None:
        return Exists(rows)
    return Case(
        When(
            yearly.steps,
            then=Exists(rows.filter(school_year_id=yearly.school_year_id)),
        ),
        default=Exists(rows),
        output_field=BooleanField(),
    )


class CourseStep:
    """Mixin for Page models that are steps of a course."""

    step_kind_label = _("Step")
    # A step that tests what the lessons before it taught (a quiz). Courses
    # with "lessons before quizzes" keep it closed until those are done.
    tests_lessons = False

    def step_is_required(self) -> bool:
        """Whether the course is complete only once this step is done."""
        return bool(getattr(self, "required", True))

    @classmethod
    def annotate_step_done(
        cls, queryset: QuerySet, *, user, yearly: YearlySteps | None = None
    ) -> QuerySet:
        """Add a boolean `step_done`: has `user` done each step in `queryset`?

        `yearly`: the steps of courses required every school year, for which
        only that year's rows count (see `done_exists`)."""
        raise NotImplementedError

    @classmethod
    def learner_rows(cls, *, user, step_ids) -> tuple[QuerySet, str, Q | None]:
        """The rows of `user` that say how far they are with steps of this
        class among `step_ids` (ids or a subquery), for one query of all of a
        course's facts (courses.selectors): (a queryset of rows that have a
        `school_year`, the field naming the step, the condition for a row to
        mean "done", None if every row does). Any row means "started". The
        same rule as `annotate_step_done`."""
        raise NotImplementedError

    @classmethod
    def annotate_nobody(cls, queryset: QuerySet) -> QuerySet:
        return queryset.annotate(step_done=Value(False, output_field=BooleanField()))

    @classmethod
    def done_counts_by_user(
        cls, *, steps: list, user_ids, school_year_id: int | None = None
    ) -> dict[int, int]:
        """How many of `steps` (pages of this class) each of `user_ids` has done;
        with `school_year_id` (a course required every year), in that year."""
        raise NotImplementedError


def open_steps(course, steps: list) -> None:
    """Set `available` and `waiting_for` on a course's step statuses, in order.

    - In a sequential course a step opens once every required step before it
      is done.
    - In a course with lessons before quizzes, a step that tests lessons
      opens once every required lesson before it is done; `waiting_for`
      lists the lessons still to do (empty when it is open).
    """
    sequential = bool(getattr(course, "sequential", False))
    lessons_first = bool(getattr(course, "lessons_before_quizzes", False))
    earlier_undone = False
    lessons_left: list = []
    for step in steps:
        tests_lessons = bool(getattr(step.page, "tests_lessons", False))
        step.waiting_for = list(lessons_left) if lessons_first and tests_lessons else []
        step.available = not (sequential and earlier_undone) and not step.waiting_for
        if step.required and not step.done:
            earlier_undone = True
            if not tests_lessons:
                lessons_left.append(step)
