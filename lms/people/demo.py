"""Demo organisation and people, all invented. Safe to run again.

One Department with three schools of different sizes, the current school year
(the one containing today, or the next to start in the summer break) and the
previous one as history.
"""

import datetime
import functools
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .models import (
    Consent,
    Department,
    Guardian,
    GuardianChild,
    Membership,
    Role,
    School,
    SchoolClass,
    SchoolYear,
)
from .profiles import PROFILE_FIELDS, profile_update
from .services import membership_ensure

User = get_user_model()

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


@dataclass(frozen=True)
class SchoolSpec:
    code: str
    name: str
    address: str
    # Classes of the current school year and of the previous one.
    classes: tuple[str, ...]
    past_classes: tuple[str, ...] = ()


# DEMO is the largest; the others are smaller, each with its own classes.
DEMO_SCHOOLS = [
    SchoolSpec(
        code="DEMO",
        name="Trường THPT Hoa Sen (trường mẫu)",
        address="12 đường Hoa Sen, phường Mẫu, Thành phố Mẫu",
        classes=("10A1", "10A2"),
        past_classes=("12A1",),
    ),
    SchoolSpec(
        code="BINHMINH",
        name="Trường THPT Bình Minh",
        address="45 đường Bình Minh, phường Đông Hòa, Thành phố Mẫu",
        classes=("11B1", "11B2"),
        past_classes=("12B1", "10B1"),
    ),
    SchoolSpec(
        code="SONGLAM",
        name="Trường THCS và THPT Sông Lam",
        address="3 bến Sông Lam, xã Lam Hạ, Thành phố Mẫu",
        classes=("10C1",),
    ),
]

# Students of the other schools: (username, full name, class).
OTHER_STUDENT_NAMES = {
    "BINHMINH": [
        ("bm01", "Lâm Gia Bảo", "11B1"),
        ("bm02", "Tạ Thị Kim Ngân", "11B1"),
        ("bm03", "Châu Minh Triết", "11B1"),
        ("bm04", "Kiều Thanh Tâm", "11B1"),
        ("bm05", "Đinh Quang Hiếu", "11B1"),
        ("bm06", "Quách Ngọc Hân", "11B2"),
        ("bm07", "Lưu Tuấn Kiệt", "11B2"),
        ("bm08", "Từ Mỹ Duyên", "11B2"),
    ],
    "SONGLAM": [
        ("sl01", "Hà Văn Sơn", "10C1"),
        ("sl02", "Nông Thị Lan", "10C1"),
        ("sl03", "Vi Đức Thắng", "10C1"),
    ],
}

# Last year's final-year students, who have left: history only.
ALUMNI_NAMES = {
    "DEMO": [
        ("cuuhs01", "Phùng Thị Mỹ Linh", "12A1"),
        ("cuuhs02", "Tôn Thất Minh Quân", "12A1"),
        ("cuuhs03", "La Thị Ngọc Trâm", "12A1"),
    ],
    "BINHMINH": [
        ("cuubm01", "Doãn Hải Đăng", "12B1"),
        ("cuubm02", "Cao Thị Thùy Dương", "12B1"),
    ],
}


@dataclass
class DemoSchool:
    school: School
    classes: dict[str, SchoolClass]
    past_classes: dict[str, SchoolClass]


@dataclass
class DemoOrganisation:
    department: Department
    school: School  # DEMO
    school_year: SchoolYear  # the current one
    classes: dict[str, SchoolClass]  # DEMO's classes this year
    previous_year: SchoolYear | None = None
    schools: dict[str, DemoSchool] = field(default_factory=dict)


def demo_school_year_starts(today: datetime.date | None = None) -> tuple[int, int]:
    """Calendar years in which the current and the previous school year start.

    A school year runs from about 5 September to 31 May. From 1 June the
    year that just ended is the previous one and the one starting in September
    the current one, so demo powers never lapse over the summer.
    """
    today = today or timezone.localdate()
    first = today.year if today.month >= 6 else today.year - 1
    return first, first - 1


def _school_year(first: int) -> SchoolYear:
    year, _ = SchoolYear.objects.get_or_create(
        name=f"{first}-{first + 1}",
        defaults={
            "starts_on": datetime.date(first, 9, 5),
            "ends_on": datetime.date(first + 1, 5, 31),
        },
    )
    return year


