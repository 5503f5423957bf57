"""Issue 17's "done when", on the multi-school demo itself.

The Department comparison's total row is the sum of its school rows in every
count column, in the page, the CSV and the XLSX, whoever looks (the officer,
a school admin); the annual report's class table adds up at every school.
"""

import csv
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from lms.people import policies
from lms.people.models import School, User
from lms.reports import annual, tables

from .test_totals import as_number, assert_adds_up

pytestmark = pytest.mark.django_db

DEPARTMENT = reverse("lms_reports:department")
QUERY = {"table": "department"}


@pytest.fixture
def demo():
    call_command("seed_demo", "--password", "Demo-pass-1", verbosity=0)


def _number(value):
    try:
        return as_number(str(value).strip()) if value is not None else None
    except ValueError:
        return "text"


def _count_columns(header: list[str], body) -> list[int]:
    """The count columns: numbers in every row, and not a rate (no sum)."""
    return [
        index
        for index, name in enumerate(header)
        if "%" not in str(name)
        and all(_number(row[index]) != "text" for row in body)
        and any(_number(row[index]) is not None for row in body)
    ]


def _check(header, body, totals, where):
    assert body, f"{where}: no school rows"
    columns = _count_columns(header, body)
    assert len(columns) >= 4, (where, header)
    for index in columns:
        summed = sum(as_number(str(row[index])) or 0 for row in body)
        assert (as_number(str(totals[index])) or 0) == summed, (where, header[index])


@pytest.mark.parametrize("username", ["officer", "schooladmin"])
def test_demo_department_totals_equal_the_sum_of_the_schools(client, demo, username):
    client.force_login(User.objects.get(username=username))

    text = client.get(DEPARTMENT, {**QUERY, "export": "csv"}).content.decode()
    header, *body, totals = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert totals[0] == "Tổng cộng"
    _check(header, body, totals, f"{username} CSV")
    if username != "schooladmin":
        assert len(body) == 3  # the three demo schools

    response = client.get(DEPARTMENT, {**QUERY, "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, *body, totals = [list(row) for row in sheet.iter_rows(values_only=True)]
    _check(header, body, totals, f"{username} XLSX")
    assert any(isinstance(value, int) and value > 0 for value in totals[1:])

    html = client.get(DEPARTMENT, QUERY).content.decode()
    table = (
        html.split('id="table-department"', 1)[-1]
        if 'id="table-department"' in html
        else html
    )
    body_html = table.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    footer = table.split("<tfoot>", 1)[1].split("</tfoot>", 1)[0]
    cell = r"<(?:td|th)[^>]*>\s*(?:<[^>]+>\s*)*([^<]*)"
    rows = [
        [text.strip() for text in re.findall(cell, row)]
        for row in body_html.split("</tr>")
        if "<td" in row
    ]
    footer_cells = [text.strip() for text in re.findall(cell, footer)]
    _check(header, rows, footer_cells, f"{username} page")


def test_demo_annual_class_tables_add_up_at_every_school(demo):
    year = policies.current_school_year()
    officer = User.objects.get(username="officer")
    for school in School.objects.all():
        report = annual.annual_report_data(
            viewer=officer, school=school, school_year=year
        )
        for table in (report.summary, report.courses, report.classes):
            assert table.totals is not None, (school.code, table.key)
            assert_adds_up(table.columns, table.rows, table.totals)
        assert report.classes.rows, school.code
        learners = dict(zip(report.classes.header, report.classes.totals, strict=True))
        assert learners["Người học"] > 0, school.code
    assert tables.COUNT  # the column kinds the check relies on
