"""roster_import: exact results, idempotence, updates, all-or-nothing refusals."""

import io

import pytest
from django.contrib.auth.hashers import check_password
from django.utils import translation
from openpyxl import load_workbook

from lms.people.models import Membership, Role, SchoolClass, User
from lms.people.roles import ROLE_GROUPS
from lms.people.roster import credentials_workbook, initial_passwords_reissue
from lms.people.roster.importing import roster_import, username_base
from tests.people.factories import (
    MembershipFactory,
    SchoolClassFactory,
    SchoolFactory,
    SchoolYearFactory,
    UserFactory,
)
from tests.people.roster_files import HEADER, class_list, csv_bytes, nfd, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # Messages are pinned in English (the msgids); Vietnamese where it matters.
    with translation.override("en"):
        yield


@pytest.fixture
def school():
    return SchoolFactory(code="HOASEN", name="Trường THPT Hoa Sen")


@pytest.fixture
def year():
    return SchoolYearFactory(name="2023-2024")


@pytest.fixture
def classes(school, year):
    return {
        name: SchoolClassFactory(school=school, school_year=year, name=name)
        for name in ("10A1", "10A2")
    }


def run(data, school, year, *, dry_run=False, create_classes=False, name="a.xlsx"):
    return roster_import(
        data=data,
        filename=name,
        school=school,
        school_year=year,
        create_classes=create_classes,
        dry_run=dry_run,
    )


def test_username_is_ascii_from_name_and_code():
    assert username_base("Nguyễn Văn An", "HS001") == "annv.hs001"
    assert username_base("Đặng Thị Ánh Tuyết", "") == "tuyetdta"


def test_import_creates_students_in_their_classes(school, year, classes):
    report = run(class_list(), school, year)
    assert report.ok, report.refused
    assert [(e.row, e.username, e.class_name) for e in report.created] == [
        (4, "annv.hs001", "10A1"),
        (6, "binhtt.hs002", "10A1"),
        (7, "cuonglh.hs003", "10A2"),
    ]
    an = User.objects.get(lms_profile__student_code="HS001")
    assert (
        an.lms_profile.full_name == "Nguyễn Văn An"
        and an.lms_profile.must_change_password
    )
    assert an.username == "annv.hs001"
    membership = Membership.objects.get(user=an)
    assert (membership.role, membership.school_class) == (Role.STUDENT, classes["10A1"])
    assert list(an.groups.values_list("name", flat=True)) == [ROLE_GROUPS[Role.STUDENT]]
    # The password is only in the report, hashed in the database.
    credential = next(c for c in report.credentials if c.username == "annv.hs001")
    assert credential.password not in an.password
    assert check_password(credential.password, an.password)


def test_dry_run_writes_nothing(school, year, classes):
    report = run(class_list(), school, year, dry_run=True)
    assert len(report.created) == 3 and report.credentials == []
    assert not User.objects.filter(lms_profile__student_code__startswith="HS").exists()


def test_reimporting_the_same_file_changes_nothing(school, year, classes):
    run(class_list(), school, year)
    before = list(User.objects.values_list("pk", "password", "lms_profile__full_name"))
    report = run(class_list(), school, year)
    assert report.ok
    assert (report.created, report.updated) == ([], [])
    assert [e.code for e in report.unchanged] == ["HS001", "HS002", "HS003"]
    assert (
        list(User.objects.values_list("pk", "password", "lms_profile__full_name"))
        == before
    )
    assert Membership.objects.count() == 3


def test_changed_name_and_class_show_as_updates(school, year, classes):
    run(class_list(), school, year)
    changed = xlsx_bytes(
        [
            HEADER,
            [1, "Nguyễn Văn Ân", "HS001", "10A1"],
            [2, "Trần Thị Bình", "HS002", "10A2"],
            [3, "Lê Hoàng Cường", "HS003", "10A2"],
        ]
    )
    preview = run(changed, school, year, dry_run=True)
    assert [(e.code, e.changes) for e in preview.updated] == [
        ("HS001", ["name: Nguyễn Văn An → Nguyễn Văn Ân"]),
        ("HS002", ["class: 10A1 → 10A2"]),
    ]
    assert (
        User.objects.get(lms_profile__student_code="HS001").lms_profile.full_name
        == "Nguyễn Văn An"
    )
    report = run(changed, school, year)
    assert [e.code for e in report.updated] == ["HS001", "HS002"]
    assert report.credentials == []  # nobody new, no password touched
    assert (
        User.objects.get(lms_profile__student_code="HS001").lms_profile.full_name
        == "Nguyễn Văn Ân"
    )
    assert (
        Membership.objects.get(user__lms_profile__student_code="HS002").school_class
        == (classes["10A2"])
    )


