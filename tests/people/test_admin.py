"""People and organisations managed in the Wagtail admin, within scope."""

import unicodedata

import pytest
from django.urls import reverse

from lms.people.models import Role, SchoolClass, User
from tests.people.factories import (
    MembershipFactory,
    SchoolClassFactory,
    SchoolFactory,
    SchoolYearFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_schools():
    year = SchoolYearFactory()
    a, b = SchoolFactory(code="AAA"), SchoolFactory(code="BBB")
    a1 = SchoolClassFactory(school=a, school_year=year, name="10A1")
    b1 = SchoolClassFactory(school=b, school_year=year, name="10B1")
    admin = UserFactory(username="admin_a", full_name="Quản Trị A")
    MembershipFactory(
        user=admin,
        role=Role.SCHOOL_ADMIN,
        school=a,
        school_class=None,
        school_year=year,
    )
    ours = MembershipFactory(
        user=UserFactory(username="ours", full_name="Học Sinh A"), school_class=a1
    ).user
    theirs = MembershipFactory(
        user=UserFactory(username="theirs", full_name="Học Sinh B"), school_class=b1
    ).user
    return {
        "year": year,
        "a": a,
        "b": b,
        "a1": a1,
        "b1": b1,
        "admin": admin,
        "ours": ours,
        "theirs": theirs,
    }


def test_school_admin_lists_only_their_school(client, two_schools):
    client.force_login(two_schools["admin"])
    response = client.get("/admin/users/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Học Sinh A" in html
    assert "Học Sinh B" not in html


def test_school_admin_cannot_open_another_schools_person(client, two_schools):
    client.force_login(two_schools["admin"])
    assert (
        client.get(
            reverse("wagtailusers_users:edit", args=[two_schools["theirs"].pk])
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("wagtailusers_users:edit", args=[two_schools["ours"].pk])
        ).status_code
        == 200
    )
    assert client.get(
        reverse("wagtailusers_users:delete", args=[two_schools["theirs"].pk])
    ).status_code in (403, 404)


def test_school_admin_creates_a_person_with_a_full_name(client, two_schools):
    client.force_login(two_schools["admin"])
    form_page = client.get(reverse("wagtailusers_users:add")).content.decode()
    assert 'name="full_name"' in form_page
    assert 'name="is_superuser"' not in form_page
    assert "Moderators" not in form_page and "Quản trị trường" not in form_page
    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "username": "hs_moi",
            "full_name": unicodedata.normalize("NFD", "Võ Ngọc Diệp"),
            "email": "",
            "phone": "",
            "student_code": "HS9",
            "must_change_password": "on",
            "password1": "Mat-khau-ban-dau-1",
            "password2": "Mat-khau-ban-dau-1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="hs_moi")
    assert user.lms_profile.full_name == "Võ Ngọc Diệp"
    assert user.lms_profile.must_change_password
    assert not user.groups.exists() and not user.is_superuser


def test_school_admin_sees_and_edits_only_their_classes(client, two_schools):
    client.force_login(two_schools["admin"])
    html = client.get(reverse("lms_classes:index")).content.decode()
    assert "10A1" in html and "10B1" not in html
    b1 = two_schools["b1"]
    assert client.get(reverse("lms_classes:edit", args=[b1.pk])).status_code == 404
    response = client.post(
        reverse("lms_classes:add"),
        {
            "school": two_schools["b"].pk,
            "school_year": two_schools["year"].pk,
            "name": "10B9",
            "grade": "10",
        },
    )
    assert response.status_code == 200  # form error: not their school
    assert not SchoolClass.objects.filter(name="10B9").exists()
    response = client.post(
        reverse("lms_classes:add"),
        {
            "school": two_schools["a"].pk,
            "school_year": two_schools["year"].pk,
            "name": "10a9",
            "grade": "10",
        },
    )
    assert response.status_code == 302
    assert SchoolClass.objects.filter(school=two_schools["a"], name="10A9").exists()


def test_school_admin_assigns_roles_only_within_their_school(client, two_schools):
    client.force_login(two_schools["admin"])
    teacher = UserFactory(username="gv_moi", full_name="Giáo Viên Mới")
    MembershipFactory(
        user=teacher,
        role=Role.TEACHER,
        school=two_schools["a"],
        school_class=None,
        school_year=two_schools["year"],
    )
    response = client.post(
        reverse("lms_memberships:add"),
        {
            "user": teacher.pk,
            "role": Role.HOMEROOM_TEACHER,
            "school_year": two_schools["year"].pk,
            "school": two_schools["b"].pk,
            "school_class": two_schools["b1"].pk,
        },
    )
    assert response.status_code == 200
    response = client.post(
        reverse("lms_memberships:add"),
        {
            "user": teacher.pk,
            "role": Role.HOMEROOM_TEACHER,
            "school_year": two_schools["year"].pk,
            "school": two_schools["a"].pk,
            "school_class": two_schools["a1"].pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert teacher.memberships.filter(role=Role.HOMEROOM_TEACHER).exists()


def test_student_cannot_enter_the_admin(client, two_schools):
    client.force_login(two_schools["ours"])
    response = client.get("/admin/")
    assert response.status_code == 302
    assert (
        "/admin/login/" in response["Location"] or "dang-nhap" in response["Location"]
    )


def test_the_person_form_explains_the_username_in_vietnamese(client, two_schools):
    client.force_login(two_schools["admin"])
    page = client.get(reverse("wagtailusers_users:add"), HTTP_ACCEPT_LANGUAGE="vi")
    body = page.content.decode()
    assert "Chỉ gồm chữ cái, chữ số" in body
    assert "Letters, digits" not in body
