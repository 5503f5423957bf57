"""The database restarting or too slow: a "try again shortly" answer, not a 500.

While PostgreSQL restarts (an upgrade, a fail-over, a crash) the requests in
flight lose their connection, and new ones cannot connect for a few seconds.
A query cut off by the statement timeout (``DB_STATEMENT_TIMEOUT`` in
production) is cancelled by the server. Neither is a bug in the page: the
learner gets HTTP 503 with ``Retry-After``, as a short page, or as JSON for
the page scripts (the quiz autosave retries on it). Other database errors
(a constraint, a deadlock, a full disk) are still errors and still 500.

A media disk that is full (or quota-bound, or turned read-only) is the
other fault a view cannot help: the OSError of a file write (a Wagtail image
or document, an upload of ours) becomes HTTP 507 with a page that says
nothing was saved and the administrator must free space. 507 ("Insufficient
Storage") names the cause exactly; 503 with Retry-After would invite the
browser, our scripts and monitoring to retry within seconds, when only a
person can fix it. Nothing is half-written: the storage removes a partial
file (`lms.storage`) and the row is inserted only after the file is stored.

Django closes a broken connection at the end of the request, and with
``CONN_HEALTH_CHECKS`` a persistent connection is checked before the next
request uses it, so web processes recover by themselves.
"""

import errno
import logging

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django_tasks.backends.immediate import ImmediateBackend

logger = logging.getLogger(__name__)

# How long a client is told to wait: a restart takes a few seconds.
RETRY_AFTER_SECONDS = 5

# SQLSTATEs of a connection lost or refused: class 08 (connection exception),
# admin_shutdown, crash_shutdown, cannot_connect_now (starting up).
_LOST_STATES = {"57P01", "57P02", "57P03"}
# query_canceled: the statement timeout, or a cancel by the operator.
_CANCELLED_STATE = "57014"


def with_statement_timeout(database: dict, milliseconds: int) -> dict:
    """`database` (a DATABASES entry) with a server-side statement timeout.

    Passed as a connection start-up option, so it costs no round trip. Only
    PostgreSQL has it; 0 leaves the server's default (no limit).
    """
    if milliseconds <= 0 or "postgresql" not in database.get("ENGINE", ""):
        return database
    options = dict(database.get("OPTIONS", {}))
    setting = f"-c statement_timeout={int(milliseconds)}"
    options["options"] = f"{options.get('options', '')} {setting}".strip()
    return {**database, "OPTIONS": options}


def _sqlstate(error: BaseException) -> str | None:
    cause = error.__cause__
    return getattr(cause, "pgcode", None) or getattr(cause, "sqlstate", None)


def _from_postgresql_driver(error: BaseException) -> bool:
    module = type(error.__cause__).__module__ or ""
    return module.split(".")[0] in {"psycopg2", "psycopg"}


def is_connection_lost(error: BaseException) -> bool:
    """Whether `error` says the database went away, not that a query was wrong.

    A PostgreSQL driver error without a SQLSTATE comes from the connection
    itself ("server closed the connection unexpectedly", "connection
    refused"); SQLite's "database is locked" and the like do not count.
    """
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    state = _sqlstate(error)
    if state is None:
        return _from_postgresql_driver(error)
    return state in _LOST_STATES or state.startswith("08")


def is_query_cancelled(error: BaseException) -> bool:
    """Whether the server cancelled the statement (the statement timeout)."""
    return isinstance(error, OperationalError) and _sqlstate(error) == _CANCELLED_STATE


def database_fault(error: BaseException) -> str | None:
    """ "lost", "slow" or None for any other error."""
    if is_connection_lost(error):
        return "lost"
    if is_query_cancelled(error):
        return "slow"
    return None


# No space left, disk quota exceeded, read-only file system.
_DISK_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS}


def is_disk_full(error: BaseException | None) -> bool:
    """Whether `error` is a write the disk refused for lack of room."""
    return isinstance(error, OSError) and error.errno in _DISK_FULL_ERRNOS


