"""A lesson, quiz or attempt under an unpublished or private ancestor is out of
reach: 404 to learners, and nothing is recorded."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import PageViewRestriction

from courses.models import CourseCompletion, Enrolment, LessonProgress
from courses.selectors import page_is_live_for_learners
from quizzes.models import QuizAttempt
from tests.quizzes.factories import QuizPageFactory, add_slots, single_choice

pytestmark = pytest.mark.django_db


def _nothing_recorded(student):
    assert not Enrolment.objects.filter(user=student).exists()
    assert not LessonProgress.objects.filter(user=student).exists()
    assert not CourseCompletion.objects.filter(user=student).exists()
    assert not QuizAttempt.objects.filter(user=student).exists()


@pytest.fixture
def course_with_quiz(make_course):
    course, lessons = make_course(lessons=1)
    quiz = QuizPageFactory(parent=course, pass_mark=70)
    add_slots(quiz, [single_choice()])
    return course, lessons[0], quiz


def test_unpublished_course_hides_its_lessons_and_quizzes(
    client, course_with_quiz, student
):
    course, lesson, quiz = course_with_quiz
    course.unpublish()
    client.force_login(student)
    assert client.get(lesson.url).status_code == 404
    assert client.post(lesson.url, {"action": "complete"}).status_code == 404
    assert client.get(quiz.url).status_code == 404
    assert client.post(quiz.url, {"action": "start"}).status_code == 404
    _nothing_recorded(student)


def test_unpublished_catalogue_hides_its_courses(client, course_with_quiz, student):
    course, lesson, quiz = course_with_quiz
    course.get_parent().unpublish()
    client.force_login(student)
    for url in (course.url, lesson.url, quiz.url):
        assert client.get(url).status_code == 404
    assert client.post(lesson.url, {"action": "complete"}).status_code == 404
    _nothing_recorded(student)


def test_attempt_urls_answer_404_once_the_course_is_unpublished(
    client, course_with_quiz, student
):
    course, _lesson, quiz = course_with_quiz
    client.force_login(student)
    client.post(quiz.url, {"action": "start"})
    attempt = QuizAttempt.objects.get(user=student)
    course.unpublish()
    assert_attempt_refused(client, attempt)


def test_course_restricted_to_a_group_hides_its_lessons_from_others(
    client, course_with_quiz, student
):
    course, lesson, quiz = course_with_quiz
    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="Nhóm riêng"))
    client.force_login(student)
    # Wagtail's own check refuses the page itself; the quiz start refuses too.
    assert client.get(lesson.url).status_code in (302, 403, 404)
    assert client.post(quiz.url, {"action": "start"}).status_code in (302, 403, 404)
    _nothing_recorded(student)
    assert not page_is_live_for_learners(quiz)


def test_live_page_under_live_ancestors_is_reachable(course_with_quiz):
    _course, lesson, quiz = course_with_quiz
    assert page_is_live_for_learners(lesson)
    assert page_is_live_for_learners(quiz)


@pytest.mark.parametrize("blocker", ["unpublished catalogue", "private course"])
def test_attempt_urls_read_their_quiz_reachability_with_the_attempt(
    client, course_with_quiz, student, blocker
):
    """The attempt's own query says whether its quiz is still reachable
    (courses.selectors.page_blockers): an ancestor unpublished or restricted
    keeps it out as the separate check did."""
    course, _lesson, quiz = course_with_quiz
    client.force_login(student)
    client.post(quiz.url, {"action": "start"})
    attempt = QuizAttempt.objects.get(user=student)
    url = reverse("lms_quizzes:attempt", args=[attempt.pk])
    assert client.get(url).status_code == 200
    if blocker == "unpublished catalogue":
        course.get_parent().unpublish()
    else:
        restriction = PageViewRestriction.objects.create(
            page=course, restriction_type=PageViewRestriction.GROUPS
        )
        restriction.groups.add(Group.objects.create(name="Nhóm riêng"))
    assert_attempt_refused(client, attempt)


def assert_attempt_refused(client, attempt):
    """Every URL of `attempt` answers 404 and nothing is submitted."""
    for name in ("attempt", "review"):
        url = reverse(f"lms_quizzes:{name}", args=[attempt.pk])
        assert client.get(url).status_code == 404
    for name in ("save", "submit"):
        url = reverse(f"lms_quizzes:{name}", args=[attempt.pk])
        assert client.post(url, {}).status_code == 404
    attempt.refresh_from_db()
    assert attempt.submitted_at is None
