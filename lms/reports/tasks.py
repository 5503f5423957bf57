"""Background work for the reports, through the django-tasks API."""

from django_tasks import task


@task()
def summary_recount_task(
    user_id: int, course_id: int, figures: list[str] | None = None
) -> None:
    """Recount one learner's groups for one course (see summary.py)."""
    from .selectors import SUMMARY_FIGURES
    from .summary import summary_learners_changed

    summary_learners_changed(
        user_ids=[user_id], course_ids=[course_id], figures=figures or SUMMARY_FIGURES
    )
