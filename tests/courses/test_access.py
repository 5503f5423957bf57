"""Who may open which course and lesson, through the learner pages."""

import pytest

from courses.models import EnrolmentMode, LessonProgress
from courses.services import course_assign_to_classes
from lms.people.models import Role
from tests.courses.factories import CoursePageFactory
from tests.people.factories import SchoolClassFactory, SchoolYearFactory

pytestmark = pytest.mark.django_db


def test_anonymous_reads_catalogue_and_summary_but_signs_in_to_start(
    client, make_course
):
    course, lessons = make_course(lessons=1)
    catalogue_html = client.get(course.get_parent().url).content.decode()
    assert course.title in catalogue_html
    response = client.get(course.url)
    assert response.status_code == 200
    assert "dang-nhap" in response.content.decode()
    response = client.get(lessons[0].url)
    assert response.status_code == 302 and "dang-nhap" in response["Location"]


def test_learner_outside_the_audience_gets_404(client, make_course, make_learner):
    course, lessons = make_course(lessons=1, for_students=False, for_teachers=True)
    client.force_login(make_learner("hs"))
    assert client.get(course.url).status_code == 404
    assert client.get(lessons[0].url).status_code == 404
    assert course.title not in client.get(course.get_parent().url).content.decode()


def test_staff_course_is_open_to_teachers_and_collaborators(
    client, make_course, make_learner
):
    course, lessons = make_course(
        lessons=1, for_students=False, for_teachers=True, for_collaborators=True
    )
    for username, role in [("gv", Role.TEACHER), ("ctv", Role.COLLABORATOR)]:
        client.force_login(make_learner(username, role=role))
        assert client.get(lessons[0].url).status_code == 200


def test_course_outside_the_learners_school_year_gets_404(client, make_course, student):
    course, lessons = make_course(lessons=1)
    course.school_years.set([SchoolYearFactory(name="2030-2031")])
    course.save_revision().publish()
    client.force_login(student)
    assert client.get(course.url).status_code == 404
    assert client.get(lessons[0].url).status_code == 404


def test_drafts_are_never_shown_to_learners(client, make_course, student):
    course, lessons = make_course(lessons=2)
    lessons[1].unpublish()
    client.force_login(student)
    html = client.get(course.url).content.decode()
    assert lessons[0].title in html and lessons[1].title not in html
    assert client.get(f"{course.url}{lessons[1].slug}/").status_code == 404
    course.unpublish()
    assert client.get(course.url).status_code == 404


def test_assigned_course_only_for_assigned_classes(
    client, make_course, make_learner, school_class
):
    course, lessons = make_course(lessons=1, enrolment_mode=EnrolmentMode.ASSIGNED)
    other_school_class = SchoolClassFactory(name="10B1")
    ours = make_learner("ours")
    theirs = make_learner("theirs", school_class_=other_school_class)
    course_assign_to_classes(course=course, classes=[school_class], assigned_by=None)
    client.force_login(theirs)
    assert client.get(lessons[0].url).status_code == 404
    client.force_login(ours)
    assert client.get(lessons[0].url).status_code == 200
    assert course.enrolments.filter(user=ours).exists()


def test_lesson_view_marks_done_and_moves_on(client, make_course, student):
    course, lessons = make_course(lessons=2)
    client.force_login(student)
    html = client.get(lessons[0].url).content.decode()
    assert "Đánh dấu đã học xong" in html or "Mark as done" in html
    response = client.post(lessons[0].url, {"action": "complete"})
    assert response.status_code == 302 and response["Location"] == lessons[1].url
    assert LessonProgress.objects.get(user=student, lesson=lessons[0]).completed_at
    response = client.post(lessons[1].url, {"action": "complete"})
    assert response["Location"] == course.url


def test_sequential_course_locks_later_lessons(client, make_course, student):
    course, lessons = make_course(lessons=2, sequential=True)
    client.force_login(student)
    response = client.get(lessons[1].url)
    assert response.status_code == 302 and response["Location"] == course.url


def test_another_schools_learner_cannot_see_a_course_limited_by_year(
    client, make_course, make_learner
):
    year = SchoolYearFactory(name="2024-2025")
    course, lessons = make_course(lessons=1)
    course.school_years.set([year])
    course.save_revision().publish()
    other = make_learner("other", school_class_=SchoolClassFactory(name="11C1"))
    client.force_login(other)
    assert client.get(course.url).status_code == 404


def test_course_page_404s_are_not_catalogue_leaks(client, catalogue, student):
    hidden = CoursePageFactory(parent=catalogue, for_students=False, for_teachers=True)
    client.force_login(student)
    assert hidden.title not in client.get(catalogue.url).content.decode()
