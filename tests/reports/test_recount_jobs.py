"""Recount requests share one queued job (the outbox's marker, lms/outbox.py).

Each test is one race of the module docstring's list. Jobs are recorded, not
queued (`handed`), and run by calling `outbox_run` as the worker would.
"""

import threading
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.services import course_open, lesson_complete
from lms import outbox
from lms.cache import QueueUnavailable, reset_outages
from lms.outbox import outbox_resume, outbox_run
from lms.reports import summary as summary_module
from lms.reports.selectors import ReportFilters
from lms.reports.summary import summary_rebuild
from lms.reports.tasks import family_digests_send_task, summary_recount_task
from tests.courses.conftest import catalogue, make_course, site_root  # noqa: F401
from tests.people.factories import UserFactory

from .test_recount_batches import (
    in_thread,
    paused_in_thread,
    queue_away,  # noqa: F401
    recounts,
    two_classes,
)
from .test_summary import assert_summary_equals_live

TASK = summary_recount_task.module_path
CLOSED_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def handed(settings, monkeypatch, queue_away):  # noqa: F811
    """Coalescing on; the jobs handed to the queue, as (row id, task)."""
    settings.LMS_OUTBOX_COALESCE = True
    cache.clear()
    jobs: list[tuple[int, str]] = []
    lock = threading.Lock()

    def record(row_id, *, using, task=""):
        with lock:
            jobs.append((row_id, task))

    monkeypatch.setattr(outbox, "_hand_over", record)
    yield jobs
    cache.clear()


@pytest.fixture
def course_with_lesson(make_course):  # noqa: F811
    """A course of one lesson, after the report summary's first rebuild."""
    summary_rebuild()
    course, lessons = make_course(lessons=1)
    return course, lessons[0]


def run(job) -> str:
    row_id, task = job
    return outbox_run(row_id=row_id, task=task)


@pytest.fixture
def act(django_capture_on_commit_callbacks):
    """A student opens the course and completes a lesson; commits as in a
    request (a test's transaction never commits: its callbacks run here)."""

    def act(student, course, lesson) -> None:
        if connection.in_atomic_block:
            with django_capture_on_commit_callbacks(execute=True):
                course_open(user=student, course=course)
            with django_capture_on_commit_callbacks(execute=True):
                lesson_complete(user=student, lesson=lesson, course=course)
        else:  # a transactional test: real commits
            course_open(user=student, course=course)
            lesson_complete(user=student, lesson=lesson, course=course)

    return act


def everyone_agrees() -> None:
    assert not recounts().exists()
    assert_summary_equals_live(UserFactory(is_superuser=True), ReportFilters())


@pytest.mark.django_db
def test_many_learner_actions_queue_one_job_which_serves_them_all(
    course_with_lesson,
    handed,
    act,
):
    course, lesson = course_with_lesson
    *students, latecomer = two_classes(sizes=(4, 3))
    for student in students:
        act(student, course, lesson)
    rows = list(recounts())
    assert len(rows) >= len(students)
    # A row committed while the marker is set was committed before the job
    # began: its claim sees it.
    assert handed == [(rows[0].pk, TASK)]
    assert run(handed[0]) == f"done ({len(rows)} requests)"
    everyone_agrees()
    # The job cleared the marker: the next action queues a new one.
    act(latecomer, course, lesson)
    assert len(handed) == 2


@pytest.mark.django_db
def test_a_job_whose_own_row_another_run_served_still_claims_the_rest(
    course_with_lesson,
    handed,
    act,
):
    course, lesson = course_with_lesson
    students = two_classes(sizes=(2, 0))
    act(students[0], course, lesson)
    first = list(recounts())
    # Another run (one that cleared the marker just before this row set it)
    # served the row; the marker it set stays, so the next row queues no job.
    recounts().delete()
    act(students[1], course, lesson)
    waiting = recounts().count()
    assert len(handed) == 1 and waiting
    assert run(handed[0]) == f"done ({waiting} requests)"
    assert first[0].pk == handed[0][0]
    # An old job without the task name finds its row gone and stops.
    assert outbox_run(row_id=first[0].pk) == "done already"
    summary_rebuild()
    everyone_agrees()


