"""The mail queue is the Department's: school staff and learners are refused."""

import pytest
from django.urls import reverse

from lms.mail.models import OutgoingEmail
from lms.people.models import Role
from tests.people.factories import (
    DepartmentFactory,
    MembershipFactory,
    SchoolFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def given_up():
    return OutgoingEmail.objects.create(
        to="hs@example.edu.vn",
        subject="Nhắc nhở",
        body="…",
        status=OutgoingEmail.Status.FAILED,
        attempts=14,
    )


def _member(role):
    if role in (Role.STUDENT, Role.HOMEROOM_TEACHER):
        return MembershipFactory(role=role).user
    return MembershipFactory(role=role, school=SchoolFactory(), school_class=None).user


@pytest.mark.parametrize(
    "role", [Role.STUDENT, Role.HOMEROOM_TEACHER, Role.SCHOOL_ADMIN]
)
def test_school_people_may_not_see_or_resend_the_mail_queue(client, given_up, role):
    client.force_login(_member(role))
    assert client.get(reverse("lms_mail_outgoing")).status_code in (302, 403)
    client.post(reverse("lms_mail_resend", args=[given_up.pk]))
    given_up.refresh_from_db()
    assert given_up.status == OutgoingEmail.Status.FAILED


def test_a_department_officer_sees_and_resends(client, given_up):
    officer = MembershipFactory(
        role=Role.DEPARTMENT_OFFICER,
        school=None,
        school_class=None,
        department=DepartmentFactory(),
    ).user
    client.force_login(officer)
    page = client.get(reverse("lms_mail_outgoing"))
    assert page.status_code == 200 and "hs@example.edu.vn" in page.content.decode()
    client.post(reverse("lms_mail_resend", args=[given_up.pk]))
    given_up.refresh_from_db()
    assert given_up.status == OutgoingEmail.Status.PENDING


def test_anonymous_visitors_are_sent_to_sign_in(client, given_up):
    assert client.get(reverse("lms_mail_outgoing")).status_code == 302
