"""With the task queue's Redis away, learners see no error and no work is lost.

The queue is configured as production configures it (LMS_TASK_BACKEND=rq)
but LMS_RQ_REDIS_URL points at a closed port, so every enqueue is refused.
The work waits in the outbox (lms.outbox) and `manage.py resume_outbox`
hands it over once the queue is back.
"""

import importlib.util
import logging
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from certificates import services as certificate_services
from certificates.models import Certificate, IssueBatchItem
from certificates.tasks import certificate_auto_issue_task
from courses.services import course_open, lesson_complete
from lms.models import PendingTask
from lms.people.models import RosterImportJob
from lms.people.roster.jobs import job_enqueue
from lms.reports.tasks import summary_recount_task
from lms.task_backends import QueueUnavailable, queue_available, reset_queue_outage
from quizzes.models import QuizAttempt
from tests.quizzes.factories import QuizPageFactory, add_slots, single_choice

pytestmark = pytest.mark.django_db
# Nothing listens here (never start a Redis on it).
CLOSED_REDIS = "redis://127.0.0.1:6399/0"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _base_settings(monkeypatch):
    """lms.settings.base as it loads in production with the queue on Redis."""
    monkeypatch.setenv("LMS_TASK_BACKEND", "rq")
    monkeypatch.setenv("LMS_RQ_REDIS_URL", CLOSED_REDIS)
    spec = importlib.util.find_spec("lms.settings.base")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def queue_down(settings, monkeypatch):
    base = _base_settings(monkeypatch)
    assert base.TASKS["default"]["BACKEND"] == "lms.task_backends.ResilientRQBackend"
    reset_queue_outage()
    settings.TASKS = base.TASKS
    settings.RQ_QUEUES = base.RQ_QUEUES
    yield
    reset_queue_outage()


def queue_back(settings):
    """The queue returns (its work runs in-process here)."""
    settings.TASKS = IMMEDIATE


def waiting(task):
    return PendingTask.objects.filter(task=task.module_path)


def test_our_tasks_are_refused_and_the_refusal_is_logged_once(queue_down, caplog):
    with caplog.at_level(logging.WARNING, logger="lms.task_backends"):
        for _ in range(3):
            with pytest.raises(QueueUnavailable):
                certificate_auto_issue_task.enqueue(1, 1)
    assert len(caplog.records) == 1
    assert "unreachable" in caplog.records[0].getMessage()


def test_wagtail_tasks_run_in_process_so_editors_can_publish(
    queue_down, client, make_course
):
    course, _lessons = make_course(title="Kỹ năng sống")
    course.title = "Kỹ năng sống 2"
    course.save_revision().publish()
    assert not queue_available()
    assert client.get(course.url).status_code == 200


def test_finishing_a_course_shows_no_error_and_the_certificate_follows(
    queue_down,
    settings,
    client,
    certified_course,
    tuyet,
    django_capture_on_commit_callbacks,
):
    course, lessons = certified_course
    client.force_login(tuyet)
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in lessons:
            response = client.post(lesson.url, {"action": "complete"})
            assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert not Certificate.objects.filter(holder=tuyet).exists()
    assert [row.args for row in waiting(certificate_auto_issue_task)] == [
        [tuyet.pk, course.pk]
    ]

    queue_back(settings)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("resume_outbox", "--stale-seconds", "0")
    assert Certificate.objects.filter(holder=tuyet, course=course).count() == 1
    # The recounts the certificate asked for ran too.
    assert not PendingTask.objects.exists()
    # Resumed again (a job lost its acknowledgement): still one certificate.
    call_command("resume_outbox", "--stale-seconds", "0")
    certificate_services.certificate_auto_issue(user_id=tuyet.pk, course_id=course.pk)
    assert Certificate.objects.filter(holder=tuyet, course=course).count() == 1


def test_a_rolled_back_completion_leaves_nothing_to_issue(
    queue_down, certified_course, tuyet
):
    from django.db import transaction

    course, lessons = certified_course
    course_open(user=tuyet, course=course)
    with pytest.raises(RuntimeError), transaction.atomic():
        for lesson in lessons:
            lesson_complete(user=tuyet, lesson=lesson, course=course)
        assert waiting(certificate_auto_issue_task).count() == 1
        raise RuntimeError("rolled back")
    # The enrolment before it committed and still waits for its report
    # recount; nothing of the rolled-back completion is left.
    assert not waiting(certificate_auto_issue_task).exists()


def test_resuming_while_the_queue_is_still_away_keeps_the_work_and_says_so(
    queue_down, certified_course, tuyet, complete
):
    course, lessons = certified_course
    complete(tuyet, course, lessons)
    with pytest.raises(CommandError, match="unreachable"):
        call_command("resume_outbox", "--stale-seconds", "0")
    assert waiting(certificate_auto_issue_task).count() == 1
    assert not Certificate.objects.filter(holder=tuyet).exists()