@pytest.mark.django_db
def test_a_refused_job_clears_the_marker_so_the_next_commit_tries_again(
    course_with_lesson,
    handed,
    monkeypatch,
    act,
):
    course, lesson = course_with_lesson
    students = two_classes(sizes=(2, 0))
    recorded = outbox._hand_over

    def refused(row_id, *, using, task=""):
        raise QueueUnavailable("queue away")

    monkeypatch.setattr(outbox, "_hand_over", refused)
    act(students[0], course, lesson)
    monkeypatch.setattr(outbox, "_hand_over", recorded)
    act(students[1], course, lesson)
    # Without clearing, the marker would hold until it lapses: no job.
    assert len(handed) == 1
    waiting = recounts().count()
    assert run(handed[0]) == f"done ({waiting} requests)"
    everyone_agrees()


class RaisingCache:
    """A cache client without our fallbacks, its server away."""

    def add(self, *args, **kwargs):
        raise ConnectionError("Connection refused")

    def delete(self, *args, **kwargs):
        raise ConnectionError("Connection refused")


@pytest.mark.django_db
@pytest.mark.parametrize("away", ["add says no", "add raises"])
def test_with_the_cache_away_every_row_is_handed_over(
    course_with_lesson,
    handed,
    settings,
    monkeypatch,
    away,
    act,
):
    course, lesson = course_with_lesson
    students = two_classes(sizes=(3, 0))
    reset_outages()
    if away == "add says no":  # lms.cache: False while Redis is away
        settings.CACHES = {
            "default": {
                "BACKEND": "lms.cache.ResilientRedisCache",
                "LOCATION": CLOSED_REDIS,
            }
        }
    else:
        monkeypatch.setattr(outbox, "cache", RaisingCache())
    try:
        for student in students:
            act(student, course, lesson)
        rows = list(recounts())
        assert [row_id for row_id, _task in handed] == [row.pk for row in rows]
        assert run(handed[0]) == f"done ({len(rows)} requests)"
        assert [run(job) for job in handed[1:]] == ["done already"] * (len(rows) - 1)
    finally:
        reset_outages()
    everyone_agrees()


@pytest.mark.django_db
def test_a_lost_job_holds_the_marker_until_it_lapses_and_resume_recovers_its_rows(
    course_with_lesson,
    handed,
    monkeypatch,
    act,
):
    course, lesson = course_with_lesson
    students = two_classes(sizes=(3, 0))
    monkeypatch.setattr(outbox, "MARKER_SECONDS", 1)
    act(students[0], course, lesson)
    assert len(handed) == 1
    handed.clear()  # the worker died with it, or Redis lost it
    act(students[1], course, lesson)
    assert handed == []  # the marker the lost job set still holds
    time.sleep(1.1)
    # It lapsed: a later commit queues a job (lost too, say).
    act(students[2], course, lesson)
    assert len(handed) == 1
    handed.clear()
    # Rows nobody's job claimed wait for resume_outbox: one job for them all.
    result = outbox_resume(older_than=timezone.timedelta(0))
    assert result.handed_over == recounts().count() == 6  # opened, completed
    assert result.jobs == len(handed) == 1
    assert handed == [(recounts().order_by("pk")[0].pk, TASK)]
    assert run(handed[0]) == f"done ({result.handed_over} requests)"
    everyone_agrees()


@pytest.mark.django_db
def test_resume_gives_a_batched_tasks_rows_one_job_and_other_rows_one_each(
    course_with_lesson,
    handed,
    monkeypatch,
    act,
):
    course, lesson = course_with_lesson
    students = two_classes(sizes=(4, 0))
    for student in students:
        act(student, course, lesson)
    handed.clear()  # every job lost
    others = [outbox.outbox_add(family_digests_send_task) for _ in range(2)]
    waiting = recounts().count()
    assert waiting == 8  # each student opened the course, completed a lesson
    result = outbox_resume(older_than=timezone.timedelta(0))
    assert (result.handed_over, result.jobs, result.left_waiting) == (10, 3, 0)
    assert sorted(handed) == sorted(
        [(recounts().order_by("pk")[0].pk, TASK)] + [(row.pk, "") for row in others]
    )

    # The queue refuses the second job: the rows not handed over are counted.
    handed.clear()
    calls = []

    def refuse_after_one(row_id, *, using, task=""):
        calls.append(row_id)
        if len(calls) > 1:
            raise QueueUnavailable("Connection refused")
        handed.append((row_id, task))

    monkeypatch.setattr(outbox, "_hand_over", refuse_after_one)
    result = outbox_resume(older_than=timezone.timedelta(0))
    assert (result.handed_over, result.jobs, result.left_waiting) == (8, 1, 2)
    assert handed == [(recounts().order_by("pk")[0].pk, TASK)]
    assert "Connection refused" in result.error


