"""Every URL that shows or changes an object, tried by each role and by another
school's users: only the people the visibility rule allows get anything."""

from decimal import Decimal

import pytest
from django.urls import reverse

from lms.people.models import Role
from quizzes.services import attempt_start, attempt_submit
from tests.people.factories import (
    MembershipFactory,
    SchoolClassFactory,
    SchoolFactory,
    UserFactory,
)
from tests.quizzes.factories import QuizPageFactory, add_slots, essay, single_choice

pytestmark = pytest.mark.django_db

REFUSED = (302, 403, 404)


def _member(username, role, school_class=None, school=None, **kwargs):
    user = UserFactory(username=username, full_name=kwargs.pop("name", username))
    if role in (Role.STUDENT, Role.HOMEROOM_TEACHER):
        MembershipFactory(user=user, role=role, school_class=school_class)
    elif role == Role.DEPARTMENT_OFFICER:
        MembershipFactory(
            user=user,
            role=role,
            school=None,
            school_class=None,
            department=school.department,
        )
    else:
        MembershipFactory(
            user=user,
            role=role,
            school=school,
            school_class=None,
            school_year=kwargs.get("year"),
        )
    return user


@pytest.fixture
def world(make_course):
    a1 = SchoolClassFactory(name="10A1", school=SchoolFactory(code="TRUONGA"))
    a2 = SchoolClassFactory(name="10A2", school=a1.school, school_year=a1.school_year)
    b1 = SchoolClassFactory(
        name="10B1",
        school=SchoolFactory(code="TRUONGB", department=a1.school.department),
        school_year=a1.school_year,
    )
    people = {
        "owner": _member("owner", Role.STUDENT, a1, name="Chủ Bài Làm"),
        "classmate_other_class": _member("hs_a2", Role.STUDENT, a2, name="Lớp Bên"),
        "student_b": _member("hs_b", Role.STUDENT, b1, name="Trường Khác"),
        "homeroom_a1": _member("gvcn_a1", Role.HOMEROOM_TEACHER, a1),
        "homeroom_a2": _member("gvcn_a2", Role.HOMEROOM_TEACHER, a2),
        "homeroom_b1": _member("gvcn_b1", Role.HOMEROOM_TEACHER, b1),
        "teacher_a": _member(
            "gv_a", Role.TEACHER, school=a1.school, year=a1.school_year
        ),
        "admin_a": _member(
            "qt_a", Role.SCHOOL_ADMIN, school=a1.school, year=a1.school_year
        ),
        "admin_b": _member(
            "qt_b", Role.SCHOOL_ADMIN, school=b1.school, year=a1.school_year
        ),
        "collaborator_b": _member(
            "ctv_b", Role.COLLABORATOR, school=b1.school, year=a1.school_year
        ),
        "officer": _member("can_bo", Role.DEPARTMENT_OFFICER, school=a1.school),
    }
    course, _lessons = make_course(lessons=1)
    quiz = QuizPageFactory(parent=course, pass_mark=50)
    add_slots(quiz, [single_choice(), essay()])
    attempt = attempt_start(user=people["owner"], quiz=quiz)
    essay_key = attempt.snapshot[1]["key"]
    attempt = attempt_submit(
        attempt=attempt, answers={essay_key: "Bài tự luận của Chủ Bài Làm"}
    )
    open_attempt = attempt_start(user=people["owner"], quiz=quiz)
    return {
        "people": people,
        "course": course,
        "quiz": quiz,
        "attempt": attempt,
        "open_attempt": open_attempt,
        "essay": attempt.responses.get(key=essay_key),
        "other_class": a2,
        "b_class": b1,
    }


EVERYONE_BUT_OWNER = [
    "classmate_other_class",
    "student_b",
    "homeroom_a1",
    "homeroom_b1",
    "teacher_a",
    "admin_a",
    "admin_b",
    "collaborator_b",
    "officer",
]


@pytest.mark.parametrize("who", EVERYONE_BUT_OWNER)
def test_attempt_pages_answer_only_their_owner(client, world, who):
    open_id, done_id = world["open_attempt"].pk, world["attempt"].pk
    client.force_login(world["people"][who])
    assert client.get(reverse("lms_quizzes:attempt", args=[open_id])).status_code == 404
    save = client.post(
        reverse("lms_quizzes:save", args=[open_id]),
        data="{}",
        content_type="application/json",
    )
    assert save.status_code == 404
    submit = client.post(reverse("lms_quizzes:submit", args=[open_id]))
    assert submit.status_code == 404
    review = client.get(reverse("lms_quizzes:review", args=[done_id]))
    assert review.status_code == 404


