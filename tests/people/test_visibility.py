"""The one visibility rule, across several schools and school years."""

import pytest

from lms.people.models import Role
from lms.people.selectors import learner_is_visible_to, learners_visible_to
from tests.people.factories import (
    DepartmentFactory,
    MembershipFactory,
    SchoolClassFactory,
    SchoolFactory,
    SchoolYearFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Two schools of one department, one of another; two school years."""
    dept = DepartmentFactory(code="so-a")
    other_dept = DepartmentFactory(code="so-b")
    y23 = SchoolYearFactory(name="2023-2024")
    y24 = SchoolYearFactory(name="2024-2025")
    a = SchoolFactory(code="A", department=dept)
    b = SchoolFactory(code="B", department=dept)
    c = SchoolFactory(code="C", department=other_dept)
    a1 = SchoolClassFactory(school=a, school_year=y23, name="10A1")
    a2 = SchoolClassFactory(school=a, school_year=y23, name="10A2")
    a1_next = SchoolClassFactory(school=a, school_year=y24, name="11A1")
    b1 = SchoolClassFactory(school=b, school_year=y23, name="10B1")
    c1 = SchoolClassFactory(school=c, school_year=y23, name="10C1")

    def student(name, school_class):
        return MembershipFactory(
            user=UserFactory(username=name),
            role=Role.STUDENT,
            school_class=school_class,
        ).user

    w = {
        "years": (y23, y24),
        "a1_students": {student("a1s1", a1), student("a1s2", a1)},
        "a2_students": {student("a2s1", a2)},
        "b1_students": {student("b1s1", b1)},
        "c1_students": {student("c1s1", c1)},
        "a1_next_students": {student("a1n1", a1_next)},
    }
    homeroom = UserFactory(username="homeroom")
    MembershipFactory(user=homeroom, role=Role.HOMEROOM_TEACHER, school_class=a1)
    w["homeroom"] = homeroom
    admin = UserFactory(username="admin_a")
    MembershipFactory(
        user=admin, role=Role.SCHOOL_ADMIN, school=a, school_class=None, school_year=y23
    )
    w["admin_a"] = admin
    collaborator = UserFactory(username="collab_a")
    MembershipFactory(
        user=collaborator,
        role=Role.COLLABORATOR,
        school=a,
        school_class=None,
        school_year=y23,
    )
    w["collab_a"] = collaborator
    officer = UserFactory(username="officer")
    MembershipFactory(
        user=officer,
        role=Role.DEPARTMENT_OFFICER,
        department=dept,
        school=None,
        school_class=None,
        school_year=y23,
    )
    w["officer"] = officer
    return w


def visible(viewer, **kwargs):
    return set(learners_visible_to(viewer=viewer, **kwargs))


def test_student_sees_only_themself(world):
    me = next(iter(world["a1_students"]))
    assert visible(me) == {me}


def test_homeroom_teacher_sees_exactly_their_class(world):
    teacher = world["homeroom"]
    assert visible(teacher) == world["a1_students"] | {teacher}


def test_homeroom_teacher_sees_nothing_of_a_class_they_no_longer_lead(world):
    teacher = world["homeroom"]
    assert not visible(teacher) & world["a1_next_students"]


def test_school_admin_sees_their_school_in_their_year(world):
    admin = world["admin_a"]
    expected = (
        world["a1_students"]
        | world["a2_students"]
        | {world["homeroom"], admin, world["collab_a"]}
    )
    assert visible(admin) == expected
    assert not visible(admin) & (world["b1_students"] | world["c1_students"])


def test_officer_sees_every_school_of_their_department(world):
    officer = world["officer"]
    seen = visible(officer)
    assert world["a1_students"] | world["a2_students"] | world["b1_students"] <= seen
    assert world["a1_next_students"] <= seen
    assert not seen & world["c1_students"]


def test_school_year_filter_limits_what_is_seen(world):
    y23, y24 = world["years"]
    officer = world["officer"]
    assert not visible(officer, school_year=y24) & world["a1_students"]
    assert world["a1_next_students"] <= visible(officer, school_year=y24)
    assert visible(world["admin_a"], school_year=y24) == {world["admin_a"]}


def test_collaborator_sees_only_themself(world):
    assert visible(world["collab_a"]) == {world["collab_a"]}


def test_superuser_sees_everyone(world):
    root = UserFactory(username="root", is_superuser=True)
    assert visible(root) >= world["c1_students"] | world["a1_students"]


def test_inactive_or_anonymous_viewer_sees_nobody(world):
    from django.contrib.auth.models import AnonymousUser

    assert not learners_visible_to(viewer=AnonymousUser()).exists()
    teacher = world["homeroom"]
    teacher.is_active = False
    teacher.save()
    assert visible(teacher) == {teacher}


def test_single_learner_check_matches_the_rule(world):
    student = next(iter(world["b1_students"]))
    assert learner_is_visible_to(viewer=world["officer"], learner=student)
    assert not learner_is_visible_to(viewer=world["admin_a"], learner=student)
    assert not learner_is_visible_to(viewer=world["homeroom"], learner=student)


def test_rule_costs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        list(learners_visible_to(viewer=world["officer"]))
