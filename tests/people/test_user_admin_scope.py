"""Wagtail's user views and bulk actions reach only the people one may manage.

School B's admin may see and change School B's students, and nobody above
or beside them: not a superuser, a Department officer, School A's admin or
School A's students, through any view or bulk action.
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from lms.people.models import Role, User
from lms.people.roles import ROLE_GROUPS
from tests.people.factories import (
    MembershipFactory,
    SchoolClassFactory,
    SchoolFactory,
    SchoolYearFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _staff(user, role, school=None, year=None, department=None):
    return MembershipFactory(
        user=user,
        role=role,
        school=school,
        school_class=None,
        school_year=year,
        department=department,
    ).user


@pytest.fixture
def people():
    year = SchoolYearFactory()
    a, b = SchoolFactory(code="AAA"), SchoolFactory(code="BBB")
    b.department = a.department
    b.save()
    a1 = SchoolClassFactory(school=a, school_year=year, name="10A1")
    b1 = SchoolClassFactory(school=b, school_year=year, name="10B1")
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    officer = _staff(
        UserFactory(username="officer"),
        Role.DEPARTMENT_OFFICER,
        year=year,
        department=a.department,
    )
    admin_a = _staff(UserFactory(username="admin_a"), Role.SCHOOL_ADMIN, a, year)
    admin_b = _staff(UserFactory(username="admin_b"), Role.SCHOOL_ADMIN, b, year)
    student_a = MembershipFactory(
        user=UserFactory(username="student_a"), school_class=a1
    ).user
    student_b = MembershipFactory(
        user=UserFactory(username="student_b"), school_class=b1
    ).user
    # Each above-or-beside account also appears at school B, so a scope by
    # "has a membership at my school" alone would reach them.
    for person in (root, officer, admin_a):
        MembershipFactory(
            user=person,
            role=Role.TEACHER,
            school=b,
            school_class=None,
            school_year=year,
        )
    return {
        "year": year,
        "root": root,
        "officer": officer,
        "admin_a": admin_a,
        "admin_b": admin_b,
        "student_a": student_a,
        "student_b": student_b,
    }


FOREIGN = ["root", "officer", "admin_a", "student_a"]


def _snapshot(users):
    return {
        u.pk: (u.username, u.password, u.is_active, u.is_superuser, set(u.groups.all()))
        for u in User.objects.filter(pk__in=[x.pk for x in users])
    }


@pytest.mark.parametrize("target", FOREIGN)
@pytest.mark.parametrize("view", ["edit", "delete", "history", "usage"])
def test_school_admin_cannot_reach_people_above_or_beside_them(
    client, people, target, view
):
    person = people[target]
    before = _snapshot([person])
    client.force_login(people["admin_b"])
    url = reverse(f"wagtailusers_users:{view}", args=[person.pk])
    assert client.get(url).status_code in (403, 404)
    response = client.post(
        url,
        {
            "username": "taken_over",
            "full_name": "X",
            "password1": "Chosen-pass-1234",
            "password2": "Chosen-pass-1234",
            "is_active": "",
            "is_superuser": "on",
        },
    )
    assert response.status_code in (403, 404)
    assert _snapshot([person]) == before


@pytest.mark.parametrize("target", [*FOREIGN, "student_b"])
def test_copying_an_account_is_not_offered(client, people, target):
    client.force_login(people["admin_b"])
    count = User.objects.count()
    response = client.post(
        f"/admin/users/copy/{people[target].pk}/",
        {
            "username": "copy",
            "full_name": "Copy",
            "password1": "Chosen-pass-1234",
            "password2": "Chosen-pass-1234",
            "is_superuser": "on",
        },
    )
    assert response.status_code == 404
    assert User.objects.count() == count
    assert not User.objects.filter(username="copy").exists()


def test_school_admin_edits_their_own_student(client, people):
    client.force_login(people["admin_b"])
    student = people["student_b"]
    url = reverse("wagtailusers_users:edit", args=[student.pk])
    assert client.get(url).status_code == 200


def test_school_admin_cannot_edit_themself_through_user_admin(client, people):
    client.force_login(people["admin_b"])
    url = reverse("wagtailusers_users:edit", args=[people["admin_b"].pk])
    assert client.get(url).status_code == 404


def test_group_field_offers_only_grantable_lms_groups(client, people):
    Group.objects.get_or_create(name="Moderators")
    client.force_login(people["admin_b"])
    student = people["student_b"]
    html = client.get(
        reverse("wagtailusers_users:edit", args=[student.pk])
    ).content.decode()
    assert ROLE_GROUPS[Role.TEACHER] in html
    assert "Moderators" not in html
    assert ROLE_GROUPS[Role.SCHOOL_ADMIN] not in html
    assert ROLE_GROUPS[Role.DEPARTMENT_OFFICER] not in html


def test_edit_posting_a_foreign_group_does_not_grant_it(client, people):
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    editors, _ = Group.objects.get_or_create(name="Editors")
    student = people["student_b"]
    student.groups.add(editors)
    before = set(student.groups.all())
    client.force_login(people["admin_b"])
    response = client.post(
        reverse("wagtailusers_users:edit", args=[student.pk]),
        {
            "username": student.username,
            "full_name": student.lms_profile.full_name,
            "is_active": "on",
            "is_superuser": "on",
            "groups": [moderators.pk],
        },
    )
    assert response.status_code == 200  # not a valid choice
    student.refresh_from_db()
    assert not student.is_superuser
    assert set(student.groups.all()) == before


def test_edit_keeps_groups_the_editor_may_not_take_away(client, people):
    editors, _ = Group.objects.get_or_create(name="Editors")
    teacher_group = Group.objects.get(name=ROLE_GROUPS[Role.TEACHER])
    student = people["student_b"]
    student.groups.add(editors)
    client.force_login(people["admin_b"])
    response = client.post(
        reverse("wagtailusers_users:edit", args=[student.pk]),
        {
            "username": student.username,
            "full_name": student.lms_profile.full_name,
            "is_active": "on",
            "groups": [teacher_group.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert set(student.groups.all()) == {editors, teacher_group}


def _bulk(action, ids):
    query = "&".join(f"id={i}" for i in ids)
    return f"/admin/bulk/lms_people/user/{action}/?{query}"


def test_bulk_deactivation_changes_only_manageable_people(client, people):
    client.force_login(people["admin_b"])
    ids = [people[k].pk for k in [*FOREIGN, "student_b"]]
    response = client.post(_bulk("set_active_state", ids), {"mark_as_active": "False"})
    assert response.status_code in (200, 302, 403)
    active = dict(User.objects.filter(pk__in=ids).values_list("username", "is_active"))
    assert active["student_b"] is False or response.status_code == 403
    assert all(active[people[k].username] for k in FOREIGN)


def test_bulk_with_id_all_means_all_i_may_manage(client, people):
    client.force_login(people["admin_b"])
    response = client.post(
        _bulk("set_active_state", ["all"]), {"mark_as_active": "False"}
    )
    assert response.status_code == 302
    inactive = set(
        User.objects.filter(is_active=False).values_list("username", flat=True)
    )
    assert inactive == {"student_b"}


def test_bulk_delete_removes_only_manageable_people(client, people):
    client.force_login(people["admin_b"])
    ids = [people[k].pk for k in [*FOREIGN, "student_b"]]
    client.post(_bulk("delete", ids))
    client.post(_bulk("delete", ["all"]))
    remaining = set(User.objects.values_list("username", flat=True))
    assert {"root", "officer", "admin_a", "student_a", "admin_b"} <= remaining


def test_bulk_assign_role_refuses_moderators_and_foreign_people(client, people):
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    teacher_group = Group.objects.get(name=ROLE_GROUPS[Role.TEACHER])
    foreign = [people[k] for k in [*FOREIGN, "admin_b"]]
    before = _snapshot(foreign)
    client.force_login(people["admin_b"])
    ids = [p.pk for p in foreign] + [people["student_b"].pk]
    client.post(_bulk("assign_role", ids), {"role": moderators.pk})
    assert not moderators.user_set.exists()
    client.post(_bulk("assign_role", ids), {"role": teacher_group.pk})
    assert teacher_group.user_set.filter(pk=people["student_b"].pk).exists()
    assert _snapshot(foreign) == before


def test_superuser_still_manages_everyone(client, people):
    client.force_login(people["root"])
    for key in ("officer", "admin_a", "student_a"):
        url = reverse("wagtailusers_users:edit", args=[people[key].pk])
        assert client.get(url).status_code == 200


def test_user_list_offers_no_edit_link_for_people_one_may_not_manage(client, people):
    client.force_login(people["admin_b"])
    html = client.get(reverse("wagtailusers_users:index")).content.decode()
    assert reverse("wagtailusers_users:edit", args=[people["student_b"].pk]) in html
    for key in ("root", "officer", "admin_a"):
        assert reverse("wagtailusers_users:edit", args=[people[key].pk]) not in html
