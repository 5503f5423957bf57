"""Grade recomputes for quizzes with many takers run as background jobs.

A published change of grading method or pass mark (quizzes.signals) calls
`recompute_start` once the change is committed. Up to
`settings.LMS_RECOMPUTE_BACKGROUND_TAKERS` learners with a submitted attempt,
the grades are recomputed there and then, as before. Above it, a
`GradeRecompute` row is written with no `finished_at` and
`grade_recompute_task` is enqueued (django-tasks, as the roster jobs are).

The job locks its row and recomputes in one transaction: a worker that dies
midway leaves nothing half done and the row still waiting; a job run twice
finds the row finished and does nothing.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .models import GradeRecompute, QuizPage

logger = logging.getLogger(__name__)


def background_threshold() -> int:
    return int(getattr(settings, "LMS_RECOMPUTE_BACKGROUND_TAKERS", 200))


def recompute_start(*, quiz_id: int, changes: dict) -> GradeRecompute | None:
    """Recompute now, or queue a job when the quiz has many takers."""
    from .services import quiz_grades_recompute, recompute_takers

    quiz = QuizPage.objects.filter(pk=quiz_id).first()
    if quiz is None:
        return None
    if recompute_takers(quiz).count() <= background_threshold():
        return quiz_grades_recompute(quiz=quiz, changes=changes)
    with transaction.atomic():
        record = GradeRecompute.objects.create(quiz=quiz, changes=changes)
        transaction.on_commit(lambda: recompute_enqueue(record.pk))
    return record


def recompute_enqueue(record_id: int) -> None:
    grade_recompute_task.enqueue(record_id=record_id)


def recompute_run(record_id: int) -> None:
    """Do a queued recompute; nothing if it is gone or already done."""
    from .services import quiz_grades_recompute

    with transaction.atomic():
        record = (
            GradeRecompute.objects.select_for_update(of=("self",))
            .select_related("quiz")
            .filter(pk=record_id, finished_at__isnull=True)
            .first()
        )
        if record is None:
            return
        quiz_grades_recompute(quiz=record.quiz, changes=record.changes, record=record)


def recomputes_tidy(
    *, stale_after: datetime.timedelta, now: datetime.datetime | None = None
) -> int:
    """Enqueue again recomputes still waiting after `stale_after` (a lost
    queue or a dead worker); a job only runs once, so a repeat is harmless.
    Returns how many were enqueued (``manage.py tidy_grade_recomputes``)."""
    now = now or timezone.now()
    stale = list(
        GradeRecompute.objects.filter(
            finished_at__isnull=True, done_at__lt=now - stale_after
        ).values_list("pk", flat=True)
    )
    for record_id in stale:
        recompute_enqueue(record_id)
    return len(stale)


@task()
def grade_recompute_task(record_id: int) -> None:
    """Background half of a large quiz's grade recompute (`recompute_run`)."""
    recompute_run(record_id)
