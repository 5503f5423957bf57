"""CSV and XLSX downloads of tables, safe to open in a spreadsheet."""

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Stop a cell from being read as a formula (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def wagtail_exports_neutralise() -> None:
    """Make every Wagtail CSV/XLSX export neutralise formulas too.

    Wagtail's exports (site history, reports, any viewset with
    ``list_export``) all go through ``SpreadsheetExportMixin``, which writes
    a name such as ``=HYPERLINK(...)`` into a CSV cell as it is. This is the
    one place where that mixin is changed: each exported value passes through
    `neutralise` after Wagtail's own preprocessing. Called once, from
    ``PeopleConfig.ready``.
    """
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    if getattr(SpreadsheetExportMixin, "_lms_neutralised", False):
        return
    original = SpreadsheetExportMixin.preprocess_field_value

    def preprocess_field_value(self, field, value, export_format):
        return neutralise(original(self, field, value, export_format))

    SpreadsheetExportMixin.preprocess_field_value = preprocess_field_value
    SpreadsheetExportMixin._lms_neutralised = True


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence]
) -> HttpResponse:
    buffer = io.StringIO()
    # A BOM makes Excel open the UTF-8 file with its Vietnamese intact.
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([neutralise(str(cell)) for cell in header])
    for row in rows:
        writer.writerow(["" if cell is None else neutralise(cell) for cell in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence]
) -> HttpResponse:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([neutralise(str(cell)) for cell in header])
    for row in rows:
        sheet.append([neutralise(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
