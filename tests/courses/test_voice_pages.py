"""Learner pages speak to a pupil as "em" and to an adult as "bạn", never mixed.

The voice comes from the course's audience when a page is about a course,
else from the reader (lms.people.voice). These tests render the pages a
newcomer meets and look at the forms of address in the visible text.
"""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils.html import strip_tags

from certificates.models import Certificate
from certificates.services import certificate_notify
from courses.models import EnrolmentMode
from lms.mail.models import OutgoingEmail
from lms.people.models import Role
from lms.people.profiles import profile_of
from lms.people.views import locked_out

pytestmark = pytest.mark.django_db

# "em" and "bạn" as forms of address; "trẻ em" (children) and "bạn bè"
# (friends) are other words.
_EM = re.compile(r"(?<![\w])(?<!trẻ )em(?![\w])", re.IGNORECASE)
_BAN = re.compile(r"(?<![\w])bạn(?![\w])(?! bè)", re.IGNORECASE)


def visible_text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(strip_tags(html).split())


def assert_speaks_to_a_pupil(text: str) -> None:
    assert _EM.search(text), text
    assert not _BAN.findall(text), text


def assert_speaks_to_an_adult(text: str) -> None:
    assert _BAN.search(text), text
    assert not _EM.findall(text), text


@pytest.fixture
def collaborator(make_learner):
    return make_learner(username="ctv", role=Role.COLLABORATOR)


@pytest.fixture
def student_course(make_course):
    course, _lessons = make_course(
        lessons=1,
        title="An toàn trên mạng",
        summary="Những điều cơ bản.",
        objectives=[("objective", "Đặt mật khẩu mạnh.")],
        enrolment_mode=EnrolmentMode.SELF,
    )
    return course


@pytest.fixture
def adult_course(make_course):
    course, _lessons = make_course(
        lessons=1,
        title="Quản lý trang mạng của trường",
        summary="Những điều cơ bản.",
        objectives=[("objective", "Phân quyền quản trị trang.")],
        for_students=False,
        for_teachers=True,
        for_collaborators=True,
        enrolment_mode=EnrolmentMode.SELF,
    )
    return course


def test_a_course_for_pupils_says_em(client, student, student_course):
    client.force_login(student)
    response = client.get(student_course.url)
    assert response.status_code == 200
    text = visible_text(response)
    assert "Em sẽ học được gì" in text
    assert_speaks_to_a_pupil(text)


def test_a_course_for_adults_says_ban_to_a_collaborator(
    client, collaborator, adult_course
):
    client.force_login(collaborator)
    response = client.get(adult_course.url)
    assert response.status_code == 200
    text = visible_text(response)
    assert "Bạn sẽ học được gì" in text
    assert_speaks_to_an_adult(text)


def test_enrolling_is_confirmed_in_the_courses_voice(
    student, collaborator, student_course, adult_course
):
    for user, course, expected in (
        (student, student_course, "Em đã ghi danh. Chúc em học tốt!"),
        (collaborator, adult_course, "Bạn đã ghi danh. Chúc bạn học tốt!"),
    ):
        client = Client()
        client.force_login(user)
        response = client.post(course.url, {"action": "enrol"})
        assert response.status_code == 302
        assert [str(m) for m in get_messages(response.wsgi_request)] == [expected]


def test_an_empty_catalogue_speaks_to_its_reader(client, catalogue, make_learner):
    pupil = make_learner(username="hs1")
    collaborator = make_learner(username="ctv1", role=Role.COLLABORATOR)
    client.force_login(pupil)
    assert "Chưa có khóa học nào dành cho em." in visible_text(
        client.get(catalogue.url)
    )
    client.force_login(collaborator)
    assert "Chưa có khóa học nào dành cho bạn." in visible_text(
        client.get(catalogue.url)
    )


@pytest.mark.parametrize(
    ("voice", "expected"),
    [
        ("student", "Em chưa có giấy chứng nhận nào."),
        ("adult", "Bạn chưa có giấy chứng nhận nào."),
    ],
)
def test_the_certificate_panel_speaks_in_the_pages_voice(voice, expected):
    html = render_to_string(
        "lms_certificates/my_learning_panel.html",
        {"panel": {"certificates": [], "to_earn": []}, "voice": voice},
    )
    assert expected in html


def test_sign_in_pages_address_a_visitor_as_an_adult(client):
    text = visible_text(client.get(reverse("lms_people:login")))
    assert not _EM.findall(text), text
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    text = visible_text(locked_out(request))
    assert "Để bảo vệ bạn" in text
    assert_speaks_to_an_adult(text)


def test_a_pupil_with_the_schools_password_is_asked_as_em(client, student):
    profile = profile_of(student)
    profile.must_change_password = True
    profile.save()
    client.force_login(student)
    text = visible_text(client.get(reverse("lms_people:password_change")))
    assert "Em đang dùng mật khẩu ban đầu" in text
    assert_speaks_to_a_pupil(text)


def test_the_certificate_email_speaks_to_its_recipient(student, collaborator):
    for user, expected in ((student, "của em"), (collaborator, "của bạn")):
        user.email = f"{user.username}@example.edu.vn"
        user.save()
        certificate = Certificate(
            holder=user,
            name_as_printed="Nguyễn Văn A",
            course_title="An toàn trên mạng",
            serial="S1-2026-000001",
            code="abcdefghijkl",
        )
        OutgoingEmail.objects.all().delete()
        certificate_notify(certificate=certificate)  # queued, sent later
        message = OutgoingEmail.objects.get()
        assert expected in message.subject
        assert expected in message.body
