"""A transaction that PostgreSQL aborted to break a deadlock is tried once more.

Two transactions that lock the same rows in different orders (two roster
imports sharing staff, an import and a course assignment to the same
classes) can deadlock; PostgreSQL then aborts one of them. The writes that
can meet that way lock in one order where they can, and run through
`atomic_retrying_once` for what remains: the aborted one runs again from the
start, once, after the other has gone ahead.
"""

import logging
from functools import wraps

from django.db import DatabaseError, transaction

logger = logging.getLogger(__name__)

# deadlock_detected, serialization_failure
RETRIED_STATES = {"40P01", "40001"}


def is_lock_conflict(error: BaseException) -> bool:
    """Whether the database aborted the transaction for a lock conflict."""
    cause = error.__cause__
    state = getattr(cause, "pgcode", None) or getattr(cause, "sqlstate", None)
    return state in RETRIED_STATES


def atomic_retrying_once(func=None, *, using=None):
    """Like `transaction.atomic`, but a deadlock victim runs once more.

    Only an outermost transaction is retried: inside another one, the
    aborted work cannot be redone alone, so the error goes to the caller.
    The function must be safe to run again from the start (everything it
    wrote was rolled back, on_commit callbacks included).
    """

    def decorate(func):
        @wraps(func)
        def wrapper(*args, **kwargs):
            if transaction.get_connection(using).in_atomic_block:
                with transaction.atomic(using=using):
                    return func(*args, **kwargs)
            try:
                with transaction.atomic(using=using):
                    return func(*args, **kwargs)
            except DatabaseError as error:
                if not is_lock_conflict(error):
                    raise
                logger.warning("%s aborted by a lock conflict, retrying", func)
            with transaction.atomic(using=using):
                return func(*args, **kwargs)

        return wrapper

    return decorate(func) if func is not None else decorate
