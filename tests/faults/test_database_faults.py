"""The database restarting or too slow: learners get "try again shortly" (503).

The errors are simulated here the way Django raises them: its own
OperationalError/InterfaceError with the driver's error as the cause. The
PostgreSQL tests below cancel a real query; test_database_restart.py restarts
a private server.
"""

import json
import os
import sqlite3
import subprocess
import sys
import weakref
from pathlib import Path

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client
from django.urls import reverse

import quizzes.views
from lms.db_faults import database_fault, with_statement_timeout
from lms.reports.selectors import reporting_session
from quizzes.models import QuizAttempt
from tests.quizzes.factories import QuizPageFactory, add_slots, single_choice

ROOT = Path(__file__).resolve().parents[2]


class _DriverError(Exception):
    """Stands in for a psycopg2 error (its module decides, and its SQLSTATE)."""

    __module__ = "psycopg2.errors"

    def __init__(self, message, pgcode=None):
        super().__init__(message)
        self.pgcode = pgcode


def _django_error(cls, cause):
    error = cls(str(cause))
    error.__cause__ = cause
    return error


def lost_connection():
    return _django_error(
        OperationalError, _DriverError("server closed the connection unexpectedly")
    )


def statement_cancelled():
    return _django_error(
        OperationalError,
        _DriverError("canceling statement due to statement timeout", "57014"),
    )


@pytest.mark.parametrize(
    ("error", "fault"),
    [
        (lost_connection(), "lost"),
        (_django_error(OperationalError, _DriverError("terminating", "57P01")), "lost"),
        (_django_error(OperationalError, _DriverError("starting up", "57P03")), "lost"),
        (_django_error(OperationalError, _DriverError("broken", "08006")), "lost"),
        (_django_error(InterfaceError, _DriverError("connection closed")), "lost"),
        (statement_cancelled(), "slow"),
        # Not the database going away: these stay errors (500).
        (_django_error(OperationalError, _DriverError("deadlock", "40P01")), None),
        (_django_error(OperationalError, _DriverError("disk full", "53100")), None),
        (_django_error(OperationalError, sqlite3.OperationalError("locked")), None),
        (ValueError("not a database error"), None),
    ],
)
def test_only_a_lost_connection_or_a_cancelled_query_is_a_fault(error, fault):
    assert database_fault(error) == fault


@pytest.fixture
def attempt(client, make_course, student):
    course, _lessons = make_course(lessons=0)
    quiz = QuizPageFactory(parent=course, pass_mark=70)
    add_slots(quiz, [single_choice() for _ in range(2)])
    client.force_login(student)
    client.post(quiz.url, {"action": "start"})
    return QuizAttempt.objects.get(user=student)


def _failing_save(error):
    def answers_save(**kwargs):
        raise error

    return answers_save


@pytest.mark.django_db
def test_autosave_during_a_restart_answers_503_json_with_retry_after(
    client, attempt, monkeypatch
):
    monkeypatch.setattr(quizzes.views, "answers_save", _failing_save(lost_connection()))
    reply = client.post(
        reverse("lms_quizzes:save", args=[attempt.pk]),
        {attempt.snapshot[0]["key"]: ""},
        HTTP_ACCEPT="application/json",
    )
    assert reply.status_code == 503
    assert reply["Retry-After"] == "5"
    assert reply["Content-Type"] == "application/json"
    assert reply.json()["retry"] is True
    assert "thử lại" in reply.json()["error"]


@pytest.mark.django_db
def test_a_page_during_a_restart_is_a_vietnamese_try_again_page(
    client, attempt, monkeypatch
):
    monkeypatch.setattr(quizzes.views, "answers_save", _failing_save(lost_connection()))
    reply = client.post(reverse("lms_quizzes:save", args=[attempt.pk]), {})
    assert reply.status_code == 503
    assert reply["Retry-After"] == "5"
    page = reply.content.decode()
    assert "Vui lòng thử lại sau ít phút" in page
    assert "đang khởi động lại" in page