def test_attempt_pages_work_for_their_owner(client, world):
    client.force_login(world["people"]["owner"])
    attempt_url = reverse("lms_quizzes:attempt", args=[world["open_attempt"].pk])
    review_url = reverse("lms_quizzes:review", args=[world["attempt"].pk])
    assert client.get(attempt_url).status_code == 200
    assert client.get(review_url).status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    urls = [
        reverse("lms_quizzes:attempt", args=[world["open_attempt"].pk]),
        reverse("lms_quizzes:review", args=[world["attempt"].pk]),
        reverse("lms_courses:my_learning"),
        reverse("lms_courses_learners", args=[world["course"].pk]),
        reverse("lms_quizzes_report", args=[world["quiz"].pk]),
        reverse("lms_quizzes_essay_grade", args=[world["essay"].pk]),
        reverse("lms_quizzes_import"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "next=" in response["Location"], url


# Staff reports: (role, names it must show, names it must never show).
REPORT_SCOPES = [
    ("homeroom_a1", {"Chủ Bài Làm"}, {"Lớp Bên", "Trường Khác"}),
    ("homeroom_b1", set(), {"Chủ Bài Làm", "Lớp Bên"}),
    ("admin_a", {"Chủ Bài Làm"}, {"Trường Khác"}),
    ("admin_b", set(), {"Chủ Bài Làm", "Lớp Bên"}),
    ("officer", {"Chủ Bài Làm"}, set()),
]


@pytest.mark.parametrize(("who", "shown", "hidden"), REPORT_SCOPES)
def test_course_and_quiz_reports_and_exports_follow_the_visibility_rule(
    client, world, who, shown, hidden
):
    client.force_login(world["people"][who])
    course_report = reverse("lms_courses_learners", args=[world["course"].pk])
    quiz_report = reverse("lms_quizzes_report", args=[world["quiz"].pk])
    pages = [
        client.get(course_report),
        client.get(quiz_report),
        client.get(quiz_report, {"export": "csv"}),
    ]
    for response in pages:
        body = (
            response.content.decode("utf-8-sig")
            if response["Content-Type"].startswith("text/csv")
            else response.content.decode()
        )
        assert response.status_code == 200
        for name in shown:
            assert name in body
        for name in hidden:
            assert name not in body


@pytest.mark.parametrize("who", ["owner", "student_b", "collaborator_b"])
def test_learners_never_reach_staff_pages(client, world, who):
    client.force_login(world["people"][who])
    urls = [
        reverse("lms_courses_learners", args=[world["course"].pk]),
        reverse("lms_courses_assign", args=[world["course"].pk]),
        reverse("lms_quizzes_report", args=[world["quiz"].pk]),
        reverse("lms_quizzes_essays"),
        reverse("lms_quizzes_essay_grade", args=[world["essay"].pk]),
        reverse("lms_quizzes_import"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in REFUSED, url
        assert "Chủ Bài Làm" not in response.content.decode(), url


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("homeroom_a1", True),
        ("admin_a", True),
        ("homeroom_a2", False),
        ("homeroom_b1", False),
        ("admin_b", False),
        ("teacher_a", False),
    ],
)
def test_only_teachers_who_see_the_learner_grade_the_essay(client, world, who, allowed):
    client.force_login(world["people"][who])
    url = reverse("lms_quizzes_essay_grade", args=[world["essay"].pk])
    queue = client.get(reverse("lms_quizzes_essays")).content.decode()
    assert ("Chủ Bài Làm" in queue) is allowed
    response = client.post(url, {"score": "3"})
    if allowed:
        assert response.status_code == 302
    else:
        assert response.status_code in REFUSED
        world["essay"].refresh_from_db()
        assert world["essay"].score is None or world["essay"].score != Decimal("3")


# Department officers manage their schools (selectors.schools_managed_by) and
# may assign courses too; teachers may not.
@pytest.mark.parametrize("who", ["homeroom_a1", "teacher_a", "owner"])
def test_only_school_admins_assign_courses(client, world, who):
    client.force_login(world["people"][who])
    url = reverse("lms_courses_assign", args=[world["course"].pk])
    response = client.post(url, {"classes": [world["other_class"].pk]})
    assert response.status_code in REFUSED
    assert not world["course"].class_assignments.exists()


def test_a_school_admin_cannot_assign_another_schools_class(client, world):
    client.force_login(world["people"]["admin_a"])
    url = reverse("lms_courses_assign", args=[world["course"].pk])
    response = client.post(url, {"classes": [world["b_class"].pk]})
    assert response.status_code == 200  # the form refuses the choice
    assert not world["course"].class_assignments.exists()


# Department officers maintain the Department's shared question library, so
# they may import into it (quizzes.policies); teachers may not.
@pytest.mark.parametrize("who", ["homeroom_a1", "teacher_a", "owner"])
def test_question_import_export_and_regrade_need_the_question_bank(client, world, who):
    client.force_login(world["people"][who])
    regrade = client.post(reverse("lms_quizzes_regrade", args=[world["quiz"].pk]))
    assert regrade.status_code in REFUSED
    assert not world["attempt"].regrades.exists()
    assert client.get(reverse("lms_quizzes_import")).status_code in REFUSED
    assert client.get(reverse("lms_quizzes_xlsx_template")).status_code in REFUSED


def test_a_department_officer_imports_into_the_department_library(client, world):
    client.force_login(world["people"]["officer"])
    page = client.get(reverse("lms_quizzes_import"))
    assert page.status_code == 200
    assert "Thư viện dùng chung của Sở" in page.content.decode()
