"""A course required every school year, as the learner and a verifier see it:
My learning lists it again with last year's result, and last year's
certificate reads "Hết hiệu lực" on the verification page. Screenshots in
var/e2e/ (recert-*), desktop (1280 px) and phone (360 px), in Vietnamese.
"""

import datetime

import pytest
from django.urls import reverse

from certificates.models import Certificate
from courses.models import CourseCompletion, CoursePage, LessonProgress
from lms.people.demo import demo_school_years
from lms.people.models import User
from quizzes.models import QuizAttempt, QuizGrade, QuizPage

from .conftest import PHONE
from .test_phone_fit import assert_fits

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _move_to_last_year(student) -> tuple[CourseCompletion, Certificate]:
    """The demo student's certified completion becomes last year's, and its
    course one required every school year."""
    _this_year, last_year = demo_school_years()
    certificate = (
        Certificate.objects.filter(holder=student, course__isnull=False)
        .select_related("completion")
        .order_by("issued_at")
        .first()
    )
    assert certificate is not None, "the demo student holds a certificate"
    completion = certificate.completion
    CoursePage.objects.filter(pk=certificate.course_id).update(required_every_year=True)
    year_ago = datetime.timedelta(days=365)
    CourseCompletion.objects.filter(pk=completion.pk).update(
        school_year=last_year,
        cycle=last_year.pk,
        completed_at=completion.completed_at - year_ago,
    )
    # What the student did for it happened last year too.
    course_rows = {"user": student, "course_id": certificate.course_id}
    LessonProgress.objects.filter(**course_rows).update(
        school_year=last_year, cycle=last_year.pk
    )
    QuizAttempt.objects.filter(**course_rows).update(school_year=last_year)
    QuizGrade.objects.filter(
        user=student, quiz__in=QuizPage.objects.child_of(certificate.course)
    ).update(school_year=last_year, cycle=last_year.pk)
    # The date printed on it (the snapshot) is last year's end too.
    snapshot = {
        **certificate.snapshot,
        "expires_on": f"{last_year.ends_on:%d/%m/%Y}",
    }
    Certificate.objects.filter(pk=certificate.pk).update(
        school_year=last_year,
        cycle=last_year.pk,
        expires_on=last_year.ends_on,
        snapshot=snapshot,
    )
    return completion, certificate


def test_yearly_course_again_in_my_learning_and_expired_certificate(browse):
    student = User.objects.get(username="student")
    completion, certificate = _move_to_last_year(student)
    _this_year, last_year = demo_school_years()

    for name, viewport in (("desktop", None), ("phone", PHONE)):
        b = browse(f"recert-{name}", viewport=viewport)
        b.sign_in("student")
        b.goto(reverse("lms_courses:my_learning"))
        body = b.page.inner_text("main")
        assert f"Năm học {last_year.name}: đã hoàn thành ngày" in body
        assert "Khóa học này được học lại mỗi năm học." in body
        assert "Hết hiệu lực" in body
        if name == "phone":
            assert_fits(b, "my-learning")
        else:
            b.shot("my-learning")
        b.goto(reverse("lms_certificates:verify", args=[certificate.code]))
        body = b.page.inner_text("main")
        assert "Giấy chứng nhận này đã hết hiệu lực" in body
        assert f"có hiệu lực đến ngày {last_year.ends_on:%d/%m/%Y}" in body
        if name == "phone":
            assert_fits(b, "verify")
        else:
            b.shot("verify")