def demo_school_years(
    today: datetime.date | None = None,
) -> tuple[SchoolYear, SchoolYear]:
    """The current and the previous school year, created if missing.

    Also for scripts that build data of their own (CI, benchmarks): powers
    need a school year that has not ended, so none of them names a fixed year.
    """
    current_first, previous_first = demo_school_year_starts(today)
    return _school_year(current_first), _school_year(previous_first)


def _person(
    username: str, full_name: str, password: str, keep_out=frozenset(), **fields
) -> User | None:
    """The demo account `username`, made or brought back to its demo state.

    None when `username` is in `keep_out`: a site's own account, never changed.
    """
    if username in keep_out:
        return None
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username)
    person = {name: fields.pop(name) for name in PROFILE_FIELDS if name in fields}
    for name, value in fields.items():
        setattr(user, name, value)
    if not user.pk or not user.check_password(password):
        user.set_password(password)
    user.save()
    profile_update(user=user, full_name=full_name, **person)
    return user


@transaction.atomic
def seed_organisation(*, today: datetime.date | None = None) -> DemoOrganisation:
    department, _ = Department.objects.get_or_create(
        code="so-gddt-demo",
        defaults={"name": "Sở Giáo dục và Đào tạo Thành phố Mẫu"},
    )
    school_year, previous_year = demo_school_years(today)
    schools = {}
    for spec in DEMO_SCHOOLS:
        school, _ = School.objects.get_or_create(
            code=spec.code,
            defaults={
                "department": department,
                "name": spec.name,
                "address": spec.address,
            },
        )
        classes = {
            name: SchoolClass.objects.get_or_create(
                school=school, school_year=school_year, name=name
            )[0]
            for name in spec.classes
        }
        past_classes = {
            name: SchoolClass.objects.get_or_create(
                school=school, school_year=previous_year, name=name
            )[0]
            for name in spec.past_classes
        }
        schools[spec.code] = DemoSchool(school, classes, past_classes)
    demo = schools["DEMO"]
    return DemoOrganisation(
        department=department,
        school=demo.school,
        school_year=school_year,
        classes=demo.classes,
        previous_year=previous_year,
        schools=schools,
    )


def _staff(user, *, roles, school: DemoSchool, year, classes=()) -> None:
    """School roles (`roles`) and homeroom classes (`classes`) in `year`."""
    if user is None:
        return
    for role in roles:
        membership_ensure(user=user, role=role, school=school.school, school_year=year)
    for school_class in classes:
        membership_ensure(
            user=user,
            role=Role.HOMEROOM_TEACHER,
            school_class=school_class,
            school_year=year,
        )


def _student(user, *, school_class: SchoolClass) -> None:
    if user is None:
        return
    membership_ensure(
        user=user,
        role=Role.STUDENT,
        school_class=school_class,
        school_year=school_class.school_year,
    )