def wants_json(request) -> bool:
    accept = request.headers.get("Accept", "")
    return accept.startswith("application/json") or (
        request.headers.get("X-Requested-With") == "XMLHttpRequest"
    )


def keep_csrf_cookie(request) -> None:
    """Undo a CSRF token rotation the failed request made.

    Signing in rotates the token before it records the sign-in; when the
    database goes away in between, the 503 would otherwise carry the new
    token while the page the person resubmits still holds the old one, and
    their retry would be refused as a forgery (403). Nothing else of a failed
    request is kept (Django saves no session on a 5xx), so neither is this.
    """
    if request is None or not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return
    if settings.CSRF_USE_SESSIONS:
        return
    sent = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    if sent:
        request.META["CSRF_COOKIE"] = sent
        request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False


def unavailable_response(request, fault: str) -> HttpResponse:
    """HTTP 503 with Retry-After; rendered without touching the database."""
    keep_csrf_cookie(request)
    if request is not None and wants_json(request):
        response = JsonResponse(
            {
                "error": _(
                    "The system is busy for a moment. Please try again in a few "
                    "minutes."
                ),
                "retry": True,
            },
            status=503,
        )
    else:
        # No request in the context: context processors could read the
        # session or the user, from the database that is away.
        response = HttpResponse(
            render_to_string("lms/database_unavailable.html", {"fault": fault}),
            status=503,
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def disk_full_response(request) -> HttpResponse:
    """HTTP 507: nothing was saved; no Retry-After, a person must act."""
    keep_csrf_cookie(request)
    if request is not None and wants_json(request):
        response = JsonResponse(
            {
                "error": _(
                    "The server's disk is full, so nothing was saved. Please tell "
                    "the administrator."
                ),
                "retry": False,
            },
            status=507,
        )
    else:
        # Rendered without a request, as the page above: the failure may
        # come with the database busy or the session unsaved.
        response = HttpResponse(render_to_string("lms/disk_full.html"), status=507)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turn a lost connection or a cancelled query in a view into a 503.

    Errors raised outside a view (in another middleware) reach Django's 500
    handler, which `server_error` below wraps the same way.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The signed-in user, read from the session in the database, is
        # needed by the middleware after this one anyway. Reading it here
        # first keeps a restart from failing there, outside any view: Django
        # would log that as an error with the whole traceback, in which the
        # session's "no attribute '_session_cache'" (the lookup the failed
        # load ran in) reads like a bug of its own.
        try:
            user = getattr(request, "user", None)
            if user is not None:
                user.is_authenticated  # noqa: B018 - loads the session
        except DatabaseError as error:
            response = self.process_exception(request, error)
            if response is None:
                raise
            return response
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_disk_full(exception):
            logger.error(
                "Disk full during %s %s, nothing saved: %s",
                request.method,
                request.path,
                exception,
            )
            return disk_full_response(request)
        fault = database_fault(exception)
        if fault is None:
            return None
        logger.warning(
            "Database %s during %s %s: %s",
            "unreachable" if fault == "lost" else "statement cancelled",
            request.method,
            request.path,
            exception,
        )
        return unavailable_response(request, fault)


def server_error(request, template_name="500.html"):
    """``handler500``: a database fault raised outside a view is still a 503,
    a full disk still a 507."""
    import sys

    from django.views.defaults import server_error as default_server_error

    error = sys.exc_info()[1]
    if is_disk_full(error):
        return disk_full_response(request)
    fault = database_fault(error) if error is not None else None
    if fault is not None:
        return unavailable_response(request, fault)
    return default_server_error(request, template_name)


def fresh_connections_around_jobs(sender, **kwargs) -> None:
    """Before and after each job a queue worker runs, drop database connections
    that broke or grew too old, as Django does around each web request.

    A worker is one long-lived process: without this, a PostgreSQL restart
    leaves it holding a dead connection and every later job fails with
    "connection already closed". With ``CONN_HEALTH_CHECKS`` the next query
    then checks the connection and opens a new one. Jobs run in-process
    (the immediate backend) are left alone: they share the caller's
    connection and transaction.
    """
    if not isinstance(sender, type) or issubclass(sender, ImmediateBackend):
        return

    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()
