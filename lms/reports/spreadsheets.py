"""Report tables as files people open: CSV and XLSX cells by column kind.

XLSX cells hold numbers, shares and dates with a number format, never text
that looks like one. CSV numbers follow the language the page is shown in
(a decimal comma in Vietnamese, a point in English), and the header of each
column with decimals says which separator it uses.
"""

import csv
import io
from datetime import date, datetime

from django.http import HttpResponse
from django.utils.formats import get_format, number_format
from django.utils.translation import gettext as _

from lms.exports import neutralise

from . import tables

SHEET_TITLE_LIMIT = 31  # Excel refuses longer sheet names
SHEET_TITLE_FORBIDDEN = set("[]:*?/\\")
XLSX_FORMATS = {
    tables.COUNT: "#,##0",
    tables.PERCENT: "0.0%",
    tables.DATE: "DD/MM/YYYY",
}
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sheet_title(title: str, taken: set[str] | None = None) -> str:
    """A sheet name Excel accepts: within 31 characters, cut between words.

    Characters Excel forbids become spaces. A single word longer than the
    limit is cut inside it. With `taken` (names already used in the
    workbook, compared as Excel does, ignoring case), a number is added
    to keep the name unique.
    """
    clean = "".join(" " if char in SHEET_TITLE_FORBIDDEN else char for char in title)
    clean = " ".join(clean.split()).strip("'") or "Sheet"
    name = _cut_at_word(clean, SHEET_TITLE_LIMIT)
    if taken is None:
        return name
    used = {existing.casefold() for existing in taken}
    number = 2
    candidate = name
    while candidate.casefold() in used:
        suffix = f" ({number})"
        candidate = _cut_at_word(clean, SHEET_TITLE_LIMIT - len(suffix)) + suffix
        number += 1
    return candidate


def _cut_at_word(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    # A space just after the limit means the first `limit` characters end a word.
    head = text[: limit + 1].rsplit(" ", 1)[0]
    if len(head) > limit:
        head = text[:limit]  # one word longer than the limit
    return head.rstrip(" ,;:-–")


def csv_header(columns: list[tables.Column]) -> list[str]:
    separator = get_format("DECIMAL_SEPARATOR")
    header = []
    for column in columns:
        label = str(column.label)
        if column.kind == tables.PERCENT:
            label = _("%(label)s (decimal separator “%(separator)s”)") % {
                "label": label,
                "separator": separator,
            }
        header.append(neutralise(label))
    return header


def csv_cell(column: tables.Column, value):
    if value is None or value == "":
        return ""
    if column.kind == tables.PERCENT:
        return number_format(value, 1, use_l10n=True, force_grouping=False)
    if column.kind == tables.DATE and isinstance(value, date | datetime):
        return value.strftime("%d/%m/%Y")
    return neutralise(value)


def table_csv(table: tables.Table, filename: str) -> HttpResponse:
    buffer = io.StringIO()
    # A BOM makes Excel open the UTF-8 file with its Vietnamese intact.
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(csv_header(table.columns))
    for row in _rows_with_totals(table):
        cells = zip(table.columns, row, strict=True)
        writer.writerow([csv_cell(column, value) for column, value in cells])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_row(sheet, columns: list[tables.Column], row: list, *, bold=False) -> list:
    """One row of cells for `sheet`: typed values with their number formats."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    cells = []
    for column, value in zip(columns, row, strict=True):
        if value == "":
            value = None
        if column.kind == tables.PERCENT and value is not None:
            value = value / 100  # Excel's 45,5 % is the number 0.455
        elif column.kind == tables.TEXT:
            value = neutralise(value)
        cell = WriteOnlyCell(sheet, value=value)
        if column.kind in XLSX_FORMATS and value is not None:
            cell.number_format = XLSX_FORMATS[column.kind]
        if bold:
            cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def xlsx_header(sheet, columns: list[tables.Column]) -> list:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    cells = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=neutralise(str(column.label)))
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def write_table(sheet, table: tables.Table) -> None:
    """The table's header, rows and totals row appended to `sheet`."""
    sheet.append(xlsx_header(sheet, table.columns))
    for row in table.rows:
        sheet.append(xlsx_row(sheet, table.columns, row))
    if table.totals:
        sheet.append(xlsx_row(sheet, table.columns, table.totals, bold=True))


def table_xlsx(table: tables.Table, filename: str) -> HttpResponse:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title(str(table.title)))
    write_table(sheet, table)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def _rows_with_totals(table: tables.Table) -> list[list]:
    return [*table.rows, *([table.totals] if table.totals else [])]
