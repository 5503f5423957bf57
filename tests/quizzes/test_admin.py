"""Teacher pages for quizzes (results, essays, import) within the visibility rule."""

import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from lms.people.models import Role
from quizzes.models import AttemptState
from quizzes.services import attempt_start, attempt_submit
from tests.people.factories import SchoolClassFactory
from tests.quizzes.factories import QuizPageFactory, add_slots, essay, single_choice

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz_with_attempts(make_course, make_learner):
    course, _lessons = make_course(lessons=0)
    quiz = QuizPageFactory(parent=course, pass_mark=50)
    questions = [single_choice() for _ in range(2)]
    add_slots(quiz, questions)
    mine = make_learner("mine", full_name='=HYPERLINK("x") Lê Văn Một')
    other = make_learner(
        "other",
        full_name="Học Sinh Lớp Khác",
        school_class_=SchoolClassFactory(name="12B"),
    )
    for user in (mine, other):
        attempt = attempt_start(user=user, quiz=quiz)
        answers = {
            q["key"]: next(
                c["key"] for c in q["choices"] if Decimal(c["fraction"]) == 1
            )
            for q in attempt.snapshot
        }
        attempt_submit(attempt=attempt, answers=answers)
    teacher = make_learner("gvcn", role=Role.HOMEROOM_TEACHER)
    return quiz, teacher


def test_teacher_report_shows_only_their_learners(client, quiz_with_attempts):
    quiz, teacher = quiz_with_attempts
    client.force_login(teacher)
    html = client.get(reverse("lms_quizzes_report", args=[quiz.pk])).content.decode()
    assert "Lê Văn Một" in html and "Học Sinh Lớp Khác" not in html
    assert "<svg" in html
    assert "Discrimination" in html or "phân biệt" in html


def test_report_exports_neutralise_formulas(client, quiz_with_attempts):
    quiz, teacher = quiz_with_attempts
    client.force_login(teacher)
    url = reverse("lms_quizzes_report", args=[quiz.pk])
    csv_text = client.get(url, {"export": "csv"}).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text and "Học Sinh Lớp Khác" not in csv_text
    xlsx = client.get(url, {"export": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_essay_queue_and_grading_only_for_the_right_teacher(
    client, make_course, make_learner
):
    course, _lessons = make_course(lessons=0)
    quiz = QuizPageFactory(parent=course)
    add_slots(quiz, [essay()])
    learner = make_learner("hs")
    attempt = attempt_start(user=learner, quiz=quiz)
    key = attempt.snapshot[0]["key"]
    attempt = attempt_submit(attempt=attempt, answers={key: "Em sẽ báo cô giáo."})
    response = attempt.responses.get(key=key)

    stranger = make_learner(
        "khac", role=Role.HOMEROOM_TEACHER, school_class_=SchoolClassFactory(name="11C")
    )
    client.force_login(stranger)
    assert (
        "Em sẽ báo cô giáo."
        not in client.get(reverse("lms_quizzes_essays")).content.decode()
    )
    url = reverse("lms_quizzes_essay_grade", args=[response.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"score": "5"}).status_code == 404

    teacher = make_learner("gvcn", role=Role.HOMEROOM_TEACHER)
    client.force_login(teacher)
    queue = client.get(reverse("lms_quizzes_essays")).content.decode()
    assert learner.lms_profile.full_name in queue
    assert client.post(url, {"score": "9"}).status_code == 200  # above the maximum
    response_page = client.post(url, {"score": "4", "comment": "Tốt"})
    assert response_page.status_code == 302
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.FINISHED and attempt.score == Decimal("4.00")


def test_learning_menu_groups_course_and_quiz_items(client, superuser):
    client.force_login(superuser)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    # The sidebar menu is a JSON blob with \u-escaped Vietnamese.
    props = re.search(r'id="wagtail-sidebar-props"[^>]*>(.*?)</script>', html, re.S)
    menu = json.dumps(json.loads(props.group(1)), ensure_ascii=False)
    learning = menu[menu.index("Học tập") :]
    for label in ("Ngân hàng câu hỏi", "Nhập câu hỏi", "Điều luật"):
        assert label in learning, label
