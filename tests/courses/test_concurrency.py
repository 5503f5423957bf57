"""Two simultaneous "mark as done" requests record one completion (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from courses.models import CourseCompletion, LessonProgress
from courses.services import course_open, lesson_complete

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_mark_as_done_records_one_completion(make_course, student):
    course, lessons = make_course(lessons=1)
    course_open(user=student, course=course)
    barrier = threading.Barrier(2)
    errors = []

    def worker():
        try:
            barrier.wait()
            lesson_complete(user=student, lesson=lessons[0], course=course)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert LessonProgress.objects.filter(user=student).count() == 1
    assert CourseCompletion.objects.filter(user=student).count() == 1
