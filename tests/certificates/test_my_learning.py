"""'My learning' shows certificates and what is left to earn one, in few queries."""

import pytest
from django.urls import reverse

from certificates.models import Certificate
from courses.services import course_open, lesson_complete
from tests.certificates.factories import CourseCertificateSettingFactory

pytestmark = pytest.mark.django_db


def test_my_learning_lists_the_certificate_and_what_is_left(
    client, certified_course, make_course, template, tuyet, complete
):
    course, lessons = certified_course
    complete(tuyet, course, lessons)
    other, other_lessons = make_course(lessons=3)
    CourseCertificateSettingFactory(course=other, template=template)
    course_open(user=tuyet, course=other)
    lesson_complete(user=tuyet, lesson=other_lessons[0], course=other)
    certificate = Certificate.objects.get()
    client.force_login(tuyet)
    html = client.get(reverse("lms_courses:my_learning")).content.decode()
    assert reverse("lms_certificates:download", args=[certificate.pk]) in html
    assert certificate.serial in html
    assert "Còn gì để nhận giấy chứng nhận" in html
    assert "Còn 2 bước bắt buộc" in html
    assert other_lessons[1].title in html and other_lessons[2].title in html
    assert "<script" not in html.split("<main", 1)[-1]  # no inline script


def test_my_learning_says_what_is_left_for_a_course_not_begun_yet(
    client, make_course, template, tuyet
):
    course, lessons = make_course(lessons=2)
    CourseCertificateSettingFactory(course=course, template=template)
    course_open(user=tuyet, course=course)  # enrolled, nothing opened
    client.force_login(tuyet)
    html = client.get(reverse("lms_courses:my_learning")).content.decode()
    assert "Chưa bắt đầu học" in html
    assert "Còn 2 bước bắt buộc" in html


def test_my_learning_without_certificates_shows_no_panel(client, make_course, student):
    course, lessons = make_course(lessons=1)
    course_open(user=student, course=course)
    client.force_login(student)
    html = client.get(reverse("lms_courses:my_learning")).content.decode()
    assert "certificates-title" not in html


@pytest.mark.parametrize("course_count", [1, 6])
def test_my_learning_with_certificates_query_budget(
    client,
    make_course,
    template,
    tuyet,
    complete,
    course_count,
    django_assert_max_num_queries,
):
    for index in range(course_count):
        course, lessons = make_course(lessons=2)
        CourseCertificateSettingFactory(course=course, template=template)
        if index % 2:
            course_open(user=tuyet, course=course)
            lesson_complete(user=tuyet, lesson=lessons[0], course=course)
        else:
            complete(tuyet, course, lessons)
    client.force_login(tuyet)
    url = reverse("lms_courses:my_learning")
    client.get(url)
    with django_assert_max_num_queries(15):
        response = client.get(url)
    html = response.content.decode()
    assert html.count("Tải PDF") == Certificate.objects.filter(holder=tuyet).count()
