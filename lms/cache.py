"""A Redis cache that treats Redis as an accelerator, not a dependency.

When Redis cannot be reached, reads miss, writes are skipped and counters
raise `CacheUnavailable` (a ValueError, so code that handles "no such key" by
setting it keeps working); the page answers as if the cache were empty. After
a failure the backend stops calling Redis for `RETRY_SECONDS`, so a request
does not pay one connection timeout per cache call, and the failure is logged
once per such interval rather than once per request.

Keys written or deleted while Redis was away may hold stale values when it
returns (a session signed out during the outage, say); the first call that
finds Redis back deletes them. The list is kept per process and bounded.

The outage state is shared by every thread of a process (Django builds one
backend object per thread) and keyed by the Redis address.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.translation import gettext_lazy

logger = logging.getLogger(__name__)

# Refused, timed out, or not a Redis we can use: something that is not Redis
# answering on the port (a wrong REDIS_URL), a replica during a fail-over.
# Errors of our own making (a wrong type for INCR, say) still raise.
try:
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import InvalidResponse, ReadOnlyError
    from redis.exceptions import TimeoutError as RedisTimeoutError
except ImportError:
    # A host without the [production] extra has no Redis client: nothing to
    # catch but the socket's own errors (and no Redis cache to configure).
    UNREACHABLE: tuple[type[BaseException], ...] = (OSError,)
else:
    UNREACHABLE = (
        RedisConnectionError,
        RedisTimeoutError,
        InvalidResponse,
        ReadOnlyError,
        OSError,
    )
# Seconds without calling Redis after a failure (and between two log lines).
RETRY_SECONDS = 30
# At most this many keys to forget when Redis returns; past it, say so.
MAX_STALE_KEYS = 10_000
# Short socket timeouts: a cache that is slow to answer is as good as absent.
DEFAULT_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}


class CacheUnavailable(ValueError):
    """A counter could not be read or changed because the cache is away."""


class QueueUnavailable(ConnectionError):
    """The task queue's Redis cannot be reached; the work must wait.

    Raised by `lms.task_backends.ResilientRQBackend`; defined here so code that
    catches it imports without the [production] extra (no RQ client).
    """


class _Outage:
    """Per-process state of one Redis address (shared by its threads)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.down_until = 0.0
        self.stale_keys: set[str] = set()
        self.stale_overflow = False
        # A clear() asked for while away (a restore, say) runs on return.
        self.clear_pending = False


_OUTAGES: dict[str, _Outage] = {}
_OUTAGES_LOCK = threading.Lock()


def _outage_for(location: str) -> _Outage:
    with _OUTAGES_LOCK:
        return _OUTAGES.setdefault(location, _Outage())


def reset_outages() -> None:
    """Forget every recorded outage (tests)."""
    with _OUTAGES_LOCK:
        for outage in _OUTAGES.values():
            with outage.lock:
                outage.down_until = 0.0
                outage.stale_keys = set()
                outage.stale_overflow = False
                outage.clear_pending = False


def cache_available(backend=None) -> bool:
    """False while `backend` (the default cache) is known to be unreachable."""
    if backend is None:
        from django.core.cache import cache as backend
    is_available = getattr(backend, "is_available", None)
    return is_available() if is_available else True


def cache_keep(key: str, value, timeout: int) -> bool:
    """Store `value` where a later request will need it; False if it could not.

    For what one request hands to the next (an import waiting for its
    confirmation): while the cache is away the value is not kept, and the
    caller says so instead of offering a step that would fail.
    """
    from django.core.cache import cache

    cache.set(key, value, timeout=timeout)
    return cache_available()


