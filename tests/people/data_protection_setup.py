"""A learner with something in every app, a neighbour, and the staff around them."""

import datetime
from dataclasses import dataclass

from courses.services import course_open, lesson_complete
from lms.people.models import Consent, Role, User
from quizzes.models import QuizAttempt
from quizzes.services import attempt_start, attempt_submit, essay_grade
from tests.courses.factories import (
    CourseIndexPageFactory,
    CoursePageFactory,
    LessonPageFactory,
)
from tests.people.factories import (
    MembershipFactory,
    SchoolClassFactory,
    SchoolFactory,
    SchoolYearFactory,
    UserFactory,
)
from tests.quizzes.factories import QuizPageFactory, add_slots, essay, short_answer

ESSAY = "Em kể chuyện bí mật của gia đình em"
SHORT = "Câu trả lời riêng của Ngọc"
COMMENT = "Bài viết rất chân thành, cô khen Ngọc"
NEIGHBOUR_ESSAY = "Bài luận của bạn Khánh lớp bên"


@dataclass
class World:
    person: User
    neighbour: User
    admin: User
    other_admin: User
    teacher: User
    attempt: QuizAttempt
    course: object


def person_identifiers(person: User) -> list[str]:
    return [
        person.lms_profile.full_name,
        person.username,
        person.email,
        person.lms_profile.phone,
        person.lms_profile.student_code,
        person.lms_profile.birth_date.isoformat(),
        person.lms_profile.birth_date.strftime("%d/%m/%Y"),
        ESSAY,
        SHORT,
        COMMENT,
        "Trần Văn Bố Ngọc",  # the parent who signed the consent
    ]


def build_world(site_root) -> World:
    year = SchoolYearFactory()
    school = SchoolFactory(code="DPA")
    other_school = SchoolFactory(code="DPB")
    klass = SchoolClassFactory(school=school, school_year=year, name="10A1")
    other_class = SchoolClassFactory(school=other_school, school_year=year, name="10B1")

    def staff(username, name, role, where):
        user = UserFactory(username=username, full_name=name)
        if role == Role.HOMEROOM_TEACHER:
            MembershipFactory(user=user, role=role, school_class=where)
        else:
            MembershipFactory(
                user=user, role=role, school=where, school_class=None, school_year=year
            )
        return user

    admin = staff("qt_a", "Quản Trị Trường A", Role.SCHOOL_ADMIN, school)
    other_admin = staff("qt_b", "Quản Trị Trường B", Role.SCHOOL_ADMIN, other_school)
    teacher = staff("gvcn_a", "Cô Chủ Nhiệm", Role.HOMEROOM_TEACHER, klass)

    person = UserFactory(
        username="ngoc.tran",
        full_name="Trần Thị Bích Ngọc",
        email="ngoc.tran@example.vn",
        phone="0912345678",
        student_code="HS-778899",
        birth_date=datetime.date(2011, 3, 4),
    )
    MembershipFactory(user=person, school_class=klass)
    neighbour = UserFactory(
        username="khanh.le",
        full_name="Lê Minh Khánh",
        email="khanh@example.vn",
        student_code="HS-112233",
        birth_date=datetime.date(2010, 5, 6),
    )
    MembershipFactory(user=neighbour, school_class=other_class)
    for learner, giver in [(person, "Trần Văn Bố Ngọc"), (neighbour, "Lê Văn Bố")]:
        Consent.objects.create(
            learner=learner,
            given_by=Consent.GivenBy.PARENT,
            giver_name=giver,
            method=Consent.Method.PAPER_FORM,
            recorded_by=admin,
            note=f"Phiếu của {giver}",
        )

    catalogue = CourseIndexPageFactory(parent=site_root)
    course = CoursePageFactory(parent=catalogue, title="An toàn trên mạng")
    lesson = LessonPageFactory(parent=course, title="Bài 1: Mật khẩu")
    quiz = QuizPageFactory(parent=course, title="Kiểm tra cuối khóa")
    add_slots(quiz, [essay(), short_answer()])
    attempts = {}
    for learner, text in [(person, ESSAY), (neighbour, NEIGHBOUR_ESSAY)]:
        course_open(user=learner, course=course)
        lesson_complete(user=learner, lesson=lesson, course=course)
        attempt = attempt_start(user=learner, quiz=quiz)
        keys = {q["qtype"]: q["key"] for q in attempt.snapshot}
        attempts[learner.pk] = attempt_submit(
            attempt=attempt,
            answers={
                keys["essay"]: text,
                keys["short_answer"]: SHORT if learner == person else "Trả lời khác",
            },
        )
    attempt = attempts[person.pk]
    essay_key = next(q["key"] for q in attempt.snapshot if q["qtype"] == "essay")
    essay_grade(
        response=attempt.responses.get(key=essay_key),
        grader=teacher,
        score=4,
        comment=COMMENT,
    )
    attempt.refresh_from_db()
    return World(
        person=person,
        neighbour=neighbour,
        admin=admin,
        other_admin=other_admin,
        teacher=teacher,
        attempt=attempt,
        course=course,
    )
