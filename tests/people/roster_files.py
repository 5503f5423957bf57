"""Messy class lists as schools really export them, built in memory."""

import datetime
import io
import unicodedata

from openpyxl import Workbook


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def xlsx_bytes(rows: list[list], *, title_rows: int = 2, sheets=None) -> bytes:
    """A workbook whose data start below merged title rows, like SMAS exports."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, sheet_rows in sheets or [("Danh sách", rows)]:
        sheet = workbook.create_sheet(name)
        if title_rows:
            sheet.append(["SỞ GIÁO DỤC VÀ ĐÀO TẠO"])
            sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=6)
        if title_rows > 1:
            sheet.append(["DANH SÁCH HỌC SINH NĂM HỌC 2023-2024"])
            sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=6)
        for _ in range(title_rows - 2):
            sheet.append([])
        for row in sheet_rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(lines: list[str], *, bom: bool = True, encoding="utf-8") -> bytes:
    text = "\r\n".join(lines) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


HEADER = ["STT", "Họ và tên", "Mã học sinh", "Lớp", "Ngày sinh", "Giới tính"]


def class_list() -> bytes:
    """Title rows, a blank row, NFD names, serial and text dates, stray spaces."""
    return xlsx_bytes(
        [
            HEADER,
            [1, nfd("Nguyễn Văn An"), "HS001", "10A1", 38796, "Nam"],
            [],
            [2, "  Trần   Thị Bình ", " HS002 ", " 10a1", "05/03/2006", "Nữ"],
            [3, "Lê Hoàng Cường", "HS003", "10A2", datetime.datetime(2006, 1, 2), ""],
            [None, None, None, None, None, None],
        ]
    )
