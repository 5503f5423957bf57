"""The outbox: background work that must happen, even with the queue away.

A change that needs work done later (an automatic certificate, a report
recount, an e-mail) calls ``outbox_add(task, args, kwargs)`` inside its
own transaction. That writes a ``PendingTask`` row, which commits or rolls
back with the change, and hands the row to the task queue once the
transaction commits. The hand-over is a robust ``on_commit``: if the queue's
Redis is unreachable, the failure is logged, the learner's request goes on,
and the row waits. ``outbox_resume`` (``manage.py resume_outbox``, scheduled
every few minutes) hands the old rows over again once the queue is back.

The queue runs ``outbox_run_task``, which runs the task the row names and
then deletes the row. A row run twice (resumed while its first job still
waited in the queue) does its work twice: the tasks given to the outbox must
be idempotent. A row whose job finds it already gone does nothing.

A task whose requests add up (a report recount: forty of one class and
course are answered by one recount run after them) registers a batch runner
with ``outbox_batch``. Its job then claims, in one transaction, its own row
and every other pending row of that task no other run holds (``SELECT ...
FOR UPDATE SKIP LOCKED``), has the runner serve them together and deletes
them when that transaction commits. A row committed while a run is under way
is not among its rows: its own job (or ``outbox_resume``) serves it. A run
that fails rolls back and leaves every row; the job then runs its own row
alone, as any other task, so one bad row cannot hold back the rest.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import PendingTask

logger = logging.getLogger(__name__)

# A row whose task raised this many times is no longer resumed by itself.
MAX_ATTEMPTS = 10
# At most this many rows served by one batch run (one transaction).
BATCH_ROWS = 500

# Task module path -> dotted path of its batch runner (see `outbox_batch`).
_BATCH_RUNNERS: dict[str, str] = {}

Claim = Callable[[], list[PendingTask]]


def outbox_batch(task, runner: str) -> None:
    """Let one job of `task` serve every pending row of it at once.

    `runner` is the dotted path of ``runner(claim, *, using) -> rows``. It
    runs inside the job's transaction; it takes whatever locks must come
    before the outbox's row locks, then calls ``claim()`` once for the rows
    to serve (the job's own row among them unless another run holds it;
    possibly none) and does the work of all of them. The rows it returns are
    deleted in the same transaction; a row it cannot serve it leaves out
    (the row's own job then runs it alone and records the error). The task
    itself must stay runnable on one row (`outbox_run` falls back to it),
    and serving rows together must give what running them one by one would.
    """
    _BATCH_RUNNERS[task.module_path] = runner


def outbox_add(
    task, args=(), kwargs=None, *, using: str = DEFAULT_DB_ALIAS, once: bool = False
) -> PendingTask:
    """Record `task(*args, **kwargs)` with the caller's change; run it after.

    `task` is a django-tasks task (``@task()``); its arguments must be JSON.
    Call inside the transaction of the change that needs the work; `using`
    is that transaction's database. `once`: an idempotent task already
    recorded with the same arguments in this transaction is not recorded
    again (its row is returned); the earlier row commits or rolls back with
    everything after it, as Django drops the commit callbacks of a rolled
    back savepoint.
    """
    args, kwargs = list(args), dict(kwargs or {})
    key = (task.module_path, repr(args), repr(sorted(kwargs.items())))
    if once:
        earlier = _recorded_in_this_transaction(key, using=using)
        if earlier is not None:
            return earlier
    row = PendingTask.objects.using(using).create(
        task=task.module_path, args=args, kwargs=kwargs
    )
    row_id = row.pk

    # A function, not a partial: a robust on_commit logs a failure by the
    # callback's __qualname__, which a partial lacks.
    def hand_to_the_queue() -> None:
        hand_to_the_queue.lms_outbox = None  # handed over: no longer pending
        _hand_over_after_commit(row_id, using=using)

    hand_to_the_queue.lms_outbox = (key, row)
    transaction.on_commit(hand_to_the_queue, using=using, robust=True)
    return row


def _recorded_in_this_transaction(key, *, using: str) -> PendingTask | None:
    """The row of `key` this transaction recorded already, if any."""
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        return None
    for _sids, callback, *_robust in connection.run_on_commit:
        recorded = getattr(callback, "lms_outbox", None)
        if recorded is not None and recorded[0] == key:
            return recorded[1]
    return None


def _hand_over(row_id: int, *, using: str) -> None:
    from .tasks import outbox_run_task

    outbox_run_task.enqueue(row_id, using=using)


def _hand_over_after_commit(row_id: int, *, using: str) -> None:
    """Hand over; a queue that is away was logged already, the row waits."""
    from .cache import QueueUnavailable

    try:
        _hand_over(row_id, using=using)
    except QueueUnavailable:
        pass


def outbox_run(*, row_id: int, using: str = DEFAULT_DB_ALIAS) -> str:
    """Run the task a row names, then delete the row (the queue's job)."""
    row = PendingTask.objects.using(using).filter(pk=row_id).first()
    if row is None:
        return "done already"
    try:
        target = import_string(row.task)
        runner = _BATCH_RUNNERS.get(row.task)
        if runner is not None:
            served = _run_batch(row, import_string(runner), using=using)
            if served is not None:
                return served
        target.call(*row.args, **row.kwargs)
    except Exception as error:
        PendingTask.objects.using(using).filter(pk=row_id).update(
            attempts=F("attempts") + 1, last_error=repr(error)[:2000]
        )
        raise
    PendingTask.objects.using(using).filter(pk=row_id).delete()
    return "done"


def _run_batch(row: PendingTask, runner, *, using: str) -> str | None:
    """Serve `row` and the other pending rows of its task in one transaction.

    Returns what the job reports, or None when the run failed (rolled back;
    logged) or the runner left `row` unserved: the caller then runs `row`
    alone. Older rows are claimed first;
    a run that did not reach `row` (more than BATCH_ROWS were waiting) is
    followed by another.
    """
    free = (
        PendingTask.objects.using(using)
        .select_for_update(skip_locked=True)
        .filter(Q(pk=row.pk) | Q(task=row.task, attempts__lt=MAX_ATTEMPTS))
    )
    total = 0
    while True:
        claimed: list[PendingTask] = []

        def claim(claimed: list[PendingTask] = claimed) -> list[PendingTask]:
            claimed[:] = free[:BATCH_ROWS]
            return list(claimed)

        try:
            with transaction.atomic(using=using):
                served = runner(claim, using=using)
                PendingTask.objects.using(using).filter(
                    pk__in=[done.pk for done in served]
                ).delete()
        except Exception:
            logger.exception(
                "A batch of %s outbox rows of %s failed; row %s runs alone.",
                len(claimed),
                row.task,
                row.pk,
            )
            return None
        total += len(served)
        if row.pk in {done.pk for done in claimed}:
            if row.pk not in {done.pk for done in served}:
                return None  # the runner left it: it runs alone
            break
        if len(claimed) < BATCH_ROWS:  # took all that was free
            break
    return f"done ({total} requests)" if total else "taken by another run"


@dataclass(frozen=True)
class ResumeResult:
    handed_over: int
    left_waiting: int  # not handed over: the queue refused
    stuck: int  # failed MAX_ATTEMPTS times, left for a person
    error: str = ""


def outbox_resume(
    *, older_than: timezone.timedelta, using: str = DEFAULT_DB_ALIAS
) -> ResumeResult:
    """Hand the rows older than `older_than` to the queue again.

    A row normally lives for the seconds between its commit and its job; an
    old one was never handed over, or its job was lost or failed. Stops at
    the first refusal (the queue is still away): the rest wait for next time.
    """
    rows = PendingTask.objects.using(using)
    stuck = rows.filter(attempts__gte=MAX_ATTEMPTS).count()
    due = list(
        rows.filter(
            requested_at__lte=timezone.now() - older_than,
            attempts__lt=MAX_ATTEMPTS,
        ).values_list("pk", flat=True)
    )
    for done, row_id in enumerate(due):
        try:
            _hand_over(row_id, using=using)
        except Exception as error:  # the queue's Redis, most likely
            logger.warning("The task queue refused outbox row %s: %r", row_id, error)
            return ResumeResult(done, len(due) - done, stuck, repr(error))
    return ResumeResult(len(due), 0, stuck)
