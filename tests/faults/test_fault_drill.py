"""The fault drill's own bookkeeping (tests/ci/ci_faults.py).

The drill itself runs in CI with real servers; these check, without servers,
that it counts a learner's errors against the right fault window and that its
SMTP receiver records what Django sends and refuses while closed.
"""

import os
import smtplib
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.mail import get_connection, send_mail

from tests.ci import ci_faults


def drill_with(requests, faults):
    drill = ci_faults.Drill()
    drill.requests = [ci_faults.Request(*r) for r in requests]
    drill.faults = faults
    return drill


def test_a_clear_503_inside_the_window_is_no_problem():
    fault = ci_faults.Fault("PostgreSQL restarted", start=10, back=15, end=20)
    drill = drill_with(
        [
            (1, 2, "lesson", 200, True),
            (11, 12, "lesson", 503, False, "5"),
            (17, 18, "lesson", 200, True),
        ],
        [fault],
    )

    assert ci_faults.report(drill) == []


def test_a_500_inside_the_window_is_an_unclear_error():
    fault = ci_faults.Fault("Redis stopped", start=10, back=40, end=45)
    drill = drill_with([(12, 13, "submit", 500, False)], [fault])

    problems = ci_faults.report(drill)

    assert problems == ["Redis stopped: learners met unclear errors {'submit=500': 1}"]


def test_an_error_after_the_window_counts_against_that_fault():
    first = ci_faults.Fault("Redis stopped", start=10, back=40, end=45)
    second = ci_faults.Fault("SMTP refused", start=60, back=75, end=80)
    drill = drill_with(
        [(50, 51, "autosave", 503, False), (90, 91, "review", 502, False)],
        [first, second],
    )

    problems = ci_faults.report(drill)

    assert problems == [
        "Redis stopped: errors after the window {'autosave=503': 1}",
        "SMTP refused: errors after the window {'review=502': 1}",
    ]


def test_an_error_before_any_fault_is_a_problem():
    fault = ci_faults.Fault("Redis stopped", start=10, back=40, end=45)
    drill = drill_with([(1, 2, "sign in", "ConnectionError", False)], [fault])

    assert ci_faults.report(drill) == [
        "before any fault: sign in answered ConnectionError"
    ]


def test_the_smtp_receiver_keeps_each_message_and_refuses_while_closed(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    sink = ci_faults.SmtpSink()
    sink.open()
    try:
        connection = get_connection(host="127.0.0.1", port=sink.port, timeout=5)
        send_mail("Chứng nhận", "Nội dung", None, ["a@x.test"], connection=connection)
        assert [(m["to"], m["subject"]) for m in sink.messages] == [
            (["a@x.test"], "Chứng nhận")
        ]
    finally:
        sink.close()
    closed = get_connection(host="127.0.0.1", port=sink.port, timeout=5)
    with pytest.raises((ConnectionRefusedError, smtplib.SMTPException)):
        send_mail("x", "y", None, ["a@x.test"], connection=closed)


@pytest.mark.django_db
def test_the_drill_seed_makes_a_student_course_with_lessons_and_a_quiz():
    from courses.models import CoursePage, LessonPage
    from lms.people.models import School, SchoolClass
    from quizzes.models import QuizPage

    ci_faults.drill_seed()

    course = CoursePage.objects.live().get()
    assert course.for_students
    assert LessonPage.objects.child_of(course).live().exists()
    assert QuizPage.objects.child_of(course).live().exists()
    demo = School.objects.get(code="DEMO")
    assert SchoolClass.objects.filter(school=demo, name="10A1").exists()


class FakePostgres:
    def __init__(self, version):
        self.bin = Path(f"/usr/lib/postgresql/{version}/bin")


def test_the_schema_dump_is_named_after_the_migrations_and_the_server():
    first = ci_faults.schema_key(FakePostgres("16"))

    assert ci_faults.schema_key(FakePostgres("16")) == first
    assert ci_faults.schema_key(FakePostgres("17")) != first


def test_importing_the_ci_programs_leaves_the_environment_alone():
    # A fresh interpreter: in this one the modules are already imported.
    root = Path(__file__).resolve().parents[2]
    code = (
        "import os, sys\n"
        f"sys.path.insert(0, {str(root)!r})\n"
        "before = dict(os.environ)\n"
        "import tests.ci.ci_faults, tests.ci.ci_multiprocess, tests.ci.ci_queue\n"
        "import tests.benchmarks.bench_load\n"
        "changed = sorted(set(os.environ.items()) ^ set(before.items()))\n"
        "print(changed)\n"
        "sys.exit(1 if changed else 0)\n"
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "LMS_TASK_BACKEND", "SECRET_KEY")
    }
    result = subprocess.run(  # noqa: S603 - our interpreter, fixed code
        [sys.executable, "-c", code],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
