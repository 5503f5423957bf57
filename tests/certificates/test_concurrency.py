"""Concurrent issuance on PostgreSQL: gapless serials, never two certificates."""

import threading

import pytest
from django.db import connection

from certificates.models import Certificate, SerialCounter
from certificates.services import certificate_issue
from courses.services import course_open, lesson_complete

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_at_once(calls):
    barrier = threading.Barrier(len(calls))
    results, errors = [], []

    def run(call):
        try:
            barrier.wait()
            results.append(call())
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def finished(course, lessons, learners):
    for learner in learners:
        course_open(user=learner, course=course)
        for lesson in lessons:
            lesson_complete(user=learner, lesson=lesson, course=course)


def test_concurrent_issuance_gives_gapless_unique_serials(
    certified_course, make_learner, school_class
):
    course, lessons = certified_course
    learners = [make_learner(username=f"hs{index}") for index in range(8)]
    # Completing does not issue here: on_commit callbacks run, so auto-issue
    # would race with the test; the setting is switched off first.
    course.certificate_settings.update(auto_issue=False)
    finished(course, lessons, learners)
    calls = [
        (lambda learner=learner: certificate_issue(user=learner, course=course))
        for learner in learners
    ]
    results, errors = run_at_once(calls)
    assert errors == []
    numbers = sorted(Certificate.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 9))
    assert Certificate.objects.values("serial").distinct().count() == 8
    assert (
        SerialCounter.objects.get(school_code=school_class.school.code).last_number == 8
    )


def test_concurrent_issues_for_one_person_give_one_certificate(
    certified_course, make_learner
):
    course, lessons = certified_course
    course.certificate_settings.update(auto_issue=False)
    learner = make_learner(username="hs-mot")
    others = [make_learner(username=f"hs-khac{index}") for index in range(2)]
    finished(course, lessons, [learner, *others])
    calls = [lambda: certificate_issue(user=learner, course=course)] * 4 + [
        (lambda other=other: certificate_issue(user=other, course=course))
        for other in others
    ]
    results, errors = run_at_once(calls)
    assert errors == []
    assert Certificate.objects.filter(holder=learner).count() == 1
    mine = {r.certificate.pk for r in results if r.certificate.holder_id == learner.pk}
    assert mine == {Certificate.objects.get(holder=learner).pk}
    # The losers of the race gave their numbers back: still no gap.
    numbers = sorted(Certificate.objects.values_list("number", flat=True))
    assert numbers == [1, 2, 3]