# Said at an import preview when the upload cannot be kept for the confirmation.
UPLOAD_NOT_KEPT = gettext_lazy(
    "The file cannot be kept for confirmation right now (the cache server is not "
    "answering), so it cannot be imported yet. Nothing was written. Please try "
    "again in a few minutes."
)


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client, keeping one redis-py client per pool.

    Django makes a new `redis.Redis` (and its table of response callbacks)
    for every cache call; the client is only a handle on the pool, so one
    per pool serves every call (shared the way the pool already is).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, degrading to "always empty" while Redis is away."""

    def __init__(self, server, params):
        params = dict(params)
        params["OPTIONS"] = {**DEFAULT_OPTIONS, **params.get("OPTIONS", {})}
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._outage = _outage_for(",".join(self._servers))

    # -- outage bookkeeping -------------------------------------------------

    def is_available(self) -> bool:
        return time.monotonic() >= self._outage.down_until

    def _failed(self, operation: str, error: Exception) -> None:
        outage = self._outage
        with outage.lock:
            now = time.monotonic()
            first = now >= outage.down_until
            outage.down_until = now + RETRY_SECONDS
        if first:
            logger.warning(
                "Cache unreachable (%s: %s); serving without it for %s s.",
                operation,
                error,
                RETRY_SECONDS,
            )

    def _remember(self, *keys: str) -> None:
        outage = self._outage
        with outage.lock:
            if len(outage.stale_keys) + len(keys) > MAX_STALE_KEYS:
                outage.stale_overflow = True
            else:
                outage.stale_keys.update(keys)

    def _recovered(self) -> None:
        """Redis answered again: drop what may have gone stale meanwhile."""
        outage = self._outage
        with outage.lock:
            keys = list(outage.stale_keys)
            overflow = outage.stale_overflow
            clear = outage.clear_pending
        if clear:
            self._cache.clear()
            with outage.lock:
                outage.stale_keys = set()
                outage.stale_overflow = outage.clear_pending = False
            logger.warning("Cache reachable again; cleared as asked while away.")
            return
        if keys:
            # Already full keys (prefix and version applied when recorded).
            self._cache.delete_many(keys)
        with outage.lock:
            outage.stale_keys.difference_update(keys)
            outage.stale_overflow = False
        if overflow:
            logger.error(
                "Cache back, but more than %s keys changed while it was away; "
                "some cached values may be stale until they expire.",
                MAX_STALE_KEYS,
            )
        logger.warning("Cache reachable again.")

    def _call(self, operation, fallback, stale_keys, method, *args, **kwargs):
        if not self.is_available():
            if stale_keys:
                self._remember(*stale_keys)
            return fallback()
        try:
            outage = self._outage
            if outage.stale_keys or outage.stale_overflow or outage.clear_pending:
                self._recovered()
            return method(*args, **kwargs)
        except UNREACHABLE as error:
            self._failed(operation, error)
            if stale_keys:
                self._remember(*stale_keys)
            return fallback()

    def _keys(self, keys, version):
        return [self.make_and_validate_key(key, version=version) for key in keys]

    # -- the cache API ------------------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(
            "add",
            lambda: False,
            self._keys([key], version),
            super().add,
            key,
            value,
            timeout,
            version,
        )

    def get(self, key, default=None, version=None):
        return self._call(
            "get", lambda: default, (), super().get, key, default, version
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(
            "set",
            lambda: None,
            self._keys([key], version),
            super().set,
            key,
            value,
            timeout,
            version,
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(
            "touch", lambda: False, (), super().touch, key, timeout, version
        )

    def delete(self, key, version=None):
        return self._call(
            "delete",
            lambda: False,
            self._keys([key], version),
            super().delete,
            key,
            version,
        )

    def get_many(self, keys, version=None):
        return self._call("get_many", dict, (), super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", lambda: False, (), super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        def unavailable():
            raise CacheUnavailable(key)

        return self._call(
            "incr",
            unavailable,
            self._keys([key], version),
            super().incr,
            key,
            delta,
            version,
        )

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        keys = list(data)
        return self._call(
            "set_many",
            lambda: keys,
            self._keys(keys, version),
            super().set_many,
            data,
            timeout,
            version,
        )

    def delete_many(self, keys, version=None):
        keys = list(keys)
        return self._call(
            "delete_many",
            lambda: None,
            self._keys(keys, version),
            super().delete_many,
            keys,
            version,
        )

    def clear(self):
        def pending():
            with self._outage.lock:
                self._outage.clear_pending = True
            return False

        return self._call("clear", pending, (), super().clear)
