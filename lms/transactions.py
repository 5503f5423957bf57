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


def upsert_in_one_statement(model, rows, *, unique_fields, update_fields, using=None):
    """`bulk_create(rows, update_conflicts=True, ...)` sent as one statement.

    Django's bulk_create wraps its inserts in `transaction.atomic` even when
    they are one statement, so outside a transaction it sends BEGIN and
    COMMIT around a single INSERT. One INSERT ... ON CONFLICT DO UPDATE is
    atomic by itself: when the rows fit in one batch it is sent alone (in
    the caller's transaction if there is one); more rows than the database
    takes in one statement go through bulk_create, transaction and all.
    The rows' primary keys are not read back.
    """
    from django.db import connections, router
    from django.db.models import AutoField
    from django.db.models.constants import OnConflict

    rows = list(rows)
    if not rows:
        return
    using = using or router.db_for_write(model)
    opts = model._meta
    fields = [
        field
        for field in opts.concrete_fields
        if not field.generated and not isinstance(field, AutoField)
    ]
    if any(row._is_pk_set() for row in rows) or len(rows) > max(
        connections[using].ops.bulk_batch_size(fields, rows), 1
    ):
        model._default_manager.using(using).bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=unique_fields,
            update_fields=update_fields,
        )
        return
    queryset = model._default_manager.using(using)
    # What bulk_create does first (defaults, a related object saved).
    queryset._prepare_for_bulk_create(rows)
    queryset._insert(
        rows,
        fields=fields,
        using=using,
        on_conflict=OnConflict.UPDATE,
        update_fields=[opts.get_field(name) for name in update_fields],
        unique_fields=[opts.get_field(name) for name in unique_fields],
    )
    for row in rows:
        row._state.adding = False
        row._state.db = using
