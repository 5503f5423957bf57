"""Database sessions with one write at sign-in where Django's make three.

Django's database store checks that a new random key is free (a SELECT)
before inserting the session, and at sign-in inserts the session under its
new key at once and updates it again when the response goes out. This store
inserts the new session once, when the response goes out, and lets the
insert itself catch the (astronomically unlikely) clash of two random
32-character keys, drawing another key then. Outside a transaction the
write is one statement, atomic by itself: it is sent alone, without the
BEGIN and COMMIT of Django's `transaction.atomic` around it. Everything else is Django's
database store: the session lives in the database only, read on every
request, so a sign-out in one web process holds in all of them
(lms/settings/production.py says why no cache). That read's SQL is compiled
once per process (lms.sqlcache).

    SESSION_ENGINE = "lms.sessions"
"""

import logging
from contextlib import nullcontext

from django.contrib.sessions.backends.base import (
    VALID_KEY_CHARS,
    CreateError,
    UpdateError,
)
from django.contrib.sessions.backends.db import SessionStore as DbSessionStore
from django.core.exceptions import SuspiciousOperation
from django.db import DatabaseError, IntegrityError, router, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string

from lms import sqlcache


def _new_key() -> str:
    return get_random_string(32, VALID_KEY_CHARS)


class SessionStore(DbSessionStore):
    # A key drawn by cycle_key() whose row is not inserted yet.
    _insert_pending = False

    def create(self):
        """A new session under a new key, saved (one INSERT)."""
        self._insert_pending = False
        while True:
            self._session_key = _new_key()
            try:
                self.save(must_create=True)
            except CreateError:
                continue  # the key was taken: draw another
            self.modified = True
            return

    def cycle_key(self):
        """A new key for the same data (sign-in), inserted when saved."""
        data = self._session
        key = self.session_key
        self._session_key = _new_key()
        self._session_cache = data
        self._insert_pending = True
        self.modified = True
        if key:
            self.delete(key)

    def _get_session_from_db(self):
        """Django's: the unexpired session of this key, or None (and no key)."""
        if not isinstance(self.session_key, str):  # no key: Django's own
            return super()._get_session_from_db()
        model = self.model
        try:
            return sqlcache.cached_get(
                ("lms.sessions", model._meta.label),
                lambda values: model.objects.filter(
                    session_key=values["key"], expire_date__gt=values["now"]
                ),
                model=model,
                values={"key": self.session_key, "now": timezone.now()},
            )
        except (model.DoesNotExist, SuspiciousOperation) as e:
            if isinstance(e, SuspiciousOperation):
                logger = logging.getLogger(f"django.security.{e.__class__.__name__}")
                logger.warning(str(e))
            self._session_key = None

    def save(self, must_create=False):
        if not self._insert_pending or must_create:
            return self._write(must_create=must_create)
        while True:
            try:
                self._write(must_create=True)
            except CreateError:
                self._session_key = _new_key()  # the key was taken
                continue
            self._insert_pending = False
            return

    def _write(self, *, must_create: bool) -> None:
        """Django's database `save()`; its savepoint only inside a transaction
        (an insert that fails there must not abort the caller's transaction)."""
        if self.session_key is None:
            return self.create()
        data = self._get_session(no_load=must_create)
        obj = self.create_model_instance(data)
        using = router.db_for_write(self.model, instance=obj)
        in_transaction = transaction.get_connection(using).in_atomic_block
        try:
            with transaction.atomic(using=using) if in_transaction else nullcontext():
                obj.save(
                    force_insert=must_create, force_update=not must_create, using=using
                )
        except IntegrityError as error:
            if must_create:
                raise CreateError from error
            raise
        except DatabaseError as error:
            if not must_create:
                raise UpdateError from error
            raise