def test_starting_a_quiz_shows_no_error_and_its_recount_waits(
    queue_down,
    settings,
    client,
    make_course,
    student,
    django_capture_on_commit_callbacks,
):
    course, _lessons = make_course(lessons=1)
    quiz = QuizPageFactory(parent=course, pass_mark=70)
    add_slots(quiz, [single_choice() for _ in range(2)])
    client.force_login(student)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(quiz.url, {"action": "start"})
    attempt = QuizAttempt.objects.get(user=student)
    assert started["Location"] == reverse("lms_quizzes:attempt", args=[attempt.pk])
    assert client.get(started["Location"]).status_code == 200
    assert waiting(summary_recount_task).exists()

    queue_back(settings)
    call_command("resume_outbox", "--stale-seconds", "0")
    assert not PendingTask.objects.exists()


def test_a_roster_job_waits_queued_and_is_resumed(
    queue_down, settings, django_capture_on_commit_callbacks
):
    from tests.people.factories import SchoolFactory, SchoolYearFactory

    job = RosterImportJob.objects.create(
        school=SchoolFactory(), school_year=SchoolYearFactory(), filename="lop.csv"
    )
    with django_capture_on_commit_callbacks(execute=True):
        job_enqueue(job)  # the refusal is logged, not raised
    job.refresh_from_db()
    assert job.status == RosterImportJob.Status.QUEUED

    queue_back(settings)
    RosterImportJob.objects.update(created_at=job.created_at - timedelta(minutes=20))
    with mock.patch("lms.people.roster.jobs.roster_import_job_task") as task:
        call_command("tidy_roster_jobs")
    task.enqueue.assert_called_once_with(job_id=job.pk)


def test_a_bulk_issue_is_recorded_and_resumed(
    queue_down,
    settings,
    certified_course,
    make_learner,
    complete,
    django_capture_on_commit_callbacks,
):
    from lms.people.models import Role

    course, lessons = certified_course
    done = make_learner(username="xong")
    with mock.patch.object(
        certificate_services, "auto_issue_wanted", return_value=False
    ):
        complete(done, course, lessons)
    admin = make_learner(username="bgh", role=Role.SCHOOL_ADMIN, is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        batch = certificate_services.batch_create(
            course=course, users=[done], created_by=admin
        )
    assert batch.items.get().state == IssueBatchItem.State.PENDING

    queue_back(settings)
    call_command("certificate_batches_resume", "--stale-seconds", "0")
    assert batch.items.get().state == IssueBatchItem.State.DONE
    assert Certificate.objects.filter(holder=done, course=course).count() == 1


def test_tidying_roster_jobs_while_the_queue_is_away_says_so_and_still_tidies(
    queue_down,
):
    from tests.people.factories import SchoolFactory, SchoolYearFactory

    school, year = SchoolFactory(), SchoolYearFactory()
    long_ago = timezone.now() - timedelta(days=40)
    waiting_job = RosterImportJob.objects.create(
        school=school, school_year=year, filename="lop.csv"
    )
    RosterImportJob.objects.filter(pk=waiting_job.pk).update(
        created_at=timezone.now() - timedelta(minutes=20)
    )
    finished = RosterImportJob.objects.create(
        school=school,
        school_year=year,
        filename="cu.csv",
        status=RosterImportJob.Status.DONE,
        finished_at=long_ago,
    )
    with pytest.raises(CommandError, match="unreachable"):
        call_command("tidy_roster_jobs")
    waiting_job.refresh_from_db()
    assert waiting_job.status == RosterImportJob.Status.QUEUED
    assert not RosterImportJob.objects.filter(pk=finished.pk).exists()


def test_resuming_certificates_while_the_queue_is_away_says_so(
    queue_down, certified_course, make_learner, complete
):
    from lms.people.models import Role

    course, lessons = certified_course
    done = make_learner(username="xong")
    with mock.patch.object(
        certificate_services, "auto_issue_wanted", return_value=False
    ):
        complete(done, course, lessons)
    admin = make_learner(username="bgh", role=Role.SCHOOL_ADMIN, is_staff=True)
    batch = certificate_services.batch_create(
        course=course, users=[done], created_by=admin
    )
    with pytest.raises(CommandError, match="unreachable"):
        call_command("certificate_batches_resume", "--stale-seconds", "0")
    assert batch.items.get().state == IssueBatchItem.State.PENDING


def test_tidying_grade_recomputes_while_the_queue_is_away_says_so(queue_down):
    from quizzes.models import GradeRecompute

    quiz = QuizPageFactory()
    record = GradeRecompute.objects.create(
        quiz=quiz, changes={}, done_at=timezone.now() - timedelta(hours=1)
    )
    with pytest.raises(CommandError, match="unreachable"):
        call_command("tidy_grade_recomputes")
    record.refresh_from_db()
    assert record.finished_at is None