@pytest.mark.django_db
def test_a_cancelled_query_says_the_system_is_busy(client, attempt, monkeypatch):
    monkeypatch.setattr(
        quizzes.views, "answers_save", _failing_save(statement_cancelled())
    )
    reply = client.post(reverse("lms_quizzes:save", args=[attempt.pk]), {})
    assert reply.status_code == 503
    assert "đang rất bận" in reply.content.decode()


@pytest.mark.django_db
def test_other_database_errors_are_still_server_errors(attempt, monkeypatch, student):
    deadlock = _django_error(OperationalError, _DriverError("deadlock", "40P01"))
    monkeypatch.setattr(quizzes.views, "answers_save", _failing_save(deadlock))
    client = Client(raise_request_exception=False)
    client.force_login(student)
    reply = client.post(reverse("lms_quizzes:save", args=[attempt.pk]), {})
    assert reply.status_code == 500


class _LosesTheDatabase:
    """A middleware that fails before any view runs (e.g. reading the session)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raise lost_connection()


@pytest.mark.django_db
def test_a_fault_outside_a_view_is_a_503_too(settings):
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[:3],
        f"{__name__}._LosesTheDatabase",
        *settings.MIDDLEWARE[3:],
    ]
    reply = Client(raise_request_exception=False).get("/")
    assert reply.status_code == 503
    assert reply["Retry-After"] == "5"


def test_the_statement_timeout_is_a_start_up_option_on_postgresql_only():
    pg = {"ENGINE": "django.db.backends.postgresql", "OPTIONS": {"options": "-c a=b"}}
    assert with_statement_timeout(pg, 30000)["OPTIONS"]["options"] == (
        "-c a=b -c statement_timeout=30000"
    )
    assert with_statement_timeout(pg, 0) == pg
    sqlite = {"ENGINE": "django.db.backends.sqlite3"}
    assert with_statement_timeout(sqlite, 30000) == sqlite


def _production_databases(**env):
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "d = settings.DATABASES['default']; "
        "print(json.dumps([d['CONN_HEALTH_CHECKS'], d.get('OPTIONS', {})]))"
    )
    environ = {
        key: value
        for key, value in os.environ.items()
        if key not in {"LMS_PROCESS", "REDIS_URL"}
    }
    environ.update(
        DJANGO_SETTINGS_MODULE="lms.settings.production",
        SECRET_KEY="db-faults-" + "x" * 40,
        ALLOWED_HOSTS="lms.example.edu.vn",
        DATABASE_URL="postgres://lms:lms@127.0.0.1:5999/lms",
        **env,
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_production_web_processes_check_connections_and_limit_statements():
    checks, options = _production_databases(LMS_PROCESS="web")
    assert checks is True
    assert options["options"] == "-c statement_timeout=30000"
    checks, options = _production_databases(
        LMS_PROCESS="web", DB_STATEMENT_TIMEOUT_MS="5000"
    )
    assert options["options"] == "-c statement_timeout=5000"


@pytest.mark.slow
def test_production_commands_and_workers_have_their_own_limit():
    checks, options = _production_databases()
    assert checks is True
    assert "options" not in options
    _checks, options = _production_databases(DB_WORKER_STATEMENT_TIMEOUT_MS="600000")
    assert options["options"] == "-c statement_timeout=600000"


# On PostgreSQL (the shared test server; nothing is restarted here).


def _sleep(seconds):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [seconds])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_query_cut_off_by_the_statement_timeout_is_a_503(
    client, attempt, monkeypatch
):
    def slow_save(**kwargs):
        _sleep(2)

    monkeypatch.setattr(quizzes.views, "answers_save", slow_save)
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 200")
    try:
        reply = client.post(
            reverse("lms_quizzes:save", args=[attempt.pk]),
            {},
            HTTP_ACCEPT="application/json",
        )
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")
    assert reply.status_code == 503
    assert reply["Retry-After"] == "5"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_reports_have_their_own_longer_statement_timeout(settings):
    settings.LMS_REPORT_STATEMENT_TIMEOUT_MS = 5000
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 100")
    try:
        with reporting_session():
            _sleep(0.3)  # within the report limit
        with pytest.raises(OperationalError) as cut_off:
            _sleep(0.3)  # a web request's limit again
        assert database_fault(cut_off.value) == "slow"
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")


class _Connection:
    """Stands for a worker's database connection: records whether it was
    asked to drop itself if broken or old."""

    def __init__(self, in_atomic_block=False):
        self.in_atomic_block = in_atomic_block
        self.checked = False

    def close_if_unusable_or_obsolete(self):
        self.checked = True


def _connected(signal) -> list:
    return [
        ref() if isinstance(ref, weakref.ReferenceType) else ref
        for _key, ref, *_rest in signal.receivers
    ]


def _run_around_job(monkeypatch, sender, held):
    """What the receiver does when a job starts (and the same when it ends)."""
    from django_tasks.signals import task_finished, task_started

    from lms.db_faults import fresh_connections_around_jobs

    assert fresh_connections_around_jobs in _connected(task_started)
    assert fresh_connections_around_jobs in _connected(task_finished)
    monkeypatch.setattr(
        "lms.db_faults.connections.all", lambda initialized_only=False: held
    )
    fresh_connections_around_jobs(sender, task_result=None)
    return [c.checked for c in held]


def test_a_queue_worker_drops_broken_connections_around_each_job(monkeypatch):
    """After a PostgreSQL restart a worker's next job gets a new connection
    (the fault drill saw every job fail on "connection already closed")."""
    from django_tasks.backends.dummy import DummyBackend

    held = [_Connection(), _Connection(in_atomic_block=True)]
    assert _run_around_job(monkeypatch, DummyBackend, held) == [True, False]


def test_jobs_run_in_process_keep_the_callers_connection(monkeypatch):
    from django_tasks.backends.immediate import ImmediateBackend

    held = [_Connection()]
    assert _run_around_job(monkeypatch, ImmediateBackend, held) == [False]


def test_a_restart_met_while_reading_the_session_is_a_quiet_503(
    client, settings, student, caplog
):
    """The drill's "'SessionStore' object has no attribute '_session_cache'"
    was the context of this failure, logged with its traceback by Django."""
    import logging
    from unittest import mock

    from django.contrib.sessions.backends.db import SessionStore

    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    client.force_login(student)

    def server_gone(self):
        try:
            raise _DriverError("server closed the connection unexpectedly")
        except _DriverError as cause:
            raise OperationalError(str(cause)) from cause

    with (
        mock.patch.object(SessionStore, "_get_session_from_db", server_gone),
        caplog.at_level(logging.WARNING),
    ):
        response = client.get(reverse("lms_courses:my_learning"))
    assert response.status_code == 503
    assert response["Retry-After"]
    # One warning line from us (and Django's usual one-line note of a 5xx),
    # no traceback.
    assert [r.name for r in caplog.records if r.levelno == logging.WARNING] == [
        "lms.db_faults"
    ]
    assert not any(r.exc_info for r in caplog.records)
    assert "_session_cache" not in caplog.text
    # The session is still there once the database is back.
    assert client.get(reverse("lms_courses:my_learning")).status_code == 200


@pytest.mark.django_db
def test_a_sign_in_cut_off_by_a_restart_can_be_sent_again(student):
    """The fault drill's learner who met a 403: signing in rotates the CSRF
    token before recording the sign-in, and the 503 carried the new token
    while the form still held the old one, so the second try was refused."""
    import re
    from unittest import mock

    from django.conf import settings

    student.set_password("mat-khau-thu")
    student.save()
    browser = Client(enforce_csrf_checks=True)
    login = reverse("lms_people:login")
    page = browser.get(login).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = {
        "csrfmiddlewaretoken": token,
        "username": student.username,
        "password": "mat-khau-thu",
        "next": "/",
    }

    def server_gone(*args, **kwargs):
        raise lost_connection()

    with mock.patch.object(type(student), "save", server_gone):
        cut_off = browser.post(login, form)
    assert cut_off.status_code == 503
    assert settings.CSRF_COOKIE_NAME not in cut_off.cookies

    again = browser.post(login, form)
    assert again.status_code == 302
    assert browser.get(reverse("lms_courses:my_learning")).status_code == 200
