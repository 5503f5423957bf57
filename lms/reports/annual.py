"""The annual implementation report a school sends to the Department.

Built from the same selectors and tables as the admin pages, then drawn as a
PDF (WeasyPrint, Vietnamese official layout) and as an XLSX workbook.
"""

import io
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lms.exports import neutralise
from lms.people.models import School, SchoolYear

from . import charts, spreadsheets, tables
from .conf import report_place
from .selectors import (
    BUCKET_LABELS,
    PeopleFigures,
    ReportFilters,
    completion_facts,
    completions_by_month,
    courses_for_report,
    members_in_scope,
    people_by_role,
    quiz_pass_rates,
    share,
)

# The report is an official document for the Department: always Vietnamese.
REPORT_LANGUAGE = "vi"


@dataclass
class AnnualReport:
    school: School
    school_year: SchoolYear
    people: dict[str, PeopleFigures]
    summary: tables.Table
    courses: tables.Table
    classes: tables.Table
    bar_chart: dict
    line_chart: dict
    place_and_date: str


def place_and_date(*, today=None) -> str:
    """The line above the signature: "TP. Hồ Chí Minh, ngày 06 tháng 10 năm 2023"."""
    today = today or timezone.localdate()
    return _("%(place)s, day %(day)s month %(month)s year %(year)s") % {
        "place": report_place(),
        "day": f"{today.day:02d}",
        "month": f"{today.month:02d}",
        "year": today.year,
    }


def people_table(people: dict[str, PeopleFigures]) -> tables.Table:
    rows = [
        [
            str(label),
            people[bucket].people,
            people[bucket].participants,
            people[bucket].trained,
            share(people[bucket].trained, people[bucket].people),
        ]
        for bucket, label in BUCKET_LABELS.items()
    ]
    # "Certificates issued" joins these figures as one more column here.
    return tables.Table(
        key="people",
        title=_("People trained by role"),
        columns=[
            tables.Column("role", _("Role")),
            tables.count("people", _("People")),
            tables.count("participants", _("Started a course")),
            tables.count("trained", _("Completed a course")),
            tables.rate("trained_percent", _("Completed (%)"), "trained", "people"),
        ],
        rows=rows,
        totalled=True,
    )


def annual_report_data(
    *, viewer, school: School, school_year: SchoolYear
) -> AnnualReport:
    """Every figure of the report, within what `viewer` may see."""
    with translation.override(REPORT_LANGUAGE):
        filters = ReportFilters(school_year=school_year, school=school)
        shared = {
            "viewer": viewer,
            "filters": filters,
            "members": members_in_scope(viewer=viewer, filters=filters),
            "courses": courses_for_report(filters=filters),
        }
        facts = completion_facts(**shared)
        people = people_by_role(**shared)
        by_class = facts.by_class()
        ordered = sorted(
            (c for c in by_class if c is not None),
            key=lambda c: tables.class_label(facts, c),
        )
        return AnnualReport(
            school=school,
            school_year=school_year,
            people=people,
            summary=people_table(people),
            courses=tables.course_table(facts, quiz_pass_rates(**shared)),
            classes=tables.class_table(facts),
            bar_chart=charts.percent_bars(
                [(tables.class_label(facts, c), by_class[c].percent) for c in ordered]
            ),
            line_chart=charts.cumulative_line(completions_by_month(**shared)),
            place_and_date=place_and_date(),
        )


def report_filename(report: AnnualReport) -> str:
    return f"bao-cao-nam-{slugify(report.school.code)}-{report.school_year.name}"


def _url_fetcher():
    from weasyprint.urls import URLFetcher

    class NoFetching(URLFetcher):
        """The report embeds everything; refuse any URL, remote ones above all."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            raise ValueError(f"Refused to fetch {url!r} while rendering a report")

    return NoFetching(allowed_protocols={"data"})


def annual_report_html(report: AnnualReport) -> str:
    with translation.override(REPORT_LANGUAGE):
        return render_to_string(
            "lms_reports/annual_report.html",
            {"report": report, "department": report.school.department},
        )


def annual_report_pdf(report: AnnualReport) -> bytes:
    from weasyprint import HTML

    return HTML(
        string=annual_report_html(report), url_fetcher=_url_fetcher(), base_url=None
    ).write_pdf(pdf_tags=True)  # tagged: readable by screen readers


def annual_report_xlsx(report: AnnualReport) -> bytes:
    """One sheet per table, headed by the school, the year and the date."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    with translation.override(REPORT_LANGUAGE):
        workbook = Workbook()
        workbook.remove(workbook.active)
        heading = [
            report.school.department.name,
            report.school.name,
            _("Annual implementation report, school year %(year)s")
            % {"year": report.school_year.name},
            report.place_and_date,
        ]
        taken: set[str] = set()
        for table in (report.summary, report.courses, report.classes):
            title = spreadsheets.sheet_title(str(table.title), taken)
            taken.add(title)
            sheet = workbook.create_sheet(title=title)
            for line in heading:
                sheet.append([neutralise(line)])
            sheet["A3"].font = Font(bold=True)
            sheet.append([])
            spreadsheets.write_table(sheet, table)
            sheet.column_dimensions["A"].width = 40
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
