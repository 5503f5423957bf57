"""PostgreSQL restarts while a learner autosaves (run by test_database_restart.py).

Not collected by the suite (no ``test_`` prefix): test_database_restart.py
starts a private PostgreSQL server and runs this file against it in a
subprocess, with ``LMS_TEST_PG_RESTART`` holding the command (a JSON list)
that restarts that server. Never point it at a shared server.

Django's request handler calls ``close_old_connections()`` when a request
starts and ends; the test client does not, so the steps call it themselves
where a real web process would.
"""

import json
import os
import subprocess

import pytest
from django.db import close_old_connections, connection
from django.urls import reverse

from quizzes.models import QuizAttempt
from tests.quizzes.factories import QuizPageFactory, add_slots, short_answer

RESTART = json.loads(os.environ.get("LMS_TEST_PG_RESTART", "null"))

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(RESTART is None, reason="run by test_database_restart.py"),
]


def restart_server():
    subprocess.run(RESTART, check=True, capture_output=True, timeout=120)  # noqa: S603


def persistent_connections(*, health_checks: bool):
    """Connections kept between requests, checked before reuse or not."""
    close_old_connections()
    connection.close()
    connection.settings_dict["CONN_MAX_AGE"] = 600
    connection.settings_dict["CONN_HEALTH_CHECKS"] = health_checks
    connection.ensure_connection()


@pytest.mark.django_db(transaction=True)
def test_autosaves_survive_a_restart_and_the_next_request_succeeds(
    client, make_course, student
):
    course, _lessons = make_course(lessons=0)
    quiz = QuizPageFactory(parent=course, pass_mark=70)
    add_slots(quiz, [short_answer() for _ in range(4)])
    # Answer as a web process would: a database fault raised in a middleware
    # (reading the signed-in user) goes to the 500 handler, which makes it a
    # 503; the test client would raise it instead.
    client.raise_request_exception = False
    client.force_login(student)
    client.post(quiz.url, {"action": "start"})
    attempt = QuizAttempt.objects.get(user=student)
    keys = [question["key"] for question in attempt.snapshot]
    save_url = reverse("lms_quizzes:save", args=[attempt.pk])

    def autosave(key, answer):
        return client.post(save_url, {key: answer}, HTTP_ACCEPT="application/json")

    # As production configures it (lms/settings/production.py).
    persistent_connections(health_checks=True)
    assert autosave(keys[0], "trước khi khởi động lại").status_code == 200
    held = connection.connection
    restart_server()
    assert connection.connection is held  # the web process still holds it

    # The next request: the stale connection fails its check and is replaced.
    close_old_connections()
    assert autosave(keys[1], "sau khi khởi động lại").status_code == 200
    assert connection.connection is not held

    # A request in flight when the server goes (no check before it): 503 with
    # Retry-After for the script, never a 500; the request after it works.
    persistent_connections(health_checks=False)
    restart_server()
    lost = autosave(keys[2], "đang khởi động lại")
    assert lost.status_code == 503
    assert lost["Retry-After"]
    assert lost.json()["retry"] is True
    close_old_connections()
    assert autosave(keys[2], "thử lại").status_code == 200

    # Every acknowledged autosave is in the database.
    stored = {r.key: r.answer for r in attempt.responses.all()}
    assert stored == {
        keys[0]: "trước khi khởi động lại",
        keys[1]: "sau khi khởi động lại",
        keys[2]: "thử lại",
    }
