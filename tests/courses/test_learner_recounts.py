"""What a learner's own request writes is recounted after the commit, through
the task queue: with a real queue no recount runs in the learner's request
(issue 19), and the figures still add up once the queue has run it."""

import pytest

from courses.services import course_open, lesson_complete
from lms.models import PendingTask
from lms.reports.models import CompletionSummary
from lms.reports.summary import summary_rebuild
from lms.reports.tasks import summary_recount_task

pytestmark = pytest.mark.django_db


def figures(course) -> tuple[int, int, int]:
    rows = CompletionSummary.objects.filter(course=course)
    return (
        sum(row.enrolled for row in rows),
        sum(row.in_progress for row in rows),
        sum(row.completed for row in rows),
    )


def recounts():
    return PendingTask.objects.filter(task=summary_recount_task.module_path)


def test_a_first_lesson_visit_asks_for_one_recount_run_after_the_commit(
    client, make_course, student, django_capture_on_commit_callbacks
):
    course, lessons = make_course(lessons=2)
    summary_rebuild()
    client.force_login(student)
    with django_capture_on_commit_callbacks() as callbacks:
        # Enrols (automatic course) and opens the lesson: one request.
        assert client.get(lessons[0].url).status_code == 200
    assert figures(course) == (0, 0, 0)  # nothing recounted in the request
    assert recounts().count() == 1  # one request for both rows
    for callback in callbacks:
        callback()
    assert figures(course) == (1, 1, 0)
    assert not recounts().exists()


def test_a_completion_is_recounted_after_the_commit(
    make_course, student, django_capture_on_commit_callbacks
):
    course, lessons = make_course(lessons=1)
    summary_rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        course_open(user=student, course=course)
    with django_capture_on_commit_callbacks() as callbacks:
        lesson_complete(user=student, lesson=lessons[0], course=course)
    assert figures(course) == (1, 0, 0)
    assert recounts().count() == 1
    for callback in callbacks:
        callback()
    assert figures(course) == (1, 0, 1)


def test_a_rolled_back_savepoint_takes_its_recount_request_along(
    make_course, student, django_capture_on_commit_callbacks
):
    """A later change in the same transaction asks again when the earlier
    request was rolled back with its savepoint."""
    from django.db import transaction

    course, lessons = make_course(lessons=1)
    summary_rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                course_open(user=student, course=course)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        assert not recounts().exists()
        course_open(user=student, course=course)
    assert figures(course) == (1, 0, 0)
