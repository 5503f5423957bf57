"""Staff pages for a course in the Wagtail admin."""

from unittest import mock

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import rich_text

from courses import admin_views
from courses.models import ClassAssignment, Enrolment, EnrolmentMode
from courses.services import course_open, lesson_complete
from lms.people.models import Role
from tests.people.factories import MembershipFactory, SchoolClassFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def school_admin(school_class):
    admin = UserFactory(username="qt", full_name="Quản Trị Trường")
    MembershipFactory(
        user=admin,
        role=Role.SCHOOL_ADMIN,
        school=school_class.school,
        school_class=None,
        school_year=school_class.school_year,
    )
    return admin


def test_learners_report_shows_status_within_scope(
    client, make_course, make_learner, school_admin
):
    course, lessons = make_course(lessons=2)
    done = make_learner("done", full_name="Lê Hoàn Thành")
    halfway = make_learner("halfway", full_name="Trần Đang Học")
    make_learner("idle", full_name="Phạm Chưa Học")
    elsewhere = make_learner(
        "elsewhere", full_name="Ngô Trường Khác", school_class_=SchoolClassFactory()
    )
    for user in (done, halfway, elsewhere):
        course_open(user=user, course=course)
    lesson_complete(user=done, lesson=lessons[0], course=course)
    lesson_complete(user=done, lesson=lessons[1], course=course)
    lesson_complete(user=halfway, lesson=lessons[0], course=course)

    client.force_login(school_admin)
    url = reverse("lms_courses_learners", args=[course.pk])
    html = client.get(url).content.decode()
    assert "Lê Hoàn Thành" in html and "100%" in html
    assert "Trần Đang Học" in html and "50%" in html
    assert "Phạm Chưa Học" in html
    assert "Ngô Trường Khác" not in html
    filtered = client.get(url, {"state": "completed"}).content.decode()
    assert "Lê Hoàn Thành" in filtered and "Trần Đang Học" not in filtered


def test_homeroom_teacher_sees_only_their_class(client, make_course, make_learner):
    course, _lessons = make_course(lessons=1)
    teacher = make_learner("gvcn", role=Role.HOMEROOM_TEACHER)
    make_learner("mine", full_name="Học Sinh Lớp Mình")
    make_learner(
        "other", full_name="Học Sinh Lớp Khác", school_class_=SchoolClassFactory()
    )
    client.force_login(teacher)
    html = client.get(
        reverse("lms_courses_learners", args=[course.pk])
    ).content.decode()
    assert "Học Sinh Lớp Mình" in html and "Học Sinh Lớp Khác" not in html


def test_school_admin_assigns_a_course_to_a_class(
    client, make_course, make_learner, school_admin, school_class
):
    course, _lessons = make_course(lessons=1, enrolment_mode=EnrolmentMode.ASSIGNED)
    student = make_learner("hs")
    other_class = SchoolClassFactory()
    client.force_login(school_admin)
    url = reverse("lms_courses_assign", args=[course.pk])
    assert client.post(url, {"classes": [other_class.pk]}).status_code == 200
    assert not ClassAssignment.objects.exists()
    response = client.post(url, {"classes": [school_class.pk]})
    assert response.status_code == 302
    assert ClassAssignment.objects.filter(
        course=course, school_class=school_class
    ).exists()
    assert Enrolment.objects.get(course=course, user=student).source == "assigned"


def test_teachers_cannot_assign(client, make_course, make_learner, school_class):
    course, _lessons = make_course(lessons=1)
    client.force_login(make_learner("gvcn", role=Role.HOMEROOM_TEACHER))
    url = reverse("lms_courses_assign", args=[course.pk])
    # Wagtail turns a refusal into a redirect to the dashboard with a message.
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    client.post(url, {"classes": [school_class.pk]})
    assert not ClassAssignment.objects.exists()


def test_course_edit_page_links_to_learners(client, make_course, school_admin):
    course, _lessons = make_course(lessons=1)
    school_admin.is_superuser = True
    school_admin.save()
    client.force_login(school_admin)
    html = client.get(
        reverse("wagtailadmin_pages:edit", args=[course.pk])
    ).content.decode()
    assert reverse("lms_courses_learners", args=[course.pk]) in html