@pytest.mark.django_db
def test_a_failed_batch_runs_every_row_it_would_have_served_alone(
    course_with_lesson,
    handed,
    monkeypatch,
    act,
):
    course, lesson = course_with_lesson
    for student in two_classes(sizes=(3, 0)):
        act(student, course, lesson)
    assert len(handed) == 1

    def broken(claim, *, using):
        claim()
        raise RuntimeError("batch broken")

    monkeypatch.setattr(summary_module, "summary_run_recounts", broken)
    assert run(handed[0]) == "done"
    everyone_agrees()


@pytest.mark.django_db
def test_the_marker_adds_no_query_to_the_learners_request(
    course_with_lesson,
    handed,
    settings,
    act,
):
    course, lesson = course_with_lesson
    students = two_classes(sizes=(4, 0))
    counts = []
    for student, coalesce in zip(students, (False, False, True, True), strict=True):
        settings.LMS_OUTBOX_COALESCE = coalesce
        with CaptureQueriesContext(connection) as queries:
            act(student, course, lesson)
        counts.append(len(queries))
    assert len(handed) == 2 * 2 + 1  # a job for each row, then one for both
    assert counts[1] == counts[2] == counts[3]


def test_only_a_queue_with_a_shared_cache_coalesces(settings):
    settings.LMS_OUTBOX_COALESCE = None
    locmem = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    redis = {
        "default": {
            "BACKEND": "lms.cache.ResilientRedisCache",
            "LOCATION": CLOSED_REDIS,
        }
    }
    immediate = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }
    queue = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    for caches, tasks, expected in [
        (locmem, immediate, False),  # the embedded default
        (locmem, queue, False),  # a cache per process: workers cannot see it
        (redis, immediate, False),  # in-process tasks: nothing to save
        (redis, queue, True),
    ]:
        settings.CACHES, settings.TASKS = caches, tasks
        assert outbox.coalescing() is expected, (caches, tasks)


@pytest.mark.django_db
def test_the_embedded_default_recounts_within_the_learners_request(
    course_with_lesson,
    settings,
    act,
):
    settings.LMS_OUTBOX_COALESCE = None
    course, lesson = course_with_lesson
    for student in two_classes(sizes=(3, 0)):
        act(student, course, lesson)
        everyone_agrees()  # each action recounted before it returned


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_request_committed_during_a_run_queues_a_job_of_its_own(
    course_with_lesson,
    handed,
    monkeypatch,
    act,
):
    course, lesson = course_with_lesson
    students = two_classes(sizes=(4, 0))
    for student in students[:3]:
        act(student, course, lesson)
    early = list(recounts())
    assert len(handed) == 1
    # The job has cleared the marker and holds the early rows.
    runner, first, release = paused_in_thread(
        monkeypatch, lambda: run(handed[0]), inside="_recount"
    )
    late, done = in_thread(lambda: act(students[3], course, lesson))
    late.join(timeout=60)
    assert done == [None]
    assert len(handed) == 2  # the late row's own job
    release.set()
    runner.join(timeout=60)
    assert first == [f"done ({len(early)} requests)"]
    assert {tuple(row.args[:2]) for row in recounts()} == {(students[3].pk, course.pk)}
    assert run(handed[1]).startswith("done (")
    everyone_agrees()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_rows_held_by_a_run_that_fails_are_run_alone_by_it(
    course_with_lesson,
    handed,
    monkeypatch,
    act,
):
    course, lesson = course_with_lesson
    for student in two_classes(sizes=(3, 0)):
        act(student, course, lesson)
    early = list(recounts())
    assert len(handed) == 1
    real = summary_module._recount
    failed = []

    def fails_once(*args, **kwargs):
        if not failed:
            failed.append(True)
            raise RuntimeError("deadlock, say")
        return real(*args, **kwargs)

    monkeypatch.setattr(summary_module, "_recount", fails_once)
    runner, first, release = paused_in_thread(
        monkeypatch, lambda: run(handed[0]), inside="_recount"
    )
    # Another job (resumed, say) finds every row held (SKIP LOCKED) and
    # leaves them to the run that holds them.
    assert outbox_run(row_id=early[1].pk, task=TASK) == "taken by another run"
    release.set()
    runner.join(timeout=60)
    assert first == ["done"]  # rolled back, then every row alone
    everyone_agrees()