def test_next_school_year_moves_students_and_keeps_accounts(school, year, classes):
    run(class_list(), school, year)
    next_year = SchoolYearFactory(name="2024-2025")
    data = xlsx_bytes([HEADER, [1, "Nguyễn Văn An", "HS001", "11A1"]])
    report = run(data, school, next_year, create_classes=True)
    assert report.classes_created == ["11A1"]
    assert [(e.code, e.changes) for e in report.updated] == [
        ("HS001", ["joins class 11A1"])
    ]
    assert (
        Membership.objects.filter(user__lms_profile__student_code="HS001").count() == 2
    )


def test_same_code_in_another_school_is_another_person(school, year, classes):
    other = SchoolClassFactory(school=SchoolFactory(code="KHAC"), school_year=year)
    stranger = MembershipFactory(
        user=UserFactory(full_name="Người Khác", student_code="HS001"),
        school_class=other,
    ).user
    report = run(class_list(), school, year)
    assert len(report.created) == 3
    stranger.refresh_from_db()
    assert stranger.lms_profile.full_name == "Người Khác"
    assert User.objects.filter(lms_profile__student_code="HS001").count() == 2


def test_any_refused_row_refuses_the_whole_file(school, year, classes):
    data = xlsx_bytes(
        [
            HEADER,
            [1, "Nguyễn Văn An", "HS001", "10A1", "01/01/2006"],
            [2, "", "HS002", "10A1"],
            [3, "Lê Văn Cường", "", "10A1"],
            [4, "Phạm Thị Dung", "HS001", "10A2"],
            [5, "Hồ Văn Em", "HS005", "10A9"],
            [6, "Đỗ Văn Phúc", "HS006", "10A1", "32/13/2006"],
            [7, "Vũ Thị Giang", "HS007", ""],
        ]
    )
    report = run(data, school, year)
    assert [(p.row, p.message) for p in report.refused] == [
        (5, "The full name is missing."),
        (6, "The student code is missing."),
        (7, "The code HS001 also appears in row 4."),
        (
            8,
            "There is no class 10A9 in this school year; create it first or choose "
            "to create missing classes.",
        ),
        (9, 'The date of birth "32/13/2006" is not a date; write it as dd/mm/yyyy.'),
        (10, "The class is missing."),
    ]
    assert report.created == []
    assert not User.objects.filter(lms_profile__full_name="Nguyễn Văn An").exists()


def test_unknown_classes_are_created_only_when_asked(school, year):
    report = run(class_list(), school, year, create_classes=True)
    assert report.ok and report.classes_created == ["10A1", "10A2"]
    assert set(
        SchoolClass.objects.filter(school=school).values_list("name", flat=True)
    ) == {"10A1", "10A2"}


def test_missing_columns_refuse_the_file(school, year, classes):
    data = xlsx_bytes([["Họ và tên", "Ngày sinh"], ["Vũ An", "01/01/2006"]])
    report = run(data, school, year)
    assert [p.row for p in report.refused] == [None]
    assert "Mã học sinh" in report.refused[0].message
    assert "Lớp" in report.refused[0].message


def test_staff_roster_with_roles(school, year, classes):
    data = csv_bytes(
        [
            "Họ và tên,Mã cán bộ,Email,Vai trò,Lớp",
            "Phan Văn Thành,GV01,thanh@example.edu.vn,Giáo viên chủ nhiệm,10A1",
            "Đỗ Thị Mai Anh,,maianh@example.edu.vn,Cộng tác viên,",
            "Lý Văn Sơn,GV02,,Giáo viên,10A2",
            f"{nfd('Trịnh Thu Hà')},HS100,,Học sinh,10A2",
        ]
    )
    report = run(data, school, year, name="gv.csv")
    assert report.ok, report.refused
    assert [(e.row, e.username, e.role, e.class_name) for e in report.created] == [
        (2, "thanhpv.gv01", Role.HOMEROOM_TEACHER, "10A1"),
        (3, "anhdtm", Role.COLLABORATOR, ""),
        (4, "sonlv.gv02", Role.TEACHER, ""),
        (5, "hatt.hs100", Role.STUDENT, "10A2"),
    ]
    thanh = User.objects.get(username="thanhpv.gv01")
    assert Membership.objects.get(user=thanh).school_class == classes["10A1"]
    assert list(thanh.groups.values_list("name", flat=True)) == [
        ROLE_GROUPS[Role.HOMEROOM_TEACHER]
    ]
    # Staff without a class get their own page in the credentials sheet.
    sheet = load_workbook(
        io.BytesIO(
            credentials_workbook(
                credentials=report.credentials,
                school_name=school.name,
                school_year=year.name,
            )
        )
    )
    assert sheet.sheetnames == ["10A1", "10A2", "Staff"]
    assert [
        row[3] for row in sheet["Staff"].iter_rows(min_row=5, values_only=True)
    ] == [
        "anhdtm",
        "sonlv.gv02",
    ]
    # Staff without a code are matched again by email: a second run changes nothing.
    again = run(data, school, year, name="gv.csv")
    assert (len(again.created), len(again.updated), len(again.unchanged)) == (0, 0, 4)