@transaction.atomic
def seed_people(
    *, org: DemoOrganisation, password: str, keep_out=frozenset()
) -> dict[str, User]:
    """Every demo account and its roles, this year and last.

    Usernames in `keep_out` are a site's own accounts: they are left as they
    are and missing from the result.
    """
    people: dict[str, User | None] = {}
    demo_person = functools.partial(_person, keep_out=keep_out)
    year, past = org.school_year, org.previous_year
    demo = org.schools["DEMO"]
    binhminh = org.schools["BINHMINH"]
    songlam = org.schools["SONGLAM"]

    # The technical superuser: no role at any school.
    admin = demo_person(
        "admin",
        "Nguyễn Thị Hồng Nhung",
        password,
        email="admin@example.edu.vn",
        is_superuser=True,
        is_staff=True,
    )
    if admin is not None:
        Membership.objects.filter(user=admin).delete()
    people["admin"] = admin

    schooladmin = demo_person(
        "schooladmin", "Trần Quang Vinh", password, email="schooladmin@example.edu.vn"
    )
    for when in (year, past):
        _staff(schooladmin, roles=[Role.SCHOOL_ADMIN], school=demo, year=when)
    people["schooladmin"] = schooladmin

    schooladmin2 = demo_person(
        "schooladmin2",
        "Vũ Thị Thanh Hương",
        password,
        email="schooladmin2@example.edu.vn",
    )
    _staff(schooladmin2, roles=[Role.SCHOOL_ADMIN], school=binhminh, year=year)
    # A teacher there last year; this year's school admin.
    _staff(schooladmin2, roles=[Role.TEACHER], school=binhminh, year=past)
    people["schooladmin2"] = schooladmin2

    teacher = demo_person(
        "teacher", "Phan Văn Thành", password, email="teacher@example.edu.vn"
    )
    _staff(
        teacher,
        roles=[Role.TEACHER],
        school=demo,
        year=year,
        classes=[demo.classes["10A1"]],
    )
    # Last year: homeroom teacher of the class that has since left.
    _staff(
        teacher,
        roles=[Role.TEACHER],
        school=demo,
        year=past,
        classes=[demo.past_classes["12A1"]],
    )
    people["teacher"] = teacher

    collaborator = demo_person("collaborator", "Đỗ Thị Mai Anh", password)
    for when in (year, past):
        _staff(collaborator, roles=[Role.COLLABORATOR], school=demo, year=when)
    # This year she also writes lessons for DEMO ("soạn bài"), for review.
    _staff(collaborator, roles=[Role.CONTENT_AUTHOR], school=demo, year=year)
    people["collaborator"] = collaborator

    officer = demo_person(
        "officer", "Hoàng Văn Lâm", password, email="officer@example.gov.vn"
    )
    for when in (year, past) if officer is not None else ():
        membership_ensure(
            user=officer,
            role=Role.DEPARTMENT_OFFICER,
            department=org.department,
            school_year=when,
        )
    people["officer"] = officer

    for username, full_name, school, class_name in (
        ("teacher2", "Lương Văn Quyết", binhminh, "11B1"),
        ("teacher3", "Hồ Thị Lan Phương", songlam, "10C1"),
    ):
        person = demo_person(username, full_name, password)
        _staff(
            person,
            roles=[Role.TEACHER],
            school=school,
            year=year,
            classes=[school.classes[class_name]],
        )
        people[username] = person
    _staff(people.get("teacher2"), roles=[Role.TEACHER], school=binhminh, year=past)

    student = demo_person(
        "student", "Nguyễn Thị Ánh Tuyết", password, student_code="HS2023001"
    )
    _student(student, school_class=demo.classes["10A1"])
    people["student"] = student

    for index, (username, full_name, class_name) in enumerate(
        DEMO_STUDENT_NAMES, start=2
    ):
        learner = demo_person(
            username, full_name, password, student_code=f"HS2023{index:03d}"
        )
        _student(learner, school_class=demo.classes[class_name])
        people[username] = learner

    for code, names in OTHER_STUDENT_NAMES.items():
        school = org.schools[code]
        for username, full_name, class_name in names:
            learner = demo_person(
                username, full_name, password, student_code=username.upper()
            )
            _student(learner, school_class=school.classes[class_name])
            people[username] = learner

    # This year's 11B1 was last year's 10B1.
    for username, _full_name, class_name in OTHER_STUDENT_NAMES["BINHMINH"]:
        if class_name == "11B1":
            _student(people.get(username), school_class=binhminh.past_classes["10B1"])

    for code, names in ALUMNI_NAMES.items():
        school = org.schools[code]
        for username, full_name, class_name in names:
            learner = demo_person(
                username, full_name, password, student_code=username.upper()
            )
            _student(learner, school_class=school.past_classes[class_name])
            people[username] = learner
    parent = demo_person("parent", "Nguyễn Văn Hùng", password)
    if parent is not None:
        # A parent account holds no role, no staff flag, no admin access.
        Membership.objects.filter(user=parent).delete()
    people["parent"] = parent
    seed_family(school=demo.school, parent=parent, child=student)
    return {username: user for username, user in people.items() if user is not None}


def seed_family(*, school: School, parent: User | None, child: User | None) -> None:
    """`parent`'s account is the guardian contact of `child`, the father who
    signed the paper consent form; the same rows on every run."""
    if parent is None or child is None:
        return
    guardian = Guardian.objects.filter(user=parent).first() or Guardian(user=parent)
    guardian.school = school
    guardian.full_name = "Nguyễn Văn Hùng"
    guardian.phone = "0912345678"
    guardian.email = "parent@example.edu.vn"
    guardian.save()
    GuardianChild.objects.update_or_create(
        guardian=guardian,
        learner=child,
        defaults={"relation": GuardianChild.Relation.FATHER},
    )
    Consent.objects.get_or_create(
        learner=child,
        guardian=guardian,
        defaults={
            "given_by": Consent.GivenBy.PARENT,
            "giver_name": guardian.full_name,
            "method": Consent.Method.PAPER_FORM,
        },
    )


def demo_row_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Department,
            School,
            SchoolYear,
            SchoolClass,
            User,
            Membership,
            Guardian,
            GuardianChild,
            Consent,
        )
    }
