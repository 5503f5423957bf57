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
that fails rolls back; the job then runs the rows it would have served (at
most BATCH_ROWS) alone, one by one, as any other task, each failure recorded
on its row, so one bad row cannot hold back the rest. Rows the runner leaves
out are run alone the same way.

One job per request, though, is mostly jobs with nothing left to do (4,473
jobs for about 15,000 requests in the 500-student class period). With a
queue and a shared cache (Redis, or with ``LMS_OUTBOX_COALESCE`` on), a
batched task's row is handed over only if ``cache.add(marker)`` succeeds
after its commit: one queued job per task and database, named in the job
(``task``) so it claims even if another run served its own row. The job
deletes the marker *before* its transaction begins, then claims until a
claim comes back short of BATCH_ROWS. The races:

- A row committed while the marker is set was committed before the job's
  claim began (its add ran after its commit, the job's delete after that
  add), so the claim sees it, unless another run holds it (below).
- A row committed after the job deleted the marker sets it again and queues
  a new job; if the running claim saw it too, that job finds nothing.
- A run fails and rolls back, or its runner leaves rows out: they have no
  job of their own, so the job runs them alone (above). A row another run
  holds is served, or run alone, by that run.
- The worker dies, or the queue loses the job: the transaction rolls back;
  the marker is gone (deleted first) or expires after MARKER_SECONDS, the
  next commit queues a job that claims what waits, and ``outbox_resume``
  hands over a row nobody's commit picked up.
- The queue refuses the job: the marker is deleted so the next commit tries
  again; the row waits for ``outbox_resume`` as before.
- The cache is away (add fails with it) or flushed (a marker vanishes): the
  row is handed over as without coalescing; a flush costs one extra job.

Without a shared cache (the embedded default: in-process tasks, a cache per
process) every row is handed over at once, as before.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
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
# A batched task's "a job is queued" marker lapses after this long, in case
# that job was lost; a queue slower than this gets one more job.
MARKER_SECONDS = 60

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
        _hand_over_after_commit(row_id, task=task.module_path, using=using)

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


def _hand_over(row_id: int, *, using: str, task: str = "") -> None:
    from .tasks import outbox_run_task

    if task:
        outbox_run_task.enqueue(row_id, using=using, task=task)
    else:
        outbox_run_task.enqueue(row_id, using=using)


def coalescing() -> bool:
    """Whether a batched task's rows share one queued job (module docstring).

    ``LMS_OUTBOX_COALESCE`` True or False decides; unset, it is on when the
    tasks go to a queue and the cache is shared (Redis or Memcached), as
    the marker must be seen by every web process and worker.
    """
    chosen = getattr(settings, "LMS_OUTBOX_COALESCE", None)
    if chosen is not None:
        return bool(chosen)
    from django.core.cache import caches
    from django.core.cache.backends.memcached import BaseMemcachedCache
    from django.core.cache.backends.redis import RedisCache
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks.backends.immediate import ImmediateBackend

    shared = isinstance(caches["default"], RedisCache | BaseMemcachedCache)
    queued = not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], ImmediateBackend)
    return shared and queued


def _marker(task: str, using: str) -> str:
    """The cache key; by database name, as sites may share one Redis."""
    from django.db import connections

    return f"lms:outbox:queued:{connections[using].settings_dict['NAME']}:{task}"


def _hand_over_after_commit(row_id: int, *, task: str, using: str) -> None:
    """Hand over (unless a queued job will claim the row); a queue that is
    away was logged already, the row waits."""
    from .cache import QueueUnavailable, cache_available

    marker = None
    if task in _BATCH_RUNNERS and coalescing():
        marker = _marker(task, using)
        try:
            added = cache.add(marker, row_id, MARKER_SECONDS)
        except Exception:  # a cache without our fallbacks, unreachable
            logger.warning(
                "No outbox marker for %s; handing over.", task, exc_info=True
            )
            added, marker = True, None
        if not added and cache_available():
            return  # the job that set it has not begun its claim yet
    try:
        _hand_over(row_id, using=using, task=task if marker else "")
    except QueueUnavailable:
        if marker is not None:
            cache.delete(marker)  # the next commit tries the queue again


def _unmark(task: str, using: str) -> None:
    """Before a batch claims: rows committed from now on queue a new job."""
    if coalescing():
        try:
            cache.delete(_marker(task, using))
        except Exception:  # noqa: BLE001 - it lapses after MARKER_SECONDS
            logger.warning("Could not clear the outbox marker of %s.", task)