def test_staff_rows_need_a_code_or_an_email_and_a_known_role(school, year, classes):
    data = csv_bytes(
        [
            "Họ và tên,Mã cán bộ,Email,Vai trò",
            "Phan Văn Thành,,,Giáo viên",
            "Phan Văn Bảy,GV7,khong-phai-email,Giáo viên",
            "Phan Văn Tám,GV8,,Hiệu trưởng",
        ]
    )
    report = run(data, school, year, name="gv.csv")
    assert [(p.row, p.message) for p in report.refused] == [
        (2, "A member of staff needs a staff code or an email address."),
        (3, '"khong-phai-email" is not an email address.'),
        (
            4,
            'Unknown role "Hiệu trưởng"; write Học sinh, Giáo viên, Giáo viên chủ '
            "nhiệm, Cộng tác viên or Soạn bài.",
        ),
    ]
    assert not User.objects.filter(lms_profile__full_name__startswith="Phan").exists()


def test_staff_roster_gives_the_content_role(school):
    from lms.people.roles import content_author_group_name

    year = SchoolYearFactory()  # this school year: the school's group too

    data = csv_bytes(
        [
            "Họ và tên,Mã cán bộ,Email,Vai trò",
            "Đỗ Thị Mai Anh,CTV01,,Soạn bài",
            "Lê Văn Hùng,,hung@example.edu.vn,content author",
        ]
    )
    report = run(data, school, year, name="soan-bai.csv", create_classes=True)
    assert report.ok, report.refused
    assert [(e.row, e.role, e.class_name) for e in report.created] == [
        (2, Role.CONTENT_AUTHOR, ""),
        (3, Role.CONTENT_AUTHOR, ""),
    ]
    for entry in report.created:
        user = User.objects.get(username=entry.username)
        membership = Membership.objects.get(user=user)
        assert (membership.role, membership.school, membership.school_class) == (
            Role.CONTENT_AUTHOR,
            school,
            None,
        )
        assert set(user.groups.values_list("name", flat=True)) == {
            ROLE_GROUPS[Role.CONTENT_AUTHOR],
            content_author_group_name(school),
        }


def test_usernames_stay_unique(school, year, classes):
    UserFactory(username="annv.hs001")
    report = run(class_list(), school, year)
    assert report.created[0].username == "annv.hs0012"


def test_credentials_sheet_has_one_page_per_class(school, year, classes):
    report = run(class_list(), school, year)
    with translation.override("vi"):
        data = credentials_workbook(
            credentials=report.credentials,
            school_name=school.name,
            school_year=year.name,
        )
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["10A1", "10A2"]
    rows = list(workbook["10A1"].iter_rows(values_only=True))
    assert rows[0][0] == "Trường THPT Hoa Sen – Lớp 10A1 – 2023-2024"
    assert rows[3] == (
        "STT",
        "Họ và tên",
        "Mã học sinh",
        "Tên đăng nhập",
        "Mật khẩu ban đầu",
    )
    passwords = {c.username: c.password for c in report.credentials}
    # Sorted the Vietnamese way: by given name (An before Bình).
    assert rows[4:] == [
        (1, "Nguyễn Văn An", "HS001", "annv.hs001", passwords["annv.hs001"]),
        (2, "Trần Thị Bình", "HS002", "binhtt.hs002", passwords["binhtt.hs002"]),
    ]


def test_reissue_only_touches_students_who_never_changed_password(
    school, year, classes
):
    report = run(class_list(), school, year)
    first = {c.username: c.password for c in report.credentials}
    binh = User.objects.get(username="binhtt.hs002")
    binh.set_password("Da-doi-mat-khau-1")
    binh.save()
    binh.lms_profile.must_change_password = False
    binh.lms_profile.save()
    credentials = initial_passwords_reissue(school_class=classes["10A1"])
    assert [c.username for c in credentials] == ["annv.hs001"]
    an = User.objects.get(username="annv.hs001")
    assert check_password(credentials[0].password, an.password)
    assert not check_password(first["annv.hs001"], an.password)
    binh.refresh_from_db()
    assert binh.check_password("Da-doi-mat-khau-1")
