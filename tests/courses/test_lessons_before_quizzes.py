"""Courses that require their lessons before a quiz, and the lesson-done message."""

import pytest

from courses.models import CoursePage
from courses.selectors import course_status_for
from courses.services import course_open, lesson_complete
from quizzes.models import QuizAttempt
from quizzes.services import AttemptRefused, attempt_start
from tests.quizzes.factories import QuizPageFactory, add_slots, single_choice

pytestmark = pytest.mark.django_db


@pytest.fixture
def gated(make_course):
    """Two required lessons, an optional one, then the final quiz."""
    course, lessons = make_course(lessons=3, optional=(2,), lessons_before_quizzes=True)
    quiz = QuizPageFactory(parent=course)
    add_slots(quiz, [single_choice()])
    return course, lessons, quiz


def test_new_courses_require_their_lessons_before_quizzes():
    assert CoursePage().lessons_before_quizzes is True


def test_the_quiz_stays_locked_until_the_required_lessons_are_done(gated, student):
    course, lessons, quiz = gated
    course_open(user=student, course=course)
    step = course_status_for(user=student, course=course).step_for(quiz.pk)
    assert not step.available
    assert [left.page.pk for left in step.waiting_for] == [lessons[0].pk, lessons[1].pk]

    with pytest.raises(AttemptRefused) as refusal:
        attempt_start(user=student, quiz=quiz)
    assert refusal.value.reason == "lessons_first"

    lesson_complete(user=student, lesson=lessons[0], course=course)
    lesson_complete(user=student, lesson=lessons[1], course=course)
    # The optional lesson never holds the quiz back.
    step = course_status_for(user=student, course=course).step_for(quiz.pk)
    assert step.available and step.waiting_for == []
    assert attempt_start(user=student, quiz=quiz).pk


def test_a_course_without_the_rule_opens_its_quiz_at_once(make_course, student):
    course, _lessons = make_course(lessons=2, lessons_before_quizzes=False)
    quiz = QuizPageFactory(parent=course)
    add_slots(quiz, [single_choice()])
    assert attempt_start(user=student, quiz=quiz).pk


def test_starting_a_locked_quiz_by_post_is_refused(client, gated, student):
    course, _lessons, quiz = gated
    client.force_login(student)
    client.get(course.url)
    response = client.post(quiz.url, {"action": "start"}, follow=True)
    assert not QuizAttempt.objects.filter(user=student).exists()
    html = response.content.decode()
    assert "Em cần học xong các bài học trước bài kiểm tra này." in html


def test_the_quiz_page_lists_the_lessons_left(client, gated, student):
    course, lessons, quiz = gated
    client.force_login(student)
    client.get(course.url)
    html = client.get(quiz.url).content.decode()
    assert "Em còn 2 bài học cần học xong:" in html
    assert lessons[0].title in html and lessons[1].title in html
    assert "Bắt đầu làm bài" not in html


def test_the_course_page_shows_the_quiz_locked_with_what_is_left(
    client, gated, student
):
    course, lessons, quiz = gated
    client.force_login(student)
    html = client.get(course.url).content.decode()
    quiz_row = html[html.index(quiz.title) :]
    quiz_row = quiz_row[: quiz_row.index("</li>")]
    assert "Mở khi em học xong 2 bài này:" in quiz_row
    assert lessons[0].title in quiz_row and lessons[1].title in quiz_row
    assert f'href="{quiz.url}"' not in html


def test_marking_a_lesson_done_confirms_it_with_the_progress(client, gated, student):
    course, lessons, quiz = gated
    client.force_login(student)
    client.get(course.url)
    response = client.post(lessons[0].url, {"action": "complete"})
    assert response.status_code == 302
    assert response["Location"] == lessons[1].url
    landing = client.get(response["Location"])
    html = landing.content.decode()
    assert f"Em đã học xong “{lessons[0].title}”. Tiến độ: 1/3 bài." in html
    assert 'class="message message-success"' in html


def test_an_adult_course_speaks_to_the_reader_as_ban(client, make_course, make_learner):
    from lms.people.models import Role

    teacher = make_learner(username="gv", role=Role.TEACHER)
    course, lessons = make_course(
        lessons=2, for_students=False, for_teachers=True, lessons_before_quizzes=True
    )
    client.force_login(teacher)
    client.get(course.url)
    response = client.post(lessons[0].url, {"action": "complete"}, follow=True)
    assert f"Bạn đã học xong “{lessons[0].title}”. Tiến độ: 1/2 bài." in (
        response.content.decode()
    )
