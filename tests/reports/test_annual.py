"""The annual implementation report: the right figures, in PDF and XLSX."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

pytestmark = pytest.mark.django_db

ANNUAL = reverse("lms_reports:annual")


def params(world, fmt):
    return {
        "school": world.schools["A"].pk,
        "school_year": world.year.pk,
        "format": fmt,
    }


def test_annual_report_pdf_has_the_right_figures(client, world):
    client.force_login(world.people["qt"])
    response = client.get(ANNUAL, params(world, "pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
    )
    flat = " ".join(text.split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat
    assert "Độc lập - Tự do - Hạnh phúc" in flat
    assert "TRƯỜNG THPT AN LẠC" in flat
    assert "năm học 2023-2024" in flat
    assert "TP. Hồ Chí Minh, ngày" in flat
    # People by role: students 5 people, 4 started, 2 completed (40 %).
    assert "Học sinh 5 4 2 40,0" in flat
    # Teachers: 3 people (homeroom teacher counted once), 1 started and completed.
    assert "Giáo viên 3 1 1 33,3" in flat
    # Course K1: 5 learners, 4 enrolled, 1 in progress, 2 completed, 2 not
    # started, 40 %; 2 took the quiz, 1 passed, 50 %.
    # (then 0 certificates held).
    assert "An ninh mạng cơ bản 5 4 1 2 2 40,0 0 2 1 50,0" in flat
    # Per class: 10A1 has 3 people, 1 of 3 completed.
    assert "10A1 3 3 2 1 1 1 33,3 0" in flat
    assert "HIỆU TRƯỞNG" in flat


def test_annual_report_xlsx_has_the_same_figures(client, world):
    client.force_login(world.people["qt"])
    response = client.get(ANNUAL, params(world, "xlsx"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    people = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    # Shares are numbers Excel shows as percentages: 40,0 % is 0.4.
    assert ["Học sinh", 5, 4, 2, 0.4] in people
    assert people[1][0] == "Trường THPT An Lạc"
    classes = [list(row) for row in workbook.worksheets[2].iter_rows(values_only=True)]
    assert ["10A1", 3, 3, 2, 1, 1, 1, 0.333, 0] in classes


def test_another_schools_admin_cannot_get_the_report(client, world):
    client.force_login(world.people["qtb"])
    response = client.get(ANNUAL, params(world, "pdf"))
    assert response["Content-Type"].startswith("text/html")
    assert "Trường THPT An Lạc" not in response.content.decode()


def test_homeroom_teacher_is_not_offered_the_annual_report(client, world):
    client.force_login(world.people["gvcn"])
    response = client.get(ANNUAL, params(world, "pdf"))
    assert response["Content-Type"].startswith("text/html")


def test_rendering_never_fetches_a_url():
    from lms.reports.annual import _url_fetcher

    with pytest.raises(ValueError, match="Refused"):
        _url_fetcher().fetch("https://example.com/font.woff")


def test_annual_report_pdf_is_tagged(client, world):
    client.force_login(world.people["qt"])
    response = client.get(ANNUAL, params(world, "pdf"))
    root = PdfReader(io.BytesIO(response.content)).trailer["/Root"]
    assert "/StructTreeRoot" in root
