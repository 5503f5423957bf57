"""The core app's background work: running the outbox's rows."""

from django.db import DEFAULT_DB_ALIAS
from django_tasks import task


@task()
def outbox_run_task(row_id: int, using: str = DEFAULT_DB_ALIAS, task: str = "") -> str:
    """Run the task a `PendingTask` row names, then delete the row.

    `task`: queued for a batched task's marker (`lms.outbox`); jobs queued
    before it existed leave it out.
    """
    from .outbox import outbox_run

    return outbox_run(row_id=row_id, using=using, task=task)