def outbox_run(*, row_id: int, using: str = DEFAULT_DB_ALIAS, task: str = "") -> str:
    """Run the task a row names, then delete the row (the queue's job).

    `task`: the batched task whose marker this job holds; it claims that
    task's pending rows even when its own row was served already.
    """
    row = PendingTask.objects.using(using).filter(pk=row_id).first()
    name = row.task if row is not None else task
    runner = _BATCH_RUNNERS.get(name)
    if runner is None:
        if row is None:
            return "done already"
        _run_alone(row, using=using)
        return "done"
    _unmark(name, using)
    batch = _run_batch(name, row_id, import_string(runner), using=using)
    alone = [pk for pk in batch.alone if pk != row_id]
    for other in PendingTask.objects.using(using).filter(pk__in=alone):
        try:
            _run_alone(other, using=using)
        except Exception:
            logger.exception("Outbox row %s failed alone.", other.pk)
    if row_id in batch.alone and row is not None:
        row = PendingTask.objects.using(using).filter(pk=row_id).first()
        if row is not None:
            _run_alone(row, using=using)  # its error fails the job
        return "done"
    if batch.served:
        return f"done ({batch.served} requests)"
    return "done already" if row is None else "taken by another run"


def _run_alone(row: PendingTask, *, using: str) -> None:
    try:
        import_string(row.task).call(*row.args, **row.kwargs)
    except Exception as error:
        PendingTask.objects.using(using).filter(pk=row.pk).update(
            attempts=F("attempts") + 1, last_error=repr(error)[:2000]
        )
        raise
    PendingTask.objects.using(using).filter(pk=row.pk).delete()


@dataclass(frozen=True)
class _Batch:
    served: int  # rows served together
    alone: list[int]  # rows to run one by one: left out, or after a failure


def _run_batch(task: str, row_id: int, runner, *, using: str) -> _Batch:
    """Serve row `row_id` and the other pending rows of `task` together.

    Claims, one transaction each, until a claim comes back short of
    BATCH_ROWS (older rows first), so no row committed before the call is
    left behind. A failed run is logged and rolled back; the rows it would
    have served, as they stand after it, are then run alone.
    """
    pending = PendingTask.objects.using(using).filter(
        Q(pk=row_id) | Q(task=task, attempts__lt=MAX_ATTEMPTS)
    )
    free = pending.select_for_update(skip_locked=True)
    total, alone = 0, []
    while True:
        claimed: list[PendingTask] = []

        def claim(
            claimed: list[PendingTask] = claimed, left_out: tuple = tuple(alone)
        ) -> list[PendingTask]:
            # Not the rows left out already: they run alone after.
            claimed[:] = free.exclude(pk__in=left_out)[:BATCH_ROWS]
            return list(claimed)

        try:
            with transaction.atomic(using=using):
                served = runner(claim, using=using)
                PendingTask.objects.using(using).filter(
                    pk__in=[done.pk for done in served]
                ).delete()
        except Exception:
            logger.exception(
                "A batch of %s outbox rows of %s failed; they run alone.",
                len(claimed),
                task,
            )
            with transaction.atomic(using=using):
                left = list(free.values_list("pk", flat=True)[:BATCH_ROWS])
            return _Batch(total, alone + left)
        total += len(served)
        kept = {done.pk for done in served}
        alone += [left.pk for left in claimed if left.pk not in kept]
        if len(claimed) < BATCH_ROWS:  # took all that was free
            return _Batch(total, alone)


@dataclass(frozen=True)
class ResumeResult:
    handed_over: int  # rows given a job (a batched task's rows share one)
    left_waiting: int  # not handed over: the queue refused
    stuck: int  # failed MAX_ATTEMPTS times, left for a person
    error: str = ""
    jobs: int = 0  # jobs queued


def outbox_resume(
    *, older_than: timezone.timedelta, using: str = DEFAULT_DB_ALIAS
) -> ResumeResult:
    """Hand the rows older than `older_than` to the queue again.

    A row normally lives for the seconds between its commit and its job; an
    old one was never handed over, or its job was lost or failed. The rows
    of a batched task get one job together (its oldest row's, named with the
    task, so it claims them all, BATCH_ROWS at a time); any other row gets a
    job of its own. Stops at the first refusal (the queue is still away):
    the rest wait for next time.
    """
    rows = PendingTask.objects.using(using)
    stuck = rows.filter(attempts__gte=MAX_ATTEMPTS).count()
    due = rows.filter(
        requested_at__lte=timezone.now() - older_than,
        attempts__lt=MAX_ATTEMPTS,
    ).order_by("pk")
    jobs: list[tuple[int, str, int]] = []  # row, batched task or "", rows covered
    batched: dict[str, int] = {}  # task -> its job's index in `jobs`
    for row_id, task in due.values_list("pk", "task"):
        if task not in _BATCH_RUNNERS:
            jobs.append((row_id, "", 1))
        elif task in batched:
            first, name, covered = jobs[batched[task]]
            jobs[batched[task]] = (first, name, covered + 1)
        else:
            batched[task] = len(jobs)
            jobs.append((row_id, task, 1))
    done = 0
    for queued, (row_id, task, covered) in enumerate(jobs):
        try:
            _hand_over(row_id, using=using, task=task)
        except Exception as error:  # the queue's Redis, most likely
            logger.warning("The task queue refused outbox row %s: %r", row_id, error)
            waiting = sum(job[2] for job in jobs) - done
            return ResumeResult(done, waiting, stuck, repr(error), queued)
        done += covered
    return ResumeResult(done, 0, stuck, jobs=len(jobs))
