"""Every totals row is the sum of the rows above it, column by column."""

import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from certificates.models import Certificate
from lms.reports import annual, tables
from lms.reports.selectors import ReportFilters, completion_facts

pytestmark = pytest.mark.django_db

DEPARTMENT = reverse("lms_reports:department")


def give_certificate(world, username, serial, capture):
    holder = world.people[username]
    course = world.courses["K1"]
    with capture(execute=True):
        Certificate.objects.create(
            holder=holder,
            course=course,
            school_code="DEMO",
            year=2023,
            serial=serial,
            number=int(serial[-1]),
            code=f"code-{serial}",
            name_as_printed=holder.lms_profile.full_name,
            course_title=course.title,
        )


def assert_adds_up(columns, rows, totals):
    """Counts add up; rates are the share of the summed columns."""
    keys = [column.key for column in columns]
    for index, column in enumerate(columns):
        if column.kind == tables.COUNT:
            assert totals[index] == sum(row[index] for row in rows), column.key
        if column.kind == tables.PERCENT:
            part = totals[keys.index(column.total.part)]
            whole = totals[keys.index(column.total.whole)]
            expected = round(100 * part / whole, 1) if whole else None
            assert totals[index] == expected, column.key


def as_number(text: str):
    if text in ("", "–"):
        return None
    text = text.replace(",", ".")
    return float(text) if "." in text else int(text)


def test_totals_row_divides_summed_columns_and_never_adds_rates():
    columns = [
        tables.Column("name", "Name"),
        tables.count("learners", "Learners"),
        tables.count("completed", "Completed"),
        tables.rate("percent", "Completed (%)", "completed", "learners"),
        tables.count("certificates", "Certificates"),
    ]
    rows = [["a", 4, 1, 25.0, 0], ["b", 0, 0, None, 0], ["c", 4, 3, 75.0, 2]]
    assert tables.totals_row(columns, rows) == ["Tổng cộng", 8, 4, 50.0, 2]


def test_department_totals_put_each_figure_under_its_own_column(
    client, world, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    give_certificate(world, "s6", "DEMO-2023-000001", capture)
    client.force_login(world.people["so"])
    query = {"table": "department", "sort": "-percent"}

    text = client.get(DEPARTMENT, {**query, "export": "csv"}).content.decode()
    header, *body, totals = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    certificates = header.index("Giấy chứng nhận")
    percent = header.index("Hoàn thành (%) (dấu thập phân “,”)")
    assert totals[certificates] == "1"
    # 4 of 10 enrolments completed (3 in An Lạc, 1 in Bình Hưng).
    assert as_number(totals[percent]) == 40.0
    for index in range(2, len(header)):
        if index != percent:
            total = sum(as_number(row[index]) for row in body)
            assert as_number(totals[index]) == total, header[index]

    response = client.get(DEPARTMENT, {**query, "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, *body, totals = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert totals[certificates] == 1
    assert totals[header.index("Lượt ghi danh")] == 10

    html = client.get(DEPARTMENT, query).content.decode()
    footer = html.split("<tfoot>", 1)[1].split("</tfoot>", 1)[0]
    cells = re.findall(r"<(?:td|th)[^>]*>(?:<strong>)?([^<]*)", footer)
    assert cells[certificates] == "1" and cells[percent] == "40,0"


def test_every_totals_row_of_every_table_adds_up(world):
    viewer = world.people["qt"]
    report = annual.annual_report_data(
        viewer=viewer, school=world.schools["A"], school_year=world.year
    )
    facts = completion_facts(
        viewer=world.people["so"], filters=ReportFilters(school_year=world.year)
    )
    built = [
        report.summary,
        report.courses,
        report.classes,
        tables.department_table(facts),
    ]
    for table in built:
        assert table.totals is not None, table.key
        assert_adds_up(table.columns, table.rows, table.totals)


def test_annual_class_table_has_a_row_for_people_in_no_class(world):
    report = annual.annual_report_data(
        viewer=world.people["qt"], school=world.schools["A"], school_year=world.year
    )
    rows = {row[0]: row for row in report.classes.rows}
    header = report.classes.header
    staff = rows["Cán bộ, giáo viên (không theo lớp)"]
    # t1, gvcn (counted once), qt and ctv; the teachers' course is theirs.
    assert staff[header.index("Người học")] == 4
    assert staff[header.index("Đã hoàn thành")] == 1
    # The per-class rows and the per-course rows add up to the same school.
    classes = dict(zip(header, report.classes.totals, strict=True))
    courses = dict(zip(report.courses.header, report.courses.totals, strict=True))
    for label in ("Lượt ghi danh", "Đã ghi danh", "Đã hoàn thành", "Chưa bắt đầu"):
        assert classes[label] == courses[label], label
    assert classes["Người học"] == 9


def test_columns_say_whether_they_count_people_or_enrolments(client, world):
    client.force_login(world.people["so"])
    text = client.get(
        DEPARTMENT, {"export": "csv", "table": "department"}
    ).content.decode()
    header = next(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert "Người học" in header and "Lượt ghi danh" in header
    report = annual.annual_report_data(
        viewer=world.people["qt"], school=world.schools["A"], school_year=world.year
    )
    assert {"Người học", "Lượt ghi danh"} <= set(report.classes.header)
