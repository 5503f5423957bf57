"""Send report reads to an optional read replica; everything else to default.

A replica is configured with ``DATABASE_REPLICA_URL`` (see lms/settings/base.py),
which names it in ``settings.LMS_REPLICA_DATABASE``. Only code wrapped in
``reading_from_replica()`` reads from it: reports can live with a replica a few
seconds behind, a learner who just submitted a quiz cannot. Writes and
migrations always go to default.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

_replica_reads: ContextVar[bool] = ContextVar("lms_replica_reads", default=False)


def replica_alias() -> str | None:
    """The alias of the read replica, or None when none is configured."""
    return getattr(settings, "LMS_REPLICA_DATABASE", None) or None


def read_alias() -> str:
    """Where a read made here goes: the replica inside `reading_from_replica()`."""
    alias = replica_alias()
    if alias and _replica_reads.get():
        return alias
    return DEFAULT_DB_ALIAS


@contextmanager
def reading_from_replica() -> Iterator[None]:
    """Route the ORM reads made inside to the replica (default if there is none).

    Usable as ``with reading_from_replica():`` or as a decorator. Writes made
    inside still go to default.
    """
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


class ReplicaRouter:
    """Django database router for ``DATABASE_ROUTERS``."""

    def db_for_read(self, model, **hints) -> str:
        # Explicit, so that an object read from the replica is not re-read
        # there later, outside the context, through Django's instance hint.
        return read_alias()

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        # The replica holds the same rows as default.
        aliases = {DEFAULT_DB_ALIAS, replica_alias()}
        if obj1._state.db in aliases and obj2._state.db in aliases:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool | None:
        # A replica follows default by replication; only default is migrated.
        if db != DEFAULT_DB_ALIAS:
            return False
        return None
