"""Downloading the stored PDF: the holder and staff who may see them, nobody else."""

import pytest

from certificates.models import Certificate, CertificateEvent
from lms.people.models import Role
from tests.people.factories import SchoolClassFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(certified_course, tuyet, complete):
    course, lessons = certified_course
    complete(tuyet, course, lessons)
    return Certificate.objects.get(holder=tuyet)


def url(certificate):
    return f"/certificates/{certificate.pk}/pdf/"


def test_anonymous_is_sent_to_sign_in(client, issued):
    response = client.get(url(issued))
    assert response.status_code == 302 and "next=" in response["Location"]


def test_the_holder_downloads_the_stored_file(client, issued, tuyet):
    client.force_login(tuyet)
    response = client.get(url(issued))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        f'filename="chung-nhan-nguyen-thi-anh-tuyet-{issued.serial}.pdf"'
        in response["Content-Disposition"]
    )
    body = b"".join(response.streaming_content)
    with issued.pdf.open("rb") as handle:
        assert body == handle.read()
    assert not CertificateEvent.objects.filter(action="downloaded").exists()


@pytest.mark.parametrize(
    ("role", "same_class", "allowed"),
    [
        (Role.HOMEROOM_TEACHER, True, True),
        (Role.SCHOOL_ADMIN, True, True),
        (Role.HOMEROOM_TEACHER, False, False),
        (Role.STUDENT, True, False),
        (Role.TEACHER, True, False),
        (Role.COLLABORATOR, True, False),
    ],
)
def test_staff_download_follows_the_visibility_rule(
    client, issued, make_learner, school_class, role, same_class, allowed
):
    target = (
        school_class
        if same_class
        else SchoolClassFactory(
            school=school_class.school, school_year=school_class.school_year
        )
    )
    viewer = make_learner(username=f"v-{role}", role=role, school_class_=target)
    client.force_login(viewer)
    response = client.get(url(issued))
    assert response.status_code == (200 if allowed else 404)
    logged = CertificateEvent.objects.filter(action="downloaded", actor=viewer)
    assert logged.count() == (1 if allowed else 0)


def test_department_officer_of_another_department_gets_404(
    client, issued, make_learner
):
    from tests.people.factories import DepartmentFactory, MembershipFactory, UserFactory

    officer = UserFactory(username="officer-x")
    MembershipFactory(
        user=officer,
        role=Role.DEPARTMENT_OFFICER,
        school_class=None,
        school=None,
        department=DepartmentFactory(),
    )
    client.force_login(officer)
    assert client.get(url(issued)).status_code == 404


def test_superuser_download_is_logged(client, issued, superuser):
    client.force_login(superuser)
    assert client.get(url(issued)).status_code == 200
    event = CertificateEvent.objects.get(action="downloaded")
    assert event.actor == superuser and event.certificate == issued
