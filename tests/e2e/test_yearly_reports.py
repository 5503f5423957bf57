"""A course required every school year, as the demo shows it (issue 15): the
completion report for each school year, and My learning of the student who
completed it last year. Starts from ``seed_demo``."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from courses.models import CoursePage
from lms.people.models import School, SchoolYear
from lms.reports.selectors import current_school_year

from .conftest import PHONE

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LAW = "luat-an-ninh-mang-cho-hoc-sinh"


def _completed_cell(page, title: str) -> str:
    table = page.locator('section[aria-labelledby="table-courses"] table')
    header = [cell.strip() for cell in table.locator("thead th").all_inner_texts()]
    row = table.locator("tbody tr", has_text=title).first
    cells = [cell.strip() for cell in row.locator("th, td").all_inner_texts()]
    return cells[header.index("Đã hoàn thành")]


def test_the_completion_report_counts_the_yearly_course_per_school_year(browse):
    law = CoursePage.objects.get(slug=LAW)
    binhminh = School.objects.get(code="BINHMINH")
    current = current_school_year()
    previous = (
        SchoolYear.objects.filter(starts_on__lt=current.starts_on)
        .order_by("-starts_on")
        .first()
    )
    url = reverse("lms_reports:completion")
    for viewport, label in ((None, "desktop"), (PHONE, "phone")):
        b = browse("yearly-report", viewport=viewport)
        b.sign_in("officer")
        for year, completed in ((previous, "1"), (current, "0")):
            query = urlencode({"school_year": year.pk, "school": binhminh.pk})
            b.goto(f"{url}?{query}")
            chooser = b.page.locator("#id_school_year")
            assert chooser.locator("option:checked").inner_text() == year.name
            assert _completed_cell(b.page, law.title) == completed, year
            if year == previous:
                b.shot(label)
        b.assert_no_csp_violation()


def test_my_learning_lists_the_yearly_course_again_with_last_years_result(browse):
    law = CoursePage.objects.get(slug=LAW)
    for viewport, label in ((None, "desktop"), (PHONE, "phone")):
        b = browse("yearly-my-learning", viewport=viewport)
        b.sign_in("bm04")
        b.goto(reverse("lms_courses:my_learning"))
        main = b.page.locator("main")
        card = main.locator(".previous-result").first
        assert "Năm học" in card.inner_text()
        assert law.title in main.inner_text()
        overflow = b.page.evaluate(
            "() => document.documentElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 0, f"My learning is {overflow}px wider than the screen"
        b.shot(label)
        b.assert_no_csp_violation()