def _can_add_course(client, user, catalogue) -> bool:
    client.force_login(user)
    url = reverse(
        "wagtailadmin_pages:add", args=["lms_courses", "coursepage", catalogue.pk]
    )
    return client.get(url).status_code == 200


def test_a_catalogue_created_in_the_admin_lets_its_school_admins_write_courses(
    client, site_root, superuser, school_admin, school_class, make_learner
):
    from courses.models import CourseIndexPage

    client.force_login(superuser)
    response = client.post(
        reverse(
            "wagtailadmin_pages:add",
            args=["lms_courses", "courseindexpage", site_root.pk],
        ),
        {
            "title": "Khóa học",
            "slug": "khoa-hoc",
            "school": school_class.school.pk,
            "intro": rich_text("<p>Các khóa học của trường.</p>"),
            "action-publish": "1",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    catalogue = CourseIndexPage.objects.get(slug="khoa-hoc")
    assert catalogue.school == school_class.school
    assert _can_add_course(client, school_admin, catalogue)
    teacher = make_learner("gv", role=Role.TEACHER)
    assert not _can_add_course(client, teacher, catalogue)
    other_admin = UserFactory(username="qt-khac")
    MembershipFactory(
        user=other_admin,
        role=Role.SCHOOL_ADMIN,
        school=SchoolClassFactory().school,
        school_class=None,
    )
    assert not _can_add_course(client, other_admin, catalogue)


def _usernames(response) -> list[str]:
    return [row.user.username for row in response.context["page_obj"]]


def test_learners_report_totals_and_each_state_filter(
    client, make_course, make_learner, school_admin
):
    course, lessons = make_course(lessons=2)
    done = make_learner("done", full_name="Lê Hoàn Thành")
    halfway = make_learner("halfway", full_name="Trần Đang Học")
    enrolled = make_learner("enrolled", full_name="Vũ Mới Ghi Danh")
    make_learner("idle", full_name="Phạm Chưa Học")
    for user in (done, halfway, enrolled):
        course_open(user=user, course=course)
    for lesson in lessons:
        lesson_complete(user=done, lesson=lesson, course=course)
    lesson_complete(user=halfway, lesson=lessons[0], course=course)
    client.force_login(school_admin)
    url = reverse("lms_courses_learners", args=[course.pk])
    response = client.get(url)
    assert response.context["totals"] == {
        "not_started": 1,
        "enrolled": 1,
        "in_progress": 1,
        "completed": 1,
    }
    expected = {
        "completed": ["done"],
        "in_progress": ["halfway"],
        "enrolled": ["enrolled"],
        "not_started": ["idle"],
    }
    for state, usernames in expected.items():
        rows = client.get(url, {"state": state}).context["page_obj"]
        assert [row.user.username for row in rows] == usernames, state
        assert all(row.state == state for row in rows), state


def test_learners_report_pages_in_the_database(
    client, make_course, make_learner, school_admin, django_assert_max_num_queries
):
    """Only the page shown is worked out: the queries do not grow with the
    learners, and a second page holds the rest."""
    course, _lessons = make_course(lessons=1)
    for number in range(130):
        make_learner(f"hs{number:03d}", full_name=f"Học Sinh {number:03d}")
    client.force_login(school_admin)
    url = reverse("lms_courses_learners", args=[course.pk])
    client.get(url)
    worked_out = []
    real = admin_views.course_learners_for

    def spy(**kwargs):
        rows = real(**kwargs)
        worked_out.append(len(rows))
        return rows

    with (
        mock.patch.object(admin_views, "course_learners_for", spy),
        # The admin menu asks one question per item it may show (four more
        # since the recomputed grades, mail queue and waiting tasks pages),
        # and one reads the school owning the course (whose people it is
        # meant for), one lists the school years to choose from; the page
        # itself stays flat however many learners it pages.
        django_assert_max_num_queries(36),
    ):
        first = client.get(url)
    assert worked_out == [100]
    second = client.get(url, {"p": 2})
    assert len(_usernames(first)) == 100 and len(_usernames(second)) == 30
    assert not set(_usernames(first)) & set(_usernames(second))
    assert first.context["totals"]["not_started"] == 130
