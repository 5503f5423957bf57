"""One outbox job serves every pending recount request (summary_run_recounts)."""

import threading

import pytest
from django.db import connection, transaction

from courses.services import course_open, lesson_complete
from lms import outbox
from lms.models import PendingTask
from lms.outbox import outbox_run
from lms.people.models import Role
from lms.reports import summary as summary_module
from lms.reports.selectors import ReportFilters
from lms.reports.summary import summary_rebuild
from lms.reports.tasks import summary_recount_task
from tests.courses.conftest import catalogue, make_course, site_root  # noqa: F401
from tests.people.factories import MembershipFactory, SchoolClassFactory, UserFactory

from .test_summary import assert_summary_equals_live, stored_rows


class Rollback(Exception):
    pass


def recounts():
    return PendingTask.objects.filter(task=summary_recount_task.module_path)


@pytest.fixture
def queue_away(settings):
    """Jobs are queued and never run: the recount requests wait as rows."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }


def two_classes(sizes=(5, 3)):
    first = SchoolClassFactory(name="10A1")
    second = SchoolClassFactory(
        name="10A2", school=first.school, school_year=first.school_year
    )
    students = []
    for klass, size in zip((first, second), sizes, strict=True):
        for _ in range(size):
            student = UserFactory()
            MembershipFactory(user=student, role=Role.STUDENT, school_class=klass)
            students.append(student)
    return students


def counting_group_counts(monkeypatch) -> list:
    calls = []
    real = summary_module.group_counts

    def counted(**kwargs):
        calls.append(kwargs["course_ids"])
        return real(**kwargs)

    monkeypatch.setattr(summary_module, "group_counts", counted)
    return calls


def one_by_one(rows) -> tuple:
    """The summary each request run alone, in order, would leave (rolled back)."""
    with pytest.raises(Rollback), transaction.atomic():
        for row in rows:
            summary_recount_task.call(*row.args, **row.kwargs)
        kept = stored_rows()
        raise Rollback
    return kept


@pytest.mark.django_db
def test_one_run_serves_every_pending_request_like_one_by_one_recounts(
    make_course,  # noqa: F811
    queue_away,
    monkeypatch,
):
    summary_rebuild()
    course, lessons = make_course(lessons=2)
    other, other_lessons = make_course(lessons=1)
    students = two_classes()
    for student in students:
        course_open(user=student, course=course)
        lesson_complete(user=student, lesson=lessons[0], course=course)
    course_open(user=students[0], course=other)
    lesson_complete(user=students[0], lesson=other_lessons[0], course=other)
    rows = list(recounts())
    assert len(rows) >= len(students) + 1
    expected = one_by_one(rows)
    assert stored_rows() != expected  # the requests are still to be served

    calls = counting_group_counts(monkeypatch)
    assert outbox_run(row_id=rows[-1].pk) == f"done ({len(rows)} requests)"

    assert not recounts().exists()
    assert stored_rows() == expected
    # Both classes for the course in one count, the other course's class in one.
    assert sorted(calls) == [[course.pk], [other.pk]]
    assert_summary_equals_live(UserFactory(is_superuser=True), ReportFilters())
    # The other rows' jobs find nothing left to do.
    assert outbox_run(row_id=rows[0].pk) == "done already"


@pytest.mark.django_db
def test_a_failing_batch_is_rolled_back_and_its_rows_run_alone(
    make_course,  # noqa: F811
    queue_away,
    monkeypatch,
):
    summary_rebuild()
    course, lessons = make_course(lessons=1)
    students = two_classes(sizes=(3, 0))
    for student in students:
        course_open(user=student, course=course)
        lesson_complete(user=student, lesson=lessons[0], course=course)
    rows = list(recounts())
    expected = one_by_one(rows)

    def broken(claim, *, using):
        claim()
        raise RuntimeError("batch broken")

    monkeypatch.setattr(summary_module, "summary_run_recounts", broken)
    # With one job for many rows (a marker, lms.outbox) the other rows have
    # no job of their own: this one runs them all, one by one.
    assert outbox_run(row_id=rows[1].pk) == "done"
    assert not recounts().exists()
    assert stored_rows() == expected
    assert_summary_equals_live(UserFactory(is_superuser=True), ReportFilters())


@pytest.mark.django_db
def test_a_request_the_batch_cannot_read_runs_alone_and_records_its_error(
    make_course,  # noqa: F811
    queue_away,
    monkeypatch,
):
    summary_rebuild()
    course, lessons = make_course(lessons=1)
    students = two_classes(sizes=(3, 0))
    for student in students:
        course_open(user=student, course=course)
        lesson_complete(user=student, lesson=lessons[0], course=course)
    bad = [
        PendingTask.objects.create(
            task=summary_recount_task.module_path, args=[1, 2, None, None, "x", "y"]
        )
        for _ in range(3)
    ]
    good = list(recounts().exclude(pk__in=[row.pk for row in bad]))
    # Claims of two: the rows left out are not claimed again (no endless
    # loop), and the claims go on until one comes back short.
    monkeypatch.setattr(outbox, "BATCH_ROWS", 2)
    assert outbox_run(row_id=good[0].pk) == f"done ({len(good)} requests)"
    assert list(recounts()) == bad
    for row in bad:
        row.refresh_from_db()
        assert row.attempts == 1 and "TypeError" in row.last_error
    with pytest.raises(TypeError):  # its own job fails with its error
        outbox_run(row_id=bad[0].pk)
    bad[0].refresh_from_db()
    assert bad[0].attempts == 2
    assert_summary_equals_live(UserFactory(is_superuser=True), ReportFilters())


def in_thread(job, name: str = "") -> tuple[threading.Thread, list]:
    result = []

    def run():
        try:
            result.append(job())
        except Exception as exc:  # noqa: BLE001 - checked by the caller
            result.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run, name=name or None)
    thread.start()
    return thread, result


def paused_in_thread(monkeypatch, job, *, inside: str, after: bool = False):
    """Run `job` in a thread that stops in `summary_module.<inside>`.

    Stops before the call, or `after` it (the rows it returns read, so the
    locks it takes are held). Returns when the thread has stopped: (thread,
    result list, release event).
    """
    name = f"paused-{inside}"
    reached, release = threading.Event(), threading.Event()
    real = getattr(summary_module, inside)

    def paused(*args, **kwargs):
        if threading.current_thread().name != name:
            return real(*args, **kwargs)
        found = real(*args, **kwargs) if after else None
        if after:
            list(found)
        reached.set()
        assert release.wait(timeout=60)
        return found if after else real(*args, **kwargs)

    monkeypatch.setattr(summary_module, inside, paused)
    thread, result = in_thread(job, name)
    assert reached.wait(timeout=60)
    return thread, result, release


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_request_written_during_a_run_is_not_lost(
    make_course,  # noqa: F811
    queue_away,
    monkeypatch,
):
    summary_rebuild()
    course, lessons = make_course(lessons=1)
    students = two_classes(sizes=(4, 0))
    for student in students:
        course_open(user=student, course=course)
    for student in students[:3]:
        lesson_complete(user=student, lesson=lessons[0], course=course)
    early = list(recounts())

    runner, first, release = paused_in_thread(
        monkeypatch, lambda: outbox_run(row_id=early[0].pk), inside="_recount"
    )
    # The run holds every early row: their jobs neither wait nor redo them.
    other, second = in_thread(lambda: outbox_run(row_id=early[1].pk))
    other.join(timeout=60)
    assert second == ["taken by another run"]
    # A learner completes while the run counts: their request commits.
    late, done = in_thread(
        lambda: lesson_complete(user=students[3], lesson=lessons[0], course=course)
    )
    late.join(timeout=60)
    assert not late.is_alive() and not isinstance(done[0], Exception)
    release.set()
    runner.join(timeout=60)
    assert first == [f"done ({len(early)} requests)"]

    left = list(recounts())
    assert {tuple(row.args[:2]) for row in left} == {(students[3].pk, course.pk)}
    assert outbox_run(row_id=left[0].pk) == f"done ({len(left)} requests)"
    assert not recounts().exists()
    everyone = UserFactory(is_superuser=True)
    assert_summary_equals_live(everyone, ReportFilters())
    kept = stored_rows()
    summary_rebuild()
    assert stored_rows() == kept


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_rebuild_during_a_run_waits_for_it_without_deadlock(
    make_course,  # noqa: F811
    queue_away,
    monkeypatch,
):
    summary_rebuild()
    course, lessons = make_course(lessons=1)
    students = two_classes(sizes=(3, 2))
    for student in students:
        course_open(user=student, course=course)
        lesson_complete(user=student, lesson=lessons[0], course=course)
    rows = list(recounts())

    runner, first, release = paused_in_thread(
        monkeypatch, lambda: outbox_run(row_id=rows[0].pk), inside="_recount"
    )
    rebuild, built = in_thread(summary_rebuild)
    release.set()
    runner.join(timeout=60)
    rebuild.join(timeout=60)
    assert not runner.is_alive() and not rebuild.is_alive()
    assert first == [f"done ({len(rows)} requests)"]
    assert not isinstance(built[0], Exception)
    assert not recounts().exists()
    assert_summary_equals_live(UserFactory(is_superuser=True), ReportFilters())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_run_started_during_a_rebuild_waits_for_it_without_deadlock(
    make_course,  # noqa: F811
    queue_away,
    monkeypatch,
):
    summary_rebuild()
    course, lessons = make_course(lessons=1)
    students = two_classes(sizes=(3, 0))
    for student in students:
        course_open(user=student, course=course)
        lesson_complete(user=student, lesson=lessons[0], course=course)
    rows = list(recounts())

    # Stopped once the rebuild holds its exclusive lock.
    rebuild, built, release = paused_in_thread(
        monkeypatch, summary_rebuild, inside="_recount_requests", after=True
    )
    # The run takes the rebuild's shared lock before any outbox row, so it
    # waits here rather than holding rows the rebuild is about to delete.
    runner, ran = in_thread(lambda: outbox_run(row_id=rows[0].pk))
    runner.join(timeout=2)
    release.set()
    rebuild.join(timeout=60)
    runner.join(timeout=60)
    assert not rebuild.is_alive() and not runner.is_alive()
    assert not isinstance(built[0], Exception), built
    assert ran == ["taken by another run"]  # the rebuild settled them all
    assert not recounts().exists()
    assert_summary_equals_live(UserFactory(is_superuser=True), ReportFilters())
