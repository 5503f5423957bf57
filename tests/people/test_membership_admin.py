"""Roles are given only below one's own, to others, where and when one manages."""

import pytest
from django.urls import reverse

from lms.people.models import Membership, Role
from tests.people.factories import (
    MembershipFactory,
    SchoolClassFactory,
    SchoolFactory,
    SchoolYearFactory,
    UserFactory,
    previous_school_year_name,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    year = SchoolYearFactory()
    next_first = int(year.name[:4]) + 1
    future = SchoolYearFactory(name=f"{next_first}-{next_first + 1}")
    last = SchoolYearFactory(name=previous_school_year_name(year))
    a, b = SchoolFactory(code="AAA"), SchoolFactory(code="BBB")
    admin = MembershipFactory(
        user=UserFactory(username="admin_a"),
        role=Role.SCHOOL_ADMIN,
        school=a,
        school_class=None,
        school_year=year,
    ).user
    teacher = MembershipFactory(
        user=UserFactory(username="teacher_a"),
        role=Role.TEACHER,
        school=a,
        school_class=None,
        school_year=year,
    ).user
    a1 = SchoolClassFactory(school=a, school_year=year, name="10A1")
    return {
        "year": year,
        "future": future,
        "last": last,
        "a": a,
        "b": b,
        "a1": a1,
        "admin": admin,
        "teacher": teacher,
    }


def _post(client, data):
    base = {"school_class": "", "department": ""}
    return client.post(reverse("lms_memberships:add"), {**base, **data})


@pytest.mark.parametrize("year_key", ["year", "future"])
def test_school_admin_cannot_give_themself_a_role(client, setup, year_key):
    client.force_login(setup["admin"])
    count = Membership.objects.count()
    for role in (Role.TEACHER, Role.SCHOOL_ADMIN):
        response = _post(
            client,
            {
                "user": setup["admin"].pk,
                "role": role,
                "school_year": setup[year_key].pk,
                "school": setup["a"].pk,
            },
        )
        assert response.status_code == 200
    assert Membership.objects.count() == count


@pytest.mark.parametrize("role", [Role.SCHOOL_ADMIN, Role.DEPARTMENT_OFFICER])
def test_school_admin_cannot_give_a_role_at_or_above_their_own(client, setup, role):
    client.force_login(setup["admin"])
    response = _post(
        client,
        {
            "user": setup["teacher"].pk,
            "role": role,
            "school_year": setup["year"].pk,
            "school": setup["a"].pk,
            "department": setup["a"].department_id,
        },
    )
    assert response.status_code == 200
    assert not setup["teacher"].memberships.filter(role=role).exists()


def test_roles_offered_are_below_ones_own(client, setup):
    client.force_login(setup["admin"])
    html = client.get(reverse("lms_memberships:add")).content.decode()
    assert f'value="{Role.TEACHER}"' in html
    assert f'value="{Role.SCHOOL_ADMIN}"' not in html
    assert f'value="{Role.DEPARTMENT_OFFICER}"' not in html


def test_school_admin_cannot_give_a_role_in_an_ended_year(client, setup):
    client.force_login(setup["admin"])
    response = _post(
        client,
        {
            "user": setup["teacher"].pk,
            "role": Role.COLLABORATOR,
            "school_year": setup["last"].pk,
            "school": setup["a"].pk,
        },
    )
    assert response.status_code == 200
    assert not setup["teacher"].memberships.filter(role=Role.COLLABORATOR).exists()


def test_school_admin_gives_a_teacher_a_role_this_year(client, setup):
    client.force_login(setup["admin"])
    response = _post(
        client,
        {
            "user": setup["teacher"].pk,
            "role": Role.COLLABORATOR,
            "school_year": setup["year"].pk,
            "school": setup["a"].pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert setup["teacher"].memberships.filter(role=Role.COLLABORATOR).exists()


def test_school_admin_cannot_change_or_delete_a_peers_membership(client, setup):
    peer = MembershipFactory(
        user=UserFactory(username="admin_a2"),
        role=Role.SCHOOL_ADMIN,
        school=setup["a"],
        school_class=None,
        school_year=setup["year"],
    )
    client.force_login(setup["admin"])
    for view in ("edit", "delete"):
        url = reverse(f"lms_memberships:{view}", args=[peer.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"role": Role.STUDENT}).status_code == 404
    peer.refresh_from_db()
    assert peer.role == Role.SCHOOL_ADMIN


def test_school_admin_cannot_delete_their_own_membership(client, setup):
    own = setup["admin"].memberships.get()
    client.force_login(setup["admin"])
    url = reverse("lms_memberships:delete", args=[own.pk])
    assert client.post(url).status_code == 404
    assert Membership.objects.filter(pk=own.pk).exists()


def test_copy_view_never_overwrites_the_original(client, setup):
    membership = setup["teacher"].memberships.get()
    client.force_login(setup["admin"])
    url = reverse("lms_memberships:copy", args=[membership.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "user": setup["admin"].pk,
            "role": Role.SCHOOL_ADMIN,
            "school_year": setup["future"].pk,
            "school": setup["a"].pk,
        },
    )
    assert response.status_code == 405
    membership.refresh_from_db()
    assert membership.user == setup["teacher"] and membership.role == Role.TEACHER


def test_lapsed_school_admin_cannot_give_roles(client, setup):
    lapsed = MembershipFactory(
        user=UserFactory(username="old_admin"),
        role=Role.SCHOOL_ADMIN,
        school=setup["a"],
        school_class=None,
        school_year=setup["last"],
    ).user
    MembershipFactory(
        user=setup["teacher"],
        role=Role.TEACHER,
        school=setup["a"],
        school_class=None,
        school_year=setup["last"],
    )
    client.force_login(lapsed)
    response = _post(
        client,
        {
            "user": setup["teacher"].pk,
            "role": Role.COLLABORATOR,
            "school_year": setup["year"].pk,
            "school": setup["a"].pk,
        },
    )
    assert response.status_code in (200, 403)
    assert not setup["teacher"].memberships.filter(role=Role.COLLABORATOR).exists()
