"""The people policy: year-bound powers, ranks and what one may grant."""

import datetime

import pytest
from django.utils import timezone

from lms.people import policies
from lms.people.models import Role
from tests.people.factories import (
    CURRENT_YEAR,
    DepartmentFactory,
    MembershipFactory,
    SchoolClassFactory,
    SchoolFactory,
    SchoolYearFactory,
    UserFactory,
    current_school_year_name,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    department = DepartmentFactory()
    school_a = SchoolFactory(department=department, code="TA")
    school_b = SchoolFactory(department=department, code="TB")
    this_year = SchoolYearFactory(name=CURRENT_YEAR)
    first = int(CURRENT_YEAR[:4]) - 1
    last_year = SchoolYearFactory(name=f"{first}-{first + 1}")
    class_a = SchoolClassFactory(school=school_a, school_year=this_year, name="10A1")
    class_b = SchoolClassFactory(school=school_b, school_year=this_year, name="10B1")

    def member(username, role, school=None, school_class=None, year=this_year, **kw):
        user = UserFactory(username=username)
        MembershipFactory(
            user=user,
            role=role,
            school=school,
            school_class=school_class,
            school_year=year,
            **kw,
        )
        return user

    w = {
        "school_a": school_a,
        "school_b": school_b,
        "this_year": this_year,
        "last_year": last_year,
        "admin_a": member("admin_a", Role.SCHOOL_ADMIN, school_a),
        "admin_b": member("admin_b", Role.SCHOOL_ADMIN, school_b),
        "admin_a_past": member(
            "admin_a_past", Role.SCHOOL_ADMIN, school_a, year=last_year
        ),
        "officer": member("officer", Role.DEPARTMENT_OFFICER, department=department),
        "student_a": member("student_a", Role.STUDENT, school_a, class_a),
        "student_b": member("student_b", Role.STUDENT, school_b, class_b),
        "teacher_a": member("teacher_a", Role.TEACHER, school_a),
        "superuser": UserFactory(username="root", is_superuser=True, is_staff=True),
    }
    return w


def test_current_school_year_name_follows_the_calendar():
    assert current_school_year_name(datetime.date(2026, 12, 4)) == "2026-2027"
    assert current_school_year_name(datetime.date(2027, 3, 1)) == "2026-2027"
    assert current_school_year_name(datetime.date(2027, 9, 1)) == "2027-2028"
    assert current_school_year_name(datetime.date(2027, 6, 1)) == "2027-2028"


def test_a_school_admin_manages_only_their_school(world):
    admin_a = world["admin_a"]
    assert policies.may_manage_school(user=admin_a, school=world["school_a"])
    assert not policies.may_manage_school(user=admin_a, school=world["school_b"])
    assert list(policies.schools_managed_by(viewer=admin_a)) == [world["school_a"]]


def test_powers_lapse_when_the_school_year_ends(world):
    past = world["admin_a_past"]
    assert not policies.may_manage_school(user=past, school=world["school_a"])
    assert not policies.schools_managed_by(viewer=past).exists()
    # ... but the year they held stays readable.
    assert world["last_year"] in policies.school_years_readable_by(
        user=past, school=world["school_a"]
    )
    assert world["this_year"] not in policies.school_years_readable_by(
        user=past, school=world["school_a"]
    )


def test_a_power_is_held_in_the_year_acted_on(world):
    admin_a = world["admin_a"]
    assert policies.may_manage_school(
        user=admin_a, school=world["school_a"], school_year=world["this_year"]
    )
    assert not policies.may_manage_school(
        user=admin_a, school=world["school_a"], school_year=world["last_year"]
    )


def test_a_year_lapses_on_the_day_after_it_ends(world):
    year = world["this_year"]
    admin_a = world["admin_a"]
    assert policies.may_manage_school(
        user=admin_a, school=world["school_a"], today=year.ends_on
    )
    assert not policies.may_manage_school(
        user=admin_a,
        school=world["school_a"],
        today=year.ends_on + datetime.timedelta(days=1),
    )


def test_an_officer_manages_every_school_of_the_department(world):
    officer = world["officer"]
    assert policies.may_manage_school(user=officer, school=world["school_a"])
    assert policies.may_manage_school(user=officer, school=world["school_b"])
    assert policies.is_department_manager(user=officer)
    assert not policies.is_department_manager(user=world["admin_a"])


def test_department_manager_is_asked_once_per_user_object(
    world, django_assert_num_queries
):
    # Seven admin menu items and hooks ask on every admin page: one query.
    officer, admin_a = world["officer"], world["admin_a"]
    with django_assert_num_queries(2):
        for _asked in range(3):
            assert policies.is_department_manager(user=officer)
            assert not policies.is_department_manager(user=admin_a)
    # A given day is not remembered: asked again.
    with django_assert_num_queries(1):
        assert policies.is_department_manager(user=officer, today=timezone.localdate())


def test_people_a_school_admin_may_manage(world):
    manageable = set(policies.people_manageable_by(actor=world["admin_a"]))
    assert world["student_a"] in manageable
    assert world["teacher_a"] in manageable
    for other in ("admin_a", "admin_b", "admin_a_past", "officer", "superuser"):
        assert world[other] not in manageable, other
    assert world["student_b"] not in manageable


def test_nobody_manages_an_account_above_or_beside_them(world):
    admin_a = world["admin_a"]
    assert not policies.may_manage_person(actor=admin_a, person=world["superuser"])
    assert not policies.may_manage_person(actor=admin_a, person=world["officer"])
    assert not policies.may_manage_person(actor=admin_a, person=world["admin_a"])
    assert policies.may_manage_person(actor=world["officer"], person=world["admin_a"])
    assert not policies.may_manage_person(
        actor=world["officer"], person=world["superuser"]
    )


def test_a_lapsed_admin_manages_nobody(world):
    assert not policies.people_manageable_by(actor=world["admin_a_past"]).exists()


def test_grantable_roles_are_below_ones_own(world):
    roles = policies.grantable_roles(
        actor=world["admin_a"],
        school=world["school_a"],
        school_year=world["this_year"],
    )
    assert Role.SCHOOL_ADMIN not in roles
    assert Role.DEPARTMENT_OFFICER not in roles
    assert Role.STUDENT in roles
    assert not policies.grantable_roles(
        actor=world["admin_a"],
        school=world["school_b"],
        school_year=world["this_year"],
    )
    assert not policies.grantable_roles(
        actor=world["admin_a"],
        school=world["school_a"],
        school_year=world["last_year"],
    )


def test_nobody_grants_themselves_a_role(world):
    admin_a = world["admin_a"]
    assert not policies.may_grant_membership(
        actor=admin_a,
        person=admin_a,
        role=Role.TEACHER,
        school=world["school_a"],
        school_year=world["this_year"],
    )
    assert policies.may_grant_membership(
        actor=admin_a,
        person=world["student_a"],
        role=Role.TEACHER,
        school=world["school_a"],
        school_year=world["this_year"],
    )


def test_a_school_admin_cannot_grant_a_role_in_another_school(world):
    assert not policies.may_grant_membership(
        actor=world["admin_a"],
        person=world["student_a"],
        role=Role.TEACHER,
        school=world["school_b"],
        school_year=world["this_year"],
    )


def test_ranks(world):
    assert policies.user_rank(world["superuser"]) == policies.Rank.SUPERUSER
    assert policies.user_rank(world["officer"]) == policies.Rank.DEPARTMENT_OFFICER
    assert policies.user_rank(world["admin_a"]) == policies.Rank.SCHOOL_ADMIN
    # A lapsed school admin acts as a member, but their account stays protected.
    assert policies.user_rank(world["admin_a_past"]) == policies.Rank.MEMBER
    assert policies.account_rank(world["admin_a_past"]) == policies.Rank.SCHOOL_ADMIN


def test_inactive_or_anonymous_users_manage_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not policies.may_manage_school(
        user=AnonymousUser(), school=world["school_a"]
    )
    officer = world["officer"]
    officer.is_active = False
    officer.save()
    assert not policies.may_manage_school(user=officer, school=world["school_a"])


def test_a_managers_memberships_are_read_once_for_the_admin_menu(
    world, django_assert_num_queries
):
    # The admin menu asks all three on every page; a school admin's answers
    # come from one read of their management roles.
    admin_a = world["admin_a"]
    with django_assert_num_queries(1):
        assert policies.managed_school_ids(user=admin_a) == {world["school_a"].pk}
        assert not policies.is_department_manager(user=admin_a)
        assert policies.managed_school_years(user=admin_a) == [
            (world["school_a"].pk, world["this_year"].pk)
        ]
    officer = world["officer"]
    assert policies.managed_school_ids(user=officer) == {
        world["school_a"].pk,
        world["school_b"].pk,
    }
    assert policies.is_department_manager(user=officer)
    # A lapsed school admin manages nothing now, and was never an officer.
    assert policies.managed_school_ids(user=world["admin_a_past"]) == frozenset()
    assert set(policies.managed_school_ids(user=world["officer"])) == set(
        policies.schools_managed_by(viewer=officer).values_list("pk", flat=True)
    )
