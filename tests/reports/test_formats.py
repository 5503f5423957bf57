"""Downloads people open: typed XLSX cells, Excel-safe sheet names, CSV decimals."""

import csv
import io
from datetime import datetime

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.users.models import UserProfile

from lms.reports.spreadsheets import sheet_title

pytestmark = pytest.mark.django_db

DEPARTMENT = reverse("lms_reports:department")
LEARNERS = reverse("lms_reports:learners")
ANNUAL = reverse("lms_reports:annual")


def csv_table(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_sheet_title_is_cut_between_words_within_31_characters():
    title = "Kết quả hoàn thành theo khóa học và lớp"
    name = sheet_title(title)
    assert name == "Kết quả hoàn thành theo khóa"
    assert len(name) <= 31 and title.startswith(name + " ")
    # Exactly 31 characters before a space: kept whole.
    assert sheet_title("a" * 31 + " b") == "a" * 31
    # One word longer than the limit can only be cut inside it.
    assert sheet_title("x" * 40) == "x" * 31
    # Characters Excel refuses in a sheet name are left out.
    assert sheet_title("Lớp 10A1/10A2: [kết quả]?") == "Lớp 10A1 10A2 kết quả"
    # Unique within a workbook, whatever the case.
    assert sheet_title("Kết quả", {"kết quả"}) == "Kết quả (2)"


def test_xlsx_cells_are_numbers_and_percentages_with_formats(client, world):
    client.force_login(world.people["so"])
    response = client.get(DEPARTMENT, {"export": "xlsx", "table": "department"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert len(sheet.title) <= 31
    header = [cell.value for cell in sheet[1]]
    an_lac = next(row for row in sheet.iter_rows(min_row=2) if row[1].value == "AL")
    learners = an_lac[header.index("Lượt ghi danh")]
    assert learners.value == 8 and learners.data_type == "n"
    assert learners.number_format == "#,##0"
    percent = an_lac[header.index("Hoàn thành (%)")]
    assert percent.value == 0.375 and percent.data_type == "n"
    assert percent.number_format == "0.0%"


def test_learner_xlsx_has_dates_and_scores_as_typed_cells(client, world):
    client.force_login(world.people["gvcn"])
    response = client.get(LEARNERS, {"export": "xlsx", "table": "learners"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    row = next(row for row in sheet.iter_rows(min_row=2) if row[1].value == "s1")
    completed = row[header.index("An ninh mạng cơ bản: ngày hoàn thành")]
    assert isinstance(completed.value, datetime)
    assert completed.number_format == "DD/MM/YYYY"
    score = row[header.index("An ninh mạng cơ bản: điểm kiểm tra cao nhất (%)")]
    assert score.value == 0.8 and score.number_format == "0.0%"


def test_annual_report_sheets_are_named_within_excel_limits(client, world):
    client.force_login(world.people["qt"])
    response = client.get(
        ANNUAL,
        {
            "school": world.schools["A"].pk,
            "school_year": world.year.pk,
            "format": "xlsx",
        },
    )
    workbook = load_workbook(io.BytesIO(response.content))
    titles = [sheet.title for sheet in workbook.worksheets]
    assert len(titles) == len(set(titles)) == 3
    assert all(len(title) <= 31 for title in titles)
    # "Kết quả hoàn thành theo khóa học" has 32 characters: one word less.
    assert titles[1] == "Kết quả hoàn thành theo khóa"


def test_csv_decimals_follow_the_page_language_and_say_so(client, world):
    officer = world.people["so"]
    client.force_login(officer)
    query = {"export": "csv", "table": "department", "sort": "school"}

    header, an_lac, *_rest = csv_table(client.get(DEPARTMENT, query))
    column = header.index("Hoàn thành (%) (dấu thập phân “,”)")
    assert an_lac[column] == "37,5"
    assert "37,5" in client.get(DEPARTMENT).content.decode()

    UserProfile.objects.create(user=officer, preferred_language="en")
    header, an_lac, *_rest = csv_table(client.get(DEPARTMENT, query))
    column = header.index("Completed (%) (decimal separator “.”)")
    assert an_lac[column] == "37.5"
    assert "37.5" in client.get(DEPARTMENT).content.decode()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_table_cells_show_figures_as_the_template_would_localize_them(language):
    # `cell` formats each figure once per language and value: the same text
    # as the template's own localization (counts) and number_format (rates).
    from django.template import Context, Template
    from django.utils import translation
    from django.utils.formats import number_format

    cell = Template("{% load lms_reports_tags %}{{ value|cell }}")
    plain = Template("{{ value }}")
    with translation.override(language):
        for value in (0, 7, 1234, 1234567, True):
            assert cell.render(Context({"value": value})) == plain.render(
                Context({"value": value})
            )
        for value in (0.0, 12.25, 66.66666666666667, 100.0, 1234.5):
            expected = number_format(value, 1)
            assert cell.render(Context({"value": value})) == expected
            assert cell.render(Context({"value": value})) == expected
