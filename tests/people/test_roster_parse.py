"""Reading messy class lists: no database needed."""

import datetime
import io
import zipfile

import pytest
from django.utils import translation

from lms.people.models import Role
from lms.people.roster.parsing import (
    RosterFileError,
    class_name_clean,
    date_from_cell,
    header_key,
    roster_parse,
    xlsx_check_safe,
)
from tests.people.roster_files import HEADER, class_list, csv_bytes, nfd, xlsx_bytes


@pytest.fixture(autouse=True)
def _english():
    # Messages are pinned by their English msgids.
    with translation.override("en"):
        yield


def test_header_matching_ignores_case_diacritics_spaces_and_brackets():
    assert header_key("  HỌ  VÀ TÊN ") == "hovaten"
    assert header_key(nfd("Họ và tên")) == "hovaten"
    assert header_key("Ngày sinh (dd/mm/yyyy)") == "ngaysinh"
    assert header_key("Mã HS") == "mahs"
    assert header_key("Full name") == "fullname"


def test_class_list_below_merged_title_rows_reads_exactly():
    parsed = roster_parse(data=class_list(), filename="lop.xlsx")
    assert parsed.problems == []
    assert [
        (r.row, r.full_name, r.code, r.class_name, r.birth_date, r.role)
        for r in parsed.rows
    ] == [
        (4, "Nguyễn Văn An", "HS001", "10A1", datetime.date(2006, 3, 20), "student"),
        (6, "Trần Thị Bình", "HS002", "10A1", datetime.date(2006, 3, 5), "student"),
        (7, "Lê Hoàng Cường", "HS003", "10A2", datetime.date(2006, 1, 2), "student"),
    ]
    # NFD in the file, NFC out.
    assert parsed.rows[0].full_name == "Nguy\u1ec5n V\u0103n An"
    # Gender is not needed by the product: not read at all.
    assert parsed.ignored_columns == ["Giới tính"]


def test_english_headers_and_split_name_columns():
    data = xlsx_bytes(
        [
            ["No.", "Family name", "Given name", "Student code", "Class"],
            [1, "Phạm Minh", "Đức", 2023001, "lớp 11b2"],
        ],
        title_rows=0,
    )
    row = roster_parse(data=data, filename="x.xlsx").rows[0]
    assert (row.full_name, row.code, row.class_name) == (
        "Phạm Minh Đức",
        "2023001",
        "11B2",
    )


def test_csv_with_bom_and_semicolons():
    data = csv_bytes(
        [
            "Danh sách lớp 10A1;;;",
            "Họ tên;Mã HS;Lớp;Ngày sinh",
            f"{nfd('Đỗ Thị Hà')};HS010;10A1;7/9/2006",
            ";;;",
        ]
    )
    parsed = roster_parse(data=data, filename="lop.csv")
    assert [(r.row, r.full_name, r.code, r.birth_date) for r in parsed.rows] == [
        (3, "Đỗ Thị Hà", "HS010", datetime.date(2006, 9, 7))
    ]


def test_csv_without_bom_and_in_windows_1258():
    plain = csv_bytes(["Họ và tên,Mã học sinh,Lớp", "Vũ Thị Lan,HS1,10A1"], bom=False)
    assert roster_parse(data=plain, filename="a.csv").rows[0].full_name == "Vũ Thị Lan"
    # Windows-1258 writes tone marks as combining characters.
    legacy = csv_bytes(
        ["Ho va ten,Ma hoc sinh,Lop", nfd("Vũ Thị Lan") + ",HS1,10A1"],
        bom=False,
        encoding="cp1258",
    )
    assert roster_parse(data=legacy, filename="a.csv").rows[0].full_name == "Vũ Thị Lan"


def test_bad_dates_and_unknown_roles_are_row_problems():
    data = xlsx_bytes(
        [
            ["Họ và tên", "Mã cán bộ", "Vai trò", "Ngày sinh"],
            ["Ngô Văn Tư", "GV1", "Giáo viên", "31/02/1980"],
            ["Ngô Văn Năm", "GV2", "Hiệu trưởng", ""],
            ["Ngô Văn Sáu", "GV3", "gvcn", "1/1/1985"],
        ]
    )
    parsed = roster_parse(data=data, filename="gv.xlsx")
    assert [(p.row, p.message[:20]) for p in parsed.problems] == [
        (4, 'The date of birth "3'),
        (5, 'Unknown role "Hiệu t'),
    ]
    assert [(r.code, r.role) for r in parsed.rows] == [("GV3", Role.HOMEROOM_TEACHER)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (38796, datetime.date(2006, 3, 20)),
        (38796.0, datetime.date(2006, 3, 20)),
        ("38796", datetime.date(2006, 3, 20)),
        ("05/03/2006", datetime.date(2006, 3, 5)),
        ("5-3-2006", datetime.date(2006, 3, 5)),
        ("2006-03-05", datetime.date(2006, 3, 5)),
        (datetime.datetime(2006, 3, 5, 0, 0), datetime.date(2006, 3, 5)),
    ],
)
def test_dates_from_serials_cells_and_text(value, expected):
    assert date_from_cell(value) == expected


@pytest.mark.parametrize(
    "value", ["31/02/2006", "2006", "05/03/06", "hôm qua", 0, 2006, "01/01/2999"]
)
def test_bad_dates_raise(value):
    with pytest.raises(ValueError):
        date_from_cell(value)


def test_class_names_are_cleaned_like_schoolclass_names():
    assert class_name_clean(" lớp  10a1 ") == "10A1"
    assert class_name_clean("Class 12C") == "12C"


def test_missing_required_columns_name_them():
    data = xlsx_bytes([["Họ và tên", "Lớp"], ["Vũ An", "10A1"]])
    with pytest.raises(RosterFileError) as error:
        roster_parse(data=data, filename="a.xlsx")
    assert "Mã học sinh" in error.value.message


def test_no_header_row_is_refused():
    data = xlsx_bytes([["a", "b"], [1, 2]])
    with pytest.raises(RosterFileError):
        roster_parse(data=data, filename="a.xlsx")


def test_not_a_spreadsheet_is_refused():
    with pytest.raises(RosterFileError):
        roster_parse(data=b"PK\x03\x04garbage", filename="a.xlsx")
    with pytest.raises(RosterFileError):
        roster_parse(data=b"\x00\x01\x02" * 10, filename="a.csv")


def test_every_sheet_with_a_header_is_read():
    data = xlsx_bytes(
        [],
        sheets=[
            ("Hướng dẫn", [["Điền danh sách vào các trang sau"]]),
            ("10A1", [HEADER, [1, "Vũ An", "HS1", "10A1"]]),
            ("10A2", [HEADER, [1, "Vũ Bình", "HS2", "10A2"]]),
        ],
    )
    parsed = roster_parse(data=data, filename="a.xlsx")
    assert [(r.sheet, r.row, r.code) for r in parsed.rows] == [
        ("10A1", 4, "HS1"),
        ("10A2", 4, "HS2"),
    ]


def test_zip_bomb_is_refused_before_unpacking():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < 1024 * 1024
    with pytest.raises(RosterFileError) as error:
        xlsx_check_safe(data)
    assert "MB" in error.value.message
    with pytest.raises(RosterFileError):
        roster_parse(data=data, filename="bom.xlsx")


def test_file_over_the_size_limit_is_refused():
    with pytest.raises(RosterFileError):
        roster_parse(data=b"a" * (5 * 1024 * 1024 + 1), filename="big.csv")
