"""The production task backend: RQ, and what to do while its Redis is away.

``ResilientRQBackend`` is django-tasks-rq's backend with two changes for a
queue that cannot be reached (refused, timed out, not a Redis):

- our own tasks (the outbox's, roster jobs, bulk certificate items) raise
  `QueueUnavailable`: each has a database row that waits and a resume
  command that hands it over later, so the caller logs and goes on;
- anybody else's tasks (Wagtail's search and reference index updates, run on
  every page save) run in this process instead, as they do with the default
  immediate backend, so editors can still publish.

After a refusal the backend leaves Redis alone for `RETRY_SECONDS` (one
warning per interval), so a page does not wait on a dead address each time.
"""

import logging
import threading
import time

from django_tasks.backends.immediate import ImmediateBackend
from django_tasks_rq.backend import RQBackend

from .cache import RETRY_SECONDS, UNREACHABLE, QueueUnavailable

logger = logging.getLogger(__name__)

# Tasks that have their own row and resume command: they wait, never run here.
OWN_PACKAGES = ("lms.", "courses.", "quizzes.", "certificates.")


class _Outage:
    def __init__(self):
        self.lock = threading.Lock()
        self.down_until = 0.0


_outage = _Outage()


def reset_queue_outage() -> None:
    """Forget a past refusal (tests)."""
    with _outage.lock:
        _outage.down_until = 0.0


def queue_available() -> bool:
    """False for `RETRY_SECONDS` after the queue refused a task."""
    return time.monotonic() >= _outage.down_until


class ResilientRQBackend(RQBackend):
    def enqueue(self, task, args, kwargs):
        error = None
        if queue_available():
            try:
                return super().enqueue(task, args, kwargs)
            except UNREACHABLE as refusal:
                error = refusal
                with _outage.lock:
                    _outage.down_until = time.monotonic() + RETRY_SECONDS
                logger.warning(
                    "The task queue's Redis is unreachable (%r); own tasks wait in "
                    "the database, others run in-process. Not retried for %ss.",
                    refusal,
                    RETRY_SECONDS,
                )
        if task.module_path.startswith(OWN_PACKAGES):
            raise QueueUnavailable(
                f"The task queue is unreachable; {task.module_path} waits."
            ) from error
        return ImmediateBackend(self.alias, {}).enqueue(task, args, kwargs)
