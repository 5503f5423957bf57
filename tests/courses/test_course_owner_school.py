"""A school's own course is for that school's people; the library's for all.

Before, a course in school B's catalogue with the audience "students" was
"meant for" every student of the Department and open to them: school A's
students saw it in My learning and school A's reports counted them.
"""

import pytest

from courses import progress
from courses.selectors import course_access_for, courses_meant_for
from lms.people.models import Role
from tests.courses.factories import CourseIndexPageFactory, CoursePageFactory
from tests.people.factories import (
    MembershipFactory,
    SchoolClassFactory,
    SchoolFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def schools(site_root):
    a, b = SchoolFactory(code="TRUONGA"), SchoolFactory(code="TRUONGB")
    own_b = CourseIndexPageFactory(
        parent=site_root, title="Khóa học của trường B", slug="truong-b", school=b
    )
    library = CourseIndexPageFactory(
        parent=site_root, title="Thư viện Sở", slug="thu-vien"
    )
    course_b = CoursePageFactory(parent=own_b, title="Nội quy trường B")
    shared = CoursePageFactory(parent=library, title="Luật An ninh mạng")
    students = {}
    for school in (a, b):
        user = UserFactory(username=f"hs-{school.code.lower()}")
        MembershipFactory(
            user=user, role=Role.STUDENT, school_class=SchoolClassFactory(school=school)
        )
        students[school.code] = user
    return {
        "a": students["TRUONGA"],
        "b": students["TRUONGB"],
        "course_b": course_b,
        "shared": shared,
    }


def test_a_schools_own_course_is_meant_for_its_own_students_only(schools):
    course_b, shared = schools["course_b"], schools["shared"]
    meant_a = {status.course.pk for status in courses_meant_for(user=schools["a"])}
    meant_b = {status.course.pk for status in courses_meant_for(user=schools["b"])}
    assert meant_a == {shared.pk}
    assert meant_b == {shared.pk, course_b.pk}


def test_another_schools_student_cannot_open_it(client, schools):
    course_b = schools["course_b"]
    assert not course_access_for(user=schools["a"], course=course_b)
    assert course_access_for(user=schools["b"], course=course_b)
    assert course_access_for(user=schools["a"], course=schools["shared"])
    client.force_login(schools["a"])
    assert client.get(course_b.url).status_code == 404
    assert not course_b.enrolments.exists()
    client.force_login(schools["b"])
    assert client.get(course_b.url).status_code == 200
    assert list(course_b.enrolments.values_list("user", flat=True)) == [schools["b"].pk]


def test_the_requirement_and_the_learners_filter_name_the_owner(schools):
    course_b = schools["course_b"]
    requirement = progress.Requirement([course_b])
    b_membership = schools["b"].memberships.get()
    a_membership = schools["a"].memberships.get()
    for membership, expected in ((a_membership, False), (b_membership, True)):
        assert (
            requirement.required(
                course_b.pk,
                school_id=membership.school_id,
                role=membership.role,
                school_year_id=membership.school_year_id,
                school_class_id=membership.school_class_id,
            )
            is expected
        )
    assert (
        progress.required_memberships_filter(course_b)["memberships__school_id"]
        == b_membership.school_id
    )
