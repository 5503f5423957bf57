"""My learning for a new learner: the courses meant for them, and empty states
that say what to do and link to it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import ClassAssignment, EnrolmentMode
from courses.selectors import courses_meant_for
from courses.services import course_open
from tests.people.factories import SchoolYearFactory
from tests.quizzes.factories import QuizPageFactory

pytestmark = pytest.mark.django_db

MY_LEARNING = reverse("lms_courses:my_learning")


def _for_you(html: str) -> str:
    if 'id="for-you-title"' not in html:
        return ""
    start = html.index('id="for-you-title"')
    return html[start : html.index("</section>", start)]


def test_new_student_sees_the_courses_meant_for_them_with_links(
    client, make_course, student, school_class
):
    automatic, _ = make_course(lessons=1, title="Tự động")
    assigned, _ = make_course(
        lessons=1, title="Giao cho lớp", enrolment_mode=EnrolmentMode.ASSIGNED
    )
    ClassAssignment.objects.create(course=assigned, school_class=school_class)
    make_course(
        lessons=1, title="Lớp khác", enrolment_mode=EnrolmentMode.ASSIGNED
    )  # assigned to no class of theirs
    make_course(lessons=1, title="Tự đăng ký", enrolment_mode=EnrolmentMode.SELF)
    make_course(lessons=1, title="Cho giáo viên", for_students=False, for_teachers=True)
    other_year, _ = make_course(lessons=1, title="Năm khác")
    other_year.school_years.add(SchoolYearFactory(name="2001-2002"))
    other_year.save()  # a ParentalManyToManyField writes on save

    client.force_login(student)
    html = client.get(MY_LEARNING).content.decode()

    for_you = _for_you(html)
    assert "Khóa học dành cho em" in for_you
    assert f'href="{automatic.url}"' in for_you
    assert f'href="{assigned.url}"' in for_you
    for title in ("Lớp khác", "Tự đăng ký", "Cho giáo viên", "Năm khác"):
        assert title not in for_you
    assert 'href="#for-you-title"' in html


def test_a_course_once_opened_moves_out_of_courses_for_you(make_course, student):
    course, _ = make_course(lessons=1)
    assert [s.course for s in courses_meant_for(user=student)] == [course]
    course_open(user=student, course=course)
    assert courses_meant_for(user=student) == []


def test_learner_with_nothing_meant_for_them_is_sent_to_the_catalogue(
    client, catalogue, student
):
    client.force_login(student)
    html = client.get(MY_LEARNING).content.decode()
    assert _for_you(html) == ""
    body = html[html.index('<div class="lms">') :]
    catalogue_link = f'href="{reverse("lms_courses:catalogue")}"'
    assert body.count(catalogue_link) == 2  # no course in progress, none completed
    assert "Hãy chọn một khóa trong danh mục" in body


def test_adult_learner_is_addressed_as_ban(client, make_course, make_learner):
    from lms.people.models import Role

    make_course(lessons=1, for_students=False, for_teachers=True)
    teacher = make_learner(username="gv", role=Role.TEACHER)
    client.force_login(teacher)
    html = client.get(MY_LEARNING).content.decode()
    assert "Khóa học dành cho bạn" in _for_you(html)


def test_a_course_shows_the_closing_time_of_its_quiz_as_deadline(
    client, make_course, student
):
    course, _ = make_course(lessons=1)
    closes = timezone.now() + datetime.timedelta(days=10)
    QuizPageFactory(parent=course, closes_at=closes)
    client.force_login(student)
    html = client.get(MY_LEARNING).content.decode()
    assert "Hạn chót" in _for_you(html)
    # The page shows the local date (Asia/Ho_Chi_Minh, seven hours ahead).
    assert timezone.localtime(closes).date().isoformat() in _for_you(html)


def test_empty_completed_list_speaks_to_a_student_in_one_voice(
    client, catalogue, student
):
    client.force_login(student)
    html = client.get(MY_LEARNING).content.decode()
    completed = html[html.index('id="completed-title"') :]
    completed = completed[: completed.index("</section>")]
    assert "Em chưa hoàn thành khóa học nào." in completed
    assert "Bạn" not in completed


def test_my_learning_reads_the_learners_state_and_memberships_once(
    client, make_course, student, school_class, django_capture_on_commit_callbacks
):
    """Courses in progress, not begun, completed and meant for the learner:
    one query for the courses, one for the learner's state (their memberships
    and roles included, for the lists and the page's voice), however many
    courses."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from courses.services import lesson_complete

    begun, begun_lessons = make_course(lessons=2)
    course_open(user=student, course=begun)
    lesson_complete(user=student, lesson=begun_lessons[0], course=begun)
    enrolled, _ = make_course(lessons=1)
    course_open(user=student, course=enrolled)
    done, done_lessons = make_course(lessons=1)
    with django_capture_on_commit_callbacks(execute=True):
        course_open(user=student, course=done)
        lesson_complete(user=student, lesson=done_lessons[0], course=done)
    automatic, _ = make_course(lessons=1)
    assigned, _ = make_course(lessons=1, enrolment_mode=EnrolmentMode.ASSIGNED)
    ClassAssignment.objects.create(course=assigned, school_class=school_class)
    make_course(lessons=1, enrolment_mode=EnrolmentMode.SELF)
    client.force_login(student)
    client.get(MY_LEARNING)  # structures cached, as on a running site

    with CaptureQueriesContext(connection) as captured:
        html = client.get(MY_LEARNING).content.decode()

    assert f'href="{automatic.url}"' in _for_you(html)
    assert f'href="{assigned.url}"' in _for_you(html)
    assert "Khóa học dành cho em" in _for_you(html)  # the roles read once
    queries = [query["sql"] for query in captured.captured_queries]
    state = [sql for sql in queries if "'u' AS \"r_k\"" in sql]
    assert len(state) == 1, queries
    memberships = [
        sql for sql in queries if sql.startswith('SELECT "lms_people_membership"')
    ]
    assert memberships == []
    assert len(queries) <= 6, queries
