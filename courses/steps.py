"""The small interface every course step type implements.

A course's steps are its live child pages whose class is a `CourseStep`.
`courses` knows nothing else about a step: lessons live here, quizzes in the
quizzes app. Each step type annotates a queryset of its pages with whether a
learner has done them, so listing a course's steps and their status costs one
query per step type whatever the course's length.
"""

from django.db.models import BooleanField, QuerySet, Value
from django.utils.translation import gettext_lazy as _


class CourseStep:
    """Mixin for Page models that are steps of a course."""

    step_kind_label = _("Step")

    def step_is_required(self) -> bool:
        """Whether the course is complete only once this step is done."""
        return bool(getattr(self, "required", True))

    @classmethod
    def annotate_step_done(cls, queryset: QuerySet, *, user) -> QuerySet:
        """Add a boolean `step_done`: has `user` done each step in `queryset`?"""
        raise NotImplementedError

    @classmethod
    def annotate_nobody(cls, queryset: QuerySet) -> QuerySet:
        return queryset.annotate(step_done=Value(False, output_field=BooleanField()))

    @classmethod
    def done_counts_by_user(cls, *, steps: list, user_ids) -> dict[int, int]:
        """How many of `steps` (pages of this class) each of `user_ids` has done."""
        raise NotImplementedError
