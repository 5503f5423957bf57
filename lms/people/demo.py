"""Demo organisation and people, all invented. Safe to run again."""

import datetime
from dataclasses import dataclass

from django.db import transaction

from .models import Department, Membership, Role, School, SchoolClass, SchoolYear, User
from .services import membership_ensure

DEFAULT_DEMO_PASSWORD = "demo12345"  # noqa: S105 - documented demo password

DEMO_STUDENT_NAMES = [
    ("hs01", "Trần Minh Khang", "10A1"),
    ("hs02", "Lê Thị Thu Hà", "10A1"),
    ("hs03", "Phạm Quốc Bảo", "10A1"),
    ("hs04", "Võ Ngọc Diệp", "10A1"),
    ("hs05", "Đặng Gia Huy", "10A1"),
    ("hs06", "Bùi Khánh Linh", "10A1"),
    ("hs07", "Huỳnh Anh Tuấn", "10A2"),
    ("hs08", "Ngô Phương Thảo", "10A2"),
    ("hs09", "Dương Hoàng Nam", "10A2"),
    ("hs10", "Lý Bảo Ngọc", "10A2"),
    ("hs11", "Trịnh Đức Anh", "10A2"),
    ("hs12", "Mai Thanh Trúc", "10A2"),
]


@dataclass
class DemoOrganisation:
    department: Department
    school: School
    school_year: SchoolYear
    classes: dict[str, SchoolClass]


def _person(username: str, full_name: str, password: str, **fields) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username)
    user.full_name = full_name
    for name, value in fields.items():
        setattr(user, name, value)
    if not user.pk or not user.check_password(password):
        user.set_password(password)
    user.save()
    return user


@transaction.atomic
def seed_organisation() -> DemoOrganisation:
    department, _ = Department.objects.get_or_create(
        code="so-gddt-demo",
        defaults={"name": "Sở Giáo dục và Đào tạo Thành phố Mẫu"},
    )
    school, _ = School.objects.get_or_create(
        code="DEMO",
        defaults={
            "department": department,
            "name": "Trường THPT Hoa Sen (trường mẫu)",
            "address": "12 đường Hoa Sen, phường Mẫu, Thành phố Mẫu",
        },
    )
    school_year, _ = SchoolYear.objects.get_or_create(
        name="2023-2024",
        defaults={
            "starts_on": datetime.date(2023, 9, 5),
            "ends_on": datetime.date(2024, 5, 31),
        },
    )
    classes = {}
    for name in ("10A1", "10A2"):
        classes[name], _ = SchoolClass.objects.get_or_create(
            school=school, school_year=school_year, name=name
        )
    return DemoOrganisation(department, school, school_year, classes)


@transaction.atomic
def seed_people(*, org: DemoOrganisation, password: str) -> dict[str, User]:
    people: dict[str, User] = {}
    year = org.school_year

    admin = _person(
        "admin",
        "Nguyễn Thị Hồng Nhung",
        password,
        email="admin@example.edu.vn",
        is_superuser=True,
        is_staff=True,
    )
    membership_ensure(
        user=admin, role=Role.SCHOOL_ADMIN, school=org.school, school_year=year
    )
    people["admin"] = admin

    teacher = _person(
        "teacher", "Phan Văn Thành", password, email="teacher@example.edu.vn"
    )
    membership_ensure(
        user=teacher,
        role=Role.HOMEROOM_TEACHER,
        school_class=org.classes["10A1"],
        school_year=year,
    )
    membership_ensure(
        user=teacher, role=Role.TEACHER, school=org.school, school_year=year
    )
    people["teacher"] = teacher

    collaborator = _person("collaborator", "Đỗ Thị Mai Anh", password)
    membership_ensure(
        user=collaborator, role=Role.COLLABORATOR, school=org.school, school_year=year
    )
    people["collaborator"] = collaborator

    officer = _person(
        "officer", "Hoàng Văn Lâm", password, email="officer@example.gov.vn"
    )
    membership_ensure(
        user=officer,
        role=Role.DEPARTMENT_OFFICER,
        department=org.department,
        school_year=year,
    )
    people["officer"] = officer

    student = _person(
        "student", "Nguyễn Thị Ánh Tuyết", password, student_code="HS2023001"
    )
    membership_ensure(
        user=student,
        role=Role.STUDENT,
        school_class=org.classes["10A1"],
        school_year=year,
    )
    people["student"] = student

    for index, (username, full_name, class_name) in enumerate(
        DEMO_STUDENT_NAMES, start=2
    ):
        learner = _person(
            username, full_name, password, student_code=f"HS2023{index:03d}"
        )
        membership_ensure(
            user=learner,
            role=Role.STUDENT,
            school_class=org.classes[class_name],
            school_year=year,
        )
        people[username] = learner
    return people


def demo_row_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Department, School, SchoolYear, SchoolClass, User, Membership)
    }
