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

Each process keeps one Redis client (and its connection pool) per queue
configuration: django-rq makes a new client, pool and TCP connection for
every task enqueued, which a learner's write paid for (`queue_connection`).
"""

import logging
import threading
import time

import django_rq.queues
from django_rq.connection_utils import (
    filter_connection_params,
    get_redis_connection,
)
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


_clients: dict[tuple, object] = {}
_clients_lock = threading.Lock()


def queue_connection(name: str = "default", use_strict_redis: bool = False):
    """django-rq's `get_connection`, one client per process and configuration.

    A redis-py client is safe to share between threads; its pool checks out
    a live connection for each command (a connection the server closed, as
    after a Redis restart, is reopened) and starts afresh after a fork. The
    key is the queue's connection settings, so a changed RQ_QUEUES (tests)
    gets its own client.
    """
    from django_rq.settings import QUEUES

    config = QUEUES[name]
    key = (
        name,
        use_strict_redis,
        repr(sorted(filter_connection_params(config).items())),
    )
    client = _clients.get(key)
    if client is None:
        with _clients_lock:
            client = _clients.get(key)
            if client is None:
                client = get_redis_connection(config, use_strict_redis)
                _clients[key] = client
    return client


class ResilientRQBackend(RQBackend):
    def __init__(self, alias: str, params: dict) -> None:
        super().__init__(alias, params)
        # django_rq.get_queue (what RQBackend.enqueue calls) takes its
        # connection from here.
        django_rq.queues.get_connection = queue_connection

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
