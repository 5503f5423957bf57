"""A small, fully known world for the reports.

Department D1: school A (classes 10A1, 10A2, staff) and school B (10B1);
Department D2: school C (10C1). Course K1 is for students, course K2 for
teachers; both automatic. Progress in 10A1: one completed, one halfway, one
not enrolled; in 10A2: one completed, one only enrolled. The completion
summary is built before anything else, so every figure below comes from it as
the events keep it up to date.
"""

from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.utils import timezone

from courses.services import course_open, lesson_complete
from lms.people.models import Role
from lms.reports.summary import summary_rebuild
from quizzes.models import AttemptState, QuizAttempt, QuizPage
from quizzes.services import quiz_grade_update
from tests.courses.conftest import catalogue, site_root  # noqa: F401 (fixtures)
from tests.courses.factories import CoursePageFactory, LessonPageFactory
from tests.people.factories import (
    DepartmentFactory,
    MembershipFactory,
    SchoolClassFactory,
    SchoolFactory,
    SchoolYearFactory,
    UserFactory,
)
from tests.quizzes.factories import QuizPageFactory


@dataclass
class World:
    year: object = None
    schools: dict = field(default_factory=dict)
    classes: dict = field(default_factory=dict)
    people: dict = field(default_factory=dict)
    courses: dict = field(default_factory=dict)
    lessons: dict = field(default_factory=dict)


def add_student(world, username, full_name, class_name, **kwargs):
    user = UserFactory(
        username=username,
        full_name=full_name,
        email=f"{username}@example.edu.vn",
        **kwargs,
    )
    MembershipFactory(
        user=user, role=Role.STUDENT, school_class=world.classes[class_name]
    )
    world.people[username] = user
    return user


def add_staff(world, username, full_name, role, school, school_class=None):
    user = world.people.get(username) or UserFactory(
        username=username, full_name=full_name, email=f"{username}@example.edu.vn"
    )
    MembershipFactory(
        user=user,
        role=role,
        school=world.schools[school],
        school_class=world.classes[school_class] if school_class else None,
        school_year=world.year,
    )
    world.people[username] = user
    return user


def complete_course(user, course, lessons):
    course_open(user=user, course=course)
    for lesson in lessons:
        lesson_complete(user=user, lesson=lesson, course=course)


def attempt(user, course, percent, number=1):
    """A finished attempt at the course's quiz; the learner's grade follows."""
    quiz = QuizPage.objects.descendant_of(course).first() or QuizPageFactory(
        parent=course, required=False
    )
    made = QuizAttempt.objects.create(
        user=user,
        quiz=quiz,
        quiz_title="Kiểm tra",
        course=course,
        number=number,
        state=AttemptState.FINISHED,
        submitted_at=timezone.now(),
        percent=Decimal(percent),
        passed=Decimal(percent) >= 70,
    )
    quiz_grade_update(user=user, quiz=quiz)
    return made


@pytest.fixture
def summary(db):
    """The completion summary, built (empty) first and kept up to date by events.

    Built here rather than trusted from the migration: a transactional test
    elsewhere may have flushed the tables.
    """
    return summary_rebuild()


@pytest.fixture
def world(catalogue, summary, django_capture_on_commit_callbacks):  # noqa: F811
    # Run what waits for a commit (the summary's recount of a first step) as
    # a real commit would.
    with django_capture_on_commit_callbacks(execute=True):
        return build_world(parent=catalogue)


def build_world(parent, year_name="2023-2024"):
    w = World()
    w.year = SchoolYearFactory(name=year_name)
    d1 = DepartmentFactory(name="Sở GD&ĐT Thành phố", code="so-tp")
    d2 = DepartmentFactory(name="Sở GD&ĐT Tỉnh khác", code="so-khac")
    w.schools["A"] = SchoolFactory(department=d1, name="Trường THPT An Lạc", code="AL")
    w.schools["B"] = SchoolFactory(
        department=d1, name="Trường THPT Bình Hưng", code="BH"
    )
    w.schools["C"] = SchoolFactory(department=d2, name="Trường THPT Cần Giờ", code="CG")
    for name, school in (("10A1", "A"), ("10A2", "A"), ("10B1", "B"), ("10C1", "C")):
        w.classes[name] = SchoolClassFactory(
            school=w.schools[school], school_year=w.year, name=name
        )

    k1 = CoursePageFactory(parent=parent, title="An ninh mạng cơ bản")
    k2 = CoursePageFactory(
        parent=parent,
        title="Ứng xử trên mạng cho giáo viên",
        for_students=False,
        for_teachers=True,
    )
    w.courses = {"K1": k1, "K2": k2}
    w.lessons = {
        "K1": [LessonPageFactory(parent=k1), LessonPageFactory(parent=k1)],
        "K2": [LessonPageFactory(parent=k2)],
    }

    s1 = add_student(w, "s1", "Lê Thị Hoàn", "10A1", student_code="HS001")
    s2 = add_student(w, "s2", "Trần Văn Đang", "10A1", student_code="HS002")
    add_student(w, "s3", "Phạm Chưa Mở", "10A1", student_code="HS003")
    s4 = add_student(w, "s4", "Ngô Thị Xong", "10A2")
    s5 = add_student(w, "s5", "Đỗ Văn Ghi", "10A2")
    s6 = add_student(w, "s6", "Vũ Bình Hưng", "10B1")
    s7 = add_student(w, "s7", "Hồ Cần Giờ", "10C1")

    t1 = add_staff(w, "t1", "Giáo Viên Một", Role.TEACHER, "A")
    add_staff(w, "gvcn", "Chủ Nhiệm A1", Role.HOMEROOM_TEACHER, "A", "10A1")
    add_staff(w, "gvcn", "Chủ Nhiệm A1", Role.TEACHER, "A")
    add_staff(w, "qt", "Quản Trị A", Role.SCHOOL_ADMIN, "A")
    add_staff(w, "ctv", "Cộng Tác Viên", Role.COLLABORATOR, "A")
    add_staff(w, "qtb", "Quản Trị B", Role.SCHOOL_ADMIN, "B")
    officer = UserFactory(username="so", full_name="Cán Bộ Sở")
    MembershipFactory(
        user=officer,
        role=Role.DEPARTMENT_OFFICER,
        department=d1,
        school=None,
        school_class=None,
        school_year=w.year,
    )
    w.people["so"] = officer

    for student in (s1, s4, s6, s7):
        complete_course(student, k1, w.lessons["K1"])
    course_open(user=s2, course=k1)
    lesson_complete(user=s2, lesson=w.lessons["K1"][0], course=k1)
    course_open(user=s5, course=k1)
    complete_course(t1, k2, w.lessons["K2"])
    attempt(s1, k1, "60.00", number=1)
    attempt(s1, k1, "80.00", number=2)
    attempt(s2, k1, "40.00")
    return w
