import pytest
from django.core.management import call_command
from django.urls import reverse

from lms.people.demo import demo_row_counts
from lms.people.models import Membership, Role, User

pytestmark = pytest.mark.django_db

DEMO_LOGINS = ["admin", "student", "teacher", "collaborator", "officer"]


def _all_counts():
    from wagtail.models import Page

    return {**demo_row_counts(), "Page": Page.objects.count()}


def test_seed_demo_twice_leaves_identical_row_counts():
    call_command("seed_demo", "--password", "Demo-pass-1", verbosity=0)
    first = _all_counts()
    call_command("seed_demo", "--password", "Demo-pass-1", verbosity=0)
    assert _all_counts() == first
    assert first["User"] >= 5 + 12


@pytest.mark.parametrize("username", DEMO_LOGINS)
def test_every_demo_role_can_sign_in(client, username):
    call_command("seed_demo", "--password", "Demo-pass-1", verbosity=0)
    response = client.post(
        reverse("lms_people:login"), {"username": username, "password": "Demo-pass-1"}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert client.get("/").status_code == 200


def test_demo_roles_are_what_the_readme_says():
    call_command("seed_demo", verbosity=0)
    roles = {
        username: set(
            Membership.objects.filter(user__username=username).values_list(
                "role", flat=True
            )
        )
        for username in DEMO_LOGINS
    }
    assert roles["admin"] == {Role.SCHOOL_ADMIN}
    assert User.objects.get(username="admin").is_superuser
    assert roles["teacher"] >= {Role.HOMEROOM_TEACHER}
    assert roles["student"] == {Role.STUDENT}
    assert roles["collaborator"] == {Role.COLLABORATOR}
    assert roles["officer"] == {Role.DEPARTMENT_OFFICER}
    students = Membership.objects.filter(role=Role.STUDENT)
    assert students.count() >= 13
    assert students.values("school_class").distinct().count() == 2


def test_demo_home_page_is_the_site_root(client):
    call_command("seed_demo", verbosity=0)
    response = client.get("/")
    assert response.status_code == 200
    assert "Công dân số" in response.content.decode()
