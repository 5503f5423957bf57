"""What the quiz result page learns about a course's certificate (courses hook)."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from certificates.models import Certificate
from courses.selectors import course_status_for
from courses.services import course_open, lesson_complete
from courses.views import course_certificate

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_a_completed_course_points_to_the_issued_certificate(
    certified_course, tuyet, complete
):
    course, lessons = certified_course
    complete(tuyet, course, lessons)
    certificate = Certificate.objects.get(holder=tuyet)
    status = course_status_for(user=tuyet, course=course)
    assert certificate.pdf  # rendered once the completion was committed
    assert course_certificate(_request(tuyet), status) == {
        "ready": True,
        "url": reverse("lms_certificates:download", args=[certificate.pk]),
    }


def test_a_completed_course_waiting_for_its_certificate_says_so(
    certified_course, tuyet
):
    course, lessons = certified_course
    # Completed without running the after-commit issue: not issued yet.
    course_open(user=tuyet, course=course)
    for lesson in lessons:
        lesson_complete(user=tuyet, lesson=lesson, course=course)
    status = course_status_for(user=tuyet, course=course)
    assert status.completed
    assert course_certificate(_request(tuyet), status) == {
        "ready": False,
        "url": reverse("lms_courses:my_learning"),
    }


def test_no_certificate_state_for_an_unfinished_course_or_one_without(
    certified_course, make_course, tuyet, complete
):
    course, lessons = certified_course
    course_open(user=tuyet, course=course)
    status = course_status_for(user=tuyet, course=course)
    assert course_certificate(_request(tuyet), status) is None
    plain, plain_lessons = make_course(lessons=1)
    complete(tuyet, plain, plain_lessons)
    status = course_status_for(user=tuyet, course=plain)
    assert status.completed
    assert course_certificate(_request(tuyet), status) is None
