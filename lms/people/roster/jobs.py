"""Large roster imports as background jobs, with progress for the admin page.

The request stores the file in a `RosterImportJob` and enqueues
`roster_import_job_task` once that row is committed. The worker runs the
same all-or-nothing import as the request would; the job row's outcome is
written in the import's own transaction, so the figures shown always match
what was committed. While it runs, progress goes to the cache (shared by the
web and worker processes), which the import's transaction does not hide.

No initial password leaves the worker: they are hashed as usual, and the
importer hands out new ones with the "new initial passwords" page.
"""

import datetime
import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from lms.transactions import atomic_retrying_once

from ..models import Role, RosterImportJob
from .importing import roster_import

logger = logging.getLogger(__name__)

PROGRESS_TIMEOUT = 24 * 60 * 60


def _progress_key(job_id: int) -> str:
    return f"lms-roster-job-progress:{job_id}"


def job_progress(job: RosterImportJob) -> tuple[int, int]:
    """(done, total) people written so far; both 0 before the writes start."""
    if job.status == RosterImportJob.Status.DONE:
        total = job.outcome.get("created", 0) + job.outcome.get("updated", 0)
        return total, total
    return tuple(cache.get(_progress_key(job.pk)) or (0, 0))


def job_enqueue(job: RosterImportJob) -> None:
    """Run `job` in the background once the transaction that made it commits.

    The job row is its own outbox: if the queue is unreachable, the failure
    is logged, the job stays queued and ``tidy_roster_jobs`` enqueues it
    again once the queue is back.
    """
    job_id = job.pk

    def enqueue_roster_job() -> None:
        roster_import_job_task.enqueue(job_id=job_id)

    transaction.on_commit(enqueue_roster_job, robust=True)


def _outcome(report) -> dict:
    return {
        "created": len(report.created),
        "updated": len(report.updated),
        "unchanged": len(report.unchanged),
        "classes_created": report.classes_created,
        # Where the new people's passwords are issued: their classes (students)
        # and the school's staff sheet.
        "class_names": sorted(
            {entry.class_name for entry in report.created if entry.role == Role.STUDENT}
        ),
        "staff_created": sum(entry.role != Role.STUDENT for entry in report.created),
        "refused": [
            {"where": problem.where, "message": str(problem.message)}
            for problem in report.refused
        ],
    }


def job_run(job_id: int) -> None:
    """Import the job's file; safe to call again for a job already run.

    The job row is locked and its status changed in the import's own
    transaction, so a worker that dies midway leaves the job waiting (and
    nothing imported), ready to be run again, never stuck as "running".
    """
    job = RosterImportJob.objects.filter(pk=job_id).only("rows").first()
    if job is None:
        return
    step = max(1, job.rows // 100)

    def progress(done: int, total: int) -> None:
        if done == total or done % step == 0:
            cache.set(_progress_key(job_id), (done, total), PROGRESS_TIMEOUT)

    @atomic_retrying_once
    def import_and_record():
        job = (
            # Only the job's row: PostgreSQL refuses FOR UPDATE on the
            # nullable side of the outer join to its importer.
            RosterImportJob.objects.select_for_update(of=("self",))
            .select_related("school", "school_year", "created_by")
            .get(pk=job_id)
        )
        if job.status != RosterImportJob.Status.QUEUED:
            return
        cache.set(_progress_key(job_id), (0, job.rows), PROGRESS_TIMEOUT)
        report = roster_import(
            data=bytes(job.data),
            filename=job.filename,
            school=job.school,
            school_year=job.school_year,
            create_classes=job.create_classes,
            dry_run=False,
            imported_by=job.created_by,
            progress=progress,
        )
        # The passwords made by the import are dropped here, unseen.
        report.credentials.clear()
        job.status = (
            RosterImportJob.Status.DONE if report.ok else RosterImportJob.Status.REFUSED
        )
        job.outcome = _outcome(report)
        job.finished_at = timezone.now()
        job.data = b""
        job.save(update_fields=["status", "outcome", "finished_at", "data"])

    try:
        import_and_record()
    except Exception:
        logger.exception("Roster import job %s failed", job_id)
        # Nothing was imported; the file is not kept for another try.
        RosterImportJob.objects.filter(
            pk=job_id, status=RosterImportJob.Status.QUEUED
        ).update(
            status=RosterImportJob.Status.FAILED,
            finished_at=timezone.now(),
            data=b"",
        )
        raise
    finally:
        cache.delete(_progress_key(job_id))


def job_state(job: RosterImportJob) -> tuple[str, str]:
    """The job's status and its label; a waiting job the worker has begun
    (progress in the cache) is shown as running."""
    if job.status == RosterImportJob.Status.QUEUED and cache.get(_progress_key(job.pk)):
        status = RosterImportJob.Status.RUNNING
    else:
        status = RosterImportJob.Status(job.status)
    return status.value, str(status.label)


@dataclass(frozen=True)
class TidyResult:
    resumed: int
    given_up: int
    deleted: int


def jobs_tidy(
    *,
    stale_after: datetime.timedelta,
    give_up_after: datetime.timedelta,
    keep_for: datetime.timedelta,
    now: datetime.datetime | None = None,
) -> TidyResult:
    """Resume, give up and delete roster jobs (``manage.py tidy_roster_jobs``).

    A job still waiting after `stale_after` was lost by the queue or by a
    worker that died: it is enqueued again (a job runs once, so a repeat
    while it runs does nothing). One still waiting after `give_up_after` is
    marked failed and its file dropped. Finished jobs are deleted
    `keep_for` after they finished: their refused rows may quote a cell.
    """
    now = now or timezone.now()
    waiting = RosterImportJob.objects.filter(status=RosterImportJob.Status.QUEUED)
    given_up = waiting.filter(created_at__lt=now - give_up_after).update(
        status=RosterImportJob.Status.FAILED, finished_at=now, data=b""
    )
    deleted, _by_model = (
        RosterImportJob.objects.exclude(
            status__in=[RosterImportJob.Status.QUEUED, RosterImportJob.Status.RUNNING]
        )
        .filter(finished_at__lt=now - keep_for)
        .delete()
    )
    # Enqueued last: with the queue away this raises `QueueUnavailable`, and
    # the giving up and deleting above are done by then.
    stale = list(
        waiting.filter(created_at__lt=now - stale_after).values_list("pk", flat=True)
    )
    for job_id in stale:
        roster_import_job_task.enqueue(job_id=job_id)
    return TidyResult(resumed=len(stale), given_up=given_up, deleted=deleted)


@task()
def roster_import_job_task(job_id: int) -> None:
    """Background half of a large roster import (see `job_run`)."""
    job_run(job_id)
