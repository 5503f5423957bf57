"""Query budgets for learner pages: flat whatever the number of lessons/courses."""

import pytest
from django.urls import reverse

from courses.services import course_open, lesson_complete

pytestmark = pytest.mark.django_db

MEANT_BUDGET = 11  # My learning of a learner with courses not opened yet


@pytest.mark.parametrize("lesson_count", [3, 15])
def test_course_page_query_budget(
    client, make_course, student, lesson_count, django_assert_max_num_queries
):
    course, lessons = make_course(lessons=lesson_count)
    course_open(user=student, course=course)
    lesson_complete(user=student, lesson=lessons[0], course=course)
    client.force_login(student)
    client.get(course.url)  # warm Wagtail's site cache
    with django_assert_max_num_queries(8):
        assert client.get(course.url).status_code == 200


@pytest.mark.parametrize("lesson_count", [3, 15])
def test_lesson_page_query_budget(
    client, make_course, student, lesson_count, django_assert_max_num_queries
):
    course, lessons = make_course(lessons=lesson_count)
    course_open(user=student, course=course)
    client.force_login(student)
    client.get(lessons[1].url)
    with django_assert_max_num_queries(8):
        assert client.get(lessons[1].url).status_code == 200


@pytest.mark.parametrize("course_count", [1, 8])
def test_my_learning_query_budget(
    client, make_course, student, course_count, django_assert_max_num_queries
):
    for _ in range(course_count):
        course, lessons = make_course(lessons=3)
        course_open(user=student, course=course)
        lesson_complete(user=student, lesson=lessons[0], course=course)
    client.force_login(student)
    url = reverse("lms_courses:my_learning")
    client.get(url)
    # The course statuses in one query (their structures cached), plus those
    # that look for courses meant for the learner and not opened yet.
    with django_assert_max_num_queries(13):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("<progress") == course_count


@pytest.mark.parametrize("course_count", [1, 8])
def test_my_learning_of_a_new_learner_query_budget(
    client, make_course, student, course_count, django_assert_max_num_queries
):
    for _ in range(course_count):
        make_course(lessons=3)
    client.force_login(student)
    url = reverse("lms_courses:my_learning")
    client.get(url)
    with django_assert_max_num_queries(MEANT_BUDGET):
        response = client.get(url)
    assert response.content.decode().count('class="course-card"') == course_count


@pytest.mark.parametrize("course_count", [1, 8])
def test_catalogue_query_budget(
    client, make_course, catalogue, student, course_count, django_assert_max_num_queries
):
    for _ in range(course_count):
        make_course(lessons=3)
    client.force_login(student)
    catalogue_url = catalogue.url
    client.get(catalogue_url)
    with django_assert_max_num_queries(7):
        assert client.get(catalogue_url).status_code == 200


@pytest.mark.parametrize("lesson_count", [3, 15])
def test_lesson_complete_query_budget(
    client, make_course, student, lesson_count, django_assert_max_num_queries
):
    """The course status is read once before and once after, not four times."""
    course, lessons = make_course(lessons=lesson_count)
    course_open(user=student, course=course)
    client.force_login(student)
    client.get(lessons[0].url)
    with django_assert_max_num_queries(LESSON_COMPLETE_BUDGET):
        response = client.post(lessons[0].url, {"action": "complete"})
    assert response.status_code == 302
    assert student.lms_lesson_progress.get(lesson=lessons[0]).completed_at


LESSON_COMPLETE_BUDGET = 17


# A learner's first visits: enrolling, opening a lesson. The report recount
# they ask for is one outbox row each, run after the commit (issue 19).
FIRST_COURSE_VISIT_BUDGET = 14
FIRST_LESSON_VISIT_BUDGET = 13


def test_first_course_visit_query_budget(
    client, make_course, student, django_assert_max_num_queries
):
    """Enrolling on the first visit (an automatic course) recounts no report
    figure in the request and reads the status once."""
    course, _lessons = make_course(lessons=3)
    client.force_login(student)
    client.get(reverse("lms_courses:my_learning"))  # warm the site cache
    with django_assert_max_num_queries(FIRST_COURSE_VISIT_BUDGET):
        assert client.get(course.url).status_code == 200
    assert student.lms_enrolments.filter(course=course).exists()


@pytest.mark.parametrize("enrolled", [True, False])
def test_first_lesson_visit_query_budget(
    client, make_course, student, enrolled, django_assert_max_num_queries
):
    """Opening a lesson for the first time (enrolling too, straight from a
    link): one insert per row, one recount request, no report work."""
    course, lessons = make_course(lessons=3)
    if enrolled:
        course_open(user=student, course=course)
    client.force_login(student)
    client.get(reverse("lms_courses:my_learning"))  # warm the site cache
    # + 4 to enrol: a savepoint around the insert, the insert, its report
    # recount request (one outbox row).
    budget = FIRST_LESSON_VISIT_BUDGET + (0 if enrolled else 4)
    with django_assert_max_num_queries(budget):
        assert client.get(lessons[0].url).status_code == 200
    assert student.lms_lesson_progress.filter(lesson=lessons[0]).exists()
