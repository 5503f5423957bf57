"""A recount a change needs survives a process dying before it was enqueued."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from courses.services import course_open
from lms.models import PendingTask
from lms.reports.models import CompletionSummary
from lms.reports.selectors import ReportFilters
from lms.reports.summary import group_key_of, summary_rebuild
from lms.reports.tasks import summary_recount_task

from .conftest import attempt
from .test_summary import assert_summary_equals_live

pytestmark = pytest.mark.django_db


def in_progress(world, user, course) -> int:
    """The summary's "in progress" for the learner's class and this course."""
    membership = user.memberships.get(school_class__isnull=False)
    return sum(
        row.in_progress
        for row in CompletionSummary.objects.filter(course=course)
        if group_key_of(row.group) == group_key_of(membership)
    )


def recounts():
    """The outbox rows that ask for a report recount."""
    return PendingTask.objects.filter(task=summary_recount_task.module_path)


def crash_on_enqueue(monkeypatch):
    def die(*args, **kwargs):
        raise RuntimeError("worker gone")

    # Task is a frozen dataclass: patch its class (the outbox's task too).
    monkeypatch.setattr(type(summary_recount_task), "enqueue", die)


def age_requests(minutes: int) -> None:
    recounts().update(requested_at=timezone.now() - timezone.timedelta(minutes=minutes))


@pytest.fixture
def lost_first_step(world, monkeypatch, django_capture_on_commit_callbacks):
    """s3's first quiz attempt committed, its recount never enqueued."""
    s3, k1 = world.people["s3"], world.courses["K1"]
    course_open(user=s3, course=k1)  # recounted in its own transaction
    before = in_progress(world, s3, k1)
    crash_on_enqueue(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        attempt(s3, k1, "40.00")
    monkeypatch.undo()
    return s3, k1, before


def test_a_recount_lost_between_commit_and_enqueue_stays_in_the_outbox(
    lost_first_step,
):
    s3, k1, before = lost_first_step
    assert [row.args[:2] for row in recounts()] == [[s3.pk, k1.pk]]
    assert in_progress(None, s3, k1) == before  # stale until someone acts


def test_resuming_the_outbox_fixes_the_figure_and_empties_it(
    world, lost_first_step, capsys
):
    s3, k1, before = lost_first_step
    age_requests(minutes=10)
    call_command("resume_report_recounts")
    assert "1" in capsys.readouterr().out
    assert in_progress(world, s3, k1) == before + 1
    assert not recounts().exists()
    assert_summary_equals_live(world.people["qt"], ReportFilters())


def test_young_requests_are_left_to_their_running_job(world, lost_first_step):
    s3, k1, before = lost_first_step
    call_command("resume_report_recounts")
    assert recounts().count() == 1
    assert in_progress(world, s3, k1) == before
    call_command("resume_report_recounts", "--stale-seconds", "0")
    assert in_progress(world, s3, k1) == before + 1


def test_a_recount_that_ran_leaves_no_outbox_row(
    world, django_capture_on_commit_callbacks
):
    s3, k1 = world.people["s3"], world.courses["K1"]
    with django_capture_on_commit_callbacks(execute=True):
        course_open(user=s3, course=k1)
        attempt(s3, k1, "40.00")
    assert not recounts().exists()


def test_a_rolled_back_change_leaves_no_outbox_row(world):
    from django.db import transaction

    s3, k1 = world.people["s3"], world.courses["K1"]
    with pytest.raises(RuntimeError), transaction.atomic():
        attempt(s3, k1, "40.00")
        assert recounts().count() == 1
        raise RuntimeError("rolled back")
    assert not recounts().exists()


def test_a_rebuild_settles_the_requests_it_counted(world, lost_first_step):
    s3, k1, before = lost_first_step
    summary_rebuild()
    assert not recounts().exists()
    assert in_progress(world, s3, k1) == before + 1
