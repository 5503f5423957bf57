"""What a course step is, and which steps a learner may open.

A course's children are steps: published pages whose class is a `CourseStep`.
`courses` knows nothing else about a step: lessons live here, quizzes in the
quizzes app. Each step type names the rows that record a learner's work on
its pages (`learner_rows`, read for every step of every course in the
learner's one state query, courses.selectors) and counts the steps many
learners have done (`done_counts_by_user`, for reports and issuing).

`open_steps` is the one rule for which steps are open: pages, services and
the quiz start check all read the `available` and `waiting_for` it sets.
"""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _


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
    def learner_rows(cls, *, user, step_ids) -> tuple[QuerySet, str, Q | None]:
        """The rows of `user` that say how far they are with steps of this
        class among `step_ids` (ids or a subquery), for one query of all of a
        course's facts (courses.selectors): (a queryset of rows that have a
        `school_year`, the field naming the step, the condition for a row to
        mean "done", None if every row does). Any row means "started". The
        same rule as `done_counts_by_user`."""
        raise NotImplementedError

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
