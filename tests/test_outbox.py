"""The outbox runs recorded work once the queue takes it, and keeps what fails."""

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from lms.models import PendingTask
from lms.outbox import MAX_ATTEMPTS, outbox_add, outbox_resume, outbox_run

pytestmark = pytest.mark.django_db
RAN = []


@task()
def note_task(value: str) -> None:
    RAN.append(value)


@task()
def failing_task() -> None:
    raise RuntimeError("broken")


@pytest.fixture(autouse=True)
def _clean():
    RAN.clear()


def test_work_runs_after_commit_and_leaves_no_row(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outbox_add(note_task, ["a"])
        assert RAN == []  # nothing runs before the commit
    assert RAN == ["a"]
    assert not PendingTask.objects.exists()


def test_rolled_back_work_is_never_recorded():
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_add(note_task, ["a"])
        raise RuntimeError("rolled back")
    assert not PendingTask.objects.exists()


def test_a_failing_task_keeps_its_row_with_the_error(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        row = outbox_add(failing_task)
    row.refresh_from_db()
    assert row.attempts == 1
    assert "broken" in row.last_error


def test_a_row_run_twice_does_its_work_once_it_is_gone():
    row = outbox_add(note_task, ["a"])
    assert outbox_run(row_id=row.pk) == "done"
    assert outbox_run(row_id=row.pk) == "done already"
    assert RAN == ["a"]


def test_resume_hands_over_old_rows_and_leaves_young_and_stuck_ones(capsys):
    young = outbox_add(note_task, ["young"])
    old = outbox_add(note_task, ["old"])
    stuck = outbox_add(note_task, ["stuck"])
    an_hour_ago = timezone.now() - timezone.timedelta(hours=1)
    PendingTask.objects.exclude(pk=young.pk).update(requested_at=an_hour_ago)
    PendingTask.objects.filter(pk=stuck.pk).update(attempts=MAX_ATTEMPTS)
    result = outbox_resume(older_than=timezone.timedelta(minutes=5))
    assert (result.handed_over, result.left_waiting, result.stuck) == (1, 0, 1)
    assert RAN == ["old"]
    assert set(PendingTask.objects.values_list("pk", flat=True)) == {
        young.pk,
        stuck.pk,
    }
    assert not PendingTask.objects.filter(pk=old.pk).exists()
    call_command("resume_outbox")
    assert "1" in capsys.readouterr().out  # the stuck one is reported
    call_command("resume_outbox", "--retry-failed")
    assert RAN == ["old", "stuck"]
    assert list(PendingTask.objects.all()) == [young]
