"""Background work for the reports, through the django-tasks API."""

from django.db import DEFAULT_DB_ALIAS
from django_tasks import task

from lms.outbox import outbox_batch


@task()
def summary_recount_task(
    user_id: int,
    course_id: int,
    figures: list[str] | None = None,
    request_id: int | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> None:
    """Recount one learner's groups for one course (see summary.py).

    `request_id` is unused: jobs queued before the recount requests moved to
    the generic outbox still pass it.
    """
    from .summary import summary_run_recount

    summary_run_recount(
        user_id=user_id, course_id=course_id, figures=figures, using=using
    )


# One job serves every pending recount request: see summary_run_recounts.
outbox_batch(summary_recount_task, "lms.reports.summary.summary_run_recounts")


@task()
def family_digests_send_task() -> int:
    """The daily family digests, for a task scheduler instead of cron."""
    from lms.mail.services import outgoing_send_due

    from .family_digests import family_digests_send

    run = family_digests_send()
    outgoing_send_due()
    return len(run.sent)
