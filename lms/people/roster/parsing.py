"""Reading class lists (XLSX or CSV) as schools export them.

Pure functions, no database: the file's bytes in, recognised rows and
problems out. Exports from school management systems start with title rows,
merge cells, leave blank rows, pad cells with spaces and sometimes store
decomposed (NFD) Vietnamese; all of that is tolerated here so the import
service only sees clean values.
"""

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from lms.uploads import MAX_WORKBOOK_UNPACKED_BYTES, workbook_too_large

from ..models import Role
from ..text import fold_for_search, normalize_text

MAX_ROSTER_BYTES = 5 * 1024 * 1024
# A real class list unpacks to a few MB; a zip bomb unpacks to gigabytes.
# How far down to look for the header row below title rows.
HEADER_SEARCH_ROWS = 30

FULL_NAME = "full_name"
FAMILY_NAME = "family_name"
GIVEN_NAME = "given_name"
CODE = "code"
CLASS = "class_name"
BIRTH_DATE = "birth_date"
EMAIL = "email"
GENDER = "gender"
ROLE = "role"
GUARDIAN_NAME = "guardian_name"
GUARDIAN_PHONE = "guardian_phone"
GUARDIAN_EMAIL = "guardian_email"
GUARDIAN_RELATION = "guardian_relation"
IGNORED = "ignored"

# Header texts folded by `header_key`: lower case, no diacritics, no spaces
# or punctuation, nothing in brackets ("Ngày sinh (dd/mm/yyyy)").
HEADER_ALIASES: dict[str, str] = {
    **dict.fromkeys(
        [
            "hovaten",
            "hoten",
            "hovatenhocsinh",
            "hotenhocsinh",
            "hovatengiaovien",
            "hotengiaovien",
            "hovatencanbo",
            "hotencanbo",
            "fullname",
            "name",
        ],
        FULL_NAME,
    ),
    # Many exports split the name: "Họ đệm" | "Tên".
    **dict.fromkeys(
        ["hodem", "hovatendem", "hovadem", "ho", "familyname", "lastname"],
        FAMILY_NAME,
    ),
    **dict.fromkeys(["ten", "givenname", "firstname"], GIVEN_NAME),
    **dict.fromkeys(
        [
            "mahocsinh",
            "mahs",
            "masohocsinh",
            "masohs",
            "madinhdanh",
            "madinhdanhhocsinh",
            "macanbo",
            "macb",
            "magiaovien",
            "magv",
            "studentcode",
            "studentid",
            "staffcode",
            "code",
        ],
        CODE,
    ),
    **dict.fromkeys(["lop", "tenlop", "class", "classname"], CLASS),
    **dict.fromkeys(
        ["ngaysinh", "ngaythangnamsinh", "dateofbirth", "birthdate", "dob"],
        BIRTH_DATE,
    ),
    **dict.fromkeys(["email", "thudientu", "diachiemail"], EMAIL),
    **dict.fromkeys(["gioitinh", "gender", "sex"], GENDER),
    **dict.fromkeys(["vaitro", "role", "doituong"], ROLE),
    **dict.fromkeys(["stt", "tt", "no", "so", "sott"], IGNORED),
    # A student's parent or guardian (optional; see docs/families.md).
    **dict.fromkeys(
        [
            "hotenchame",
            "hovatenchame",
            "hotenphuhuynh",
            "hovatenphuhuynh",
            "phuhuynh",
            "tenphuhuynh",
            "hotennguoigiamho",
            "parentname",
            "guardianname",
            "parent",
            "guardian",
        ],
        GUARDIAN_NAME,
    ),
    **dict.fromkeys(
        [
            "sdtphuhuynh",
            "sdtchame",
            "sodienthoaiphuhuynh",
            "dienthoaiphuhuynh",
            "dtphuhuynh",
            "parentphone",
            "guardianphone",
        ],
        GUARDIAN_PHONE,
    ),
    **dict.fromkeys(
        ["emailphuhuynh", "emailchame", "parentemail", "guardianemail"],
        GUARDIAN_EMAIL,
    ),
    **dict.fromkeys(
        ["quanhe", "moiquanhe", "quanhevoihocsinh", "relation", "relationship"],
        GUARDIAN_RELATION,
    ),
}

RELATION_ALIASES: dict[str, str] = {
    **dict.fromkeys(["cha", "bo", "ba", "father", "dad"], "father"),
    **dict.fromkeys(["me", "ma", "mother", "mum", "mom"], "mother"),
    **dict.fromkeys(["nguoigiamho", "giamho", "guardian"], "guardian"),
    **dict.fromkeys(["phuhuynh", "chame", "bome", "parent"], "parent"),
}

ROLE_ALIASES: dict[str, str] = {
    **dict.fromkeys(["hocsinh", "hs", "student"], Role.STUDENT),
    **dict.fromkeys(["giaovien", "gv", "teacher"], Role.TEACHER),
    **dict.fromkeys(
        ["giaovienchunhiem", "gvcn", "chunhiem", "homeroomteacher"],
        Role.HOMEROOM_TEACHER,
    ),
    **dict.fromkeys(["congtacvien", "ctv", "collaborator"], Role.COLLABORATOR),
    **dict.fromkeys(["soanbai", "contentauthor", "author"], Role.CONTENT_AUTHOR),
}

_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_DATE_TEXT = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})")
_ISO_DATE_TEXT = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?")
_CLASS_PREFIX = re.compile(r"^(lớp|lop|class)\s+", re.IGNORECASE)


class RosterFileError(Exception):
    """The file as a whole cannot be read; nothing in it is imported."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowProblem:
    """Why a row (or, with row None, the whole file) is refused."""

    row: int | None
    message: str
    sheet: str = ""

    @property
    def where(self) -> str:
        return row_label(self.row, self.sheet)


@dataclass(frozen=True)
class RosterRow:
    row: int  # as the spreadsheet shows it (CSV: the line number)
    sheet: str
    full_name: str
    code: str
    class_name: str
    role: str
    email: str = ""
    birth_date: datetime.date | None = None
    guardian_name: str = ""
    guardian_phone: str = ""
    guardian_email: str = ""
    guardian_relation: str = ""


def row_label(row: int | None, sheet: str = "") -> str:
    """ "Row 5", "Sheet 10A1, row 5" or, for the file as a whole, "File"."""
    if row is None:
        return _("File")
    if sheet:
        return _("Sheet %(sheet)s, row %(row)d") % {"sheet": sheet, "row": row}
    return _("Row %(row)d") % {"row": row}


@dataclass
class ParsedRoster:
    rows: list[RosterRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # field -> header text
    ignored_columns: list[str] = field(default_factory=list)
    has_role_column: bool = False


def header_key(value) -> str:
    """Fold a header cell so "Họ  và TÊN", "ho va ten" and "HỌ VÀ TÊN" agree."""
    text = re.sub(r"\(.*?\)", " ", normalize_text(str(value or "")))
    return re.sub(r"[^a-z0-9]", "", fold_for_search(text))


def role_from_text(value: str) -> str | None:
    """The Role a roster's "Vai trò" cell names, None if it names none."""
    return ROLE_ALIASES.get(header_key(value))


def class_name_clean(value: str) -> str:
    """ "lớp 10a1 " -> "10A1", as SchoolClass stores names."""
    return _CLASS_PREFIX.sub("", normalize_text(value)).upper()


def phone_clean(value: str) -> str:
    """A Vietnamese phone number as digits from 0 ("+84 912.345.678" ->
    "0912345678"); raises ValueError when it is not one.

    A spreadsheet that stored the number as a number lost its leading zero:
    nine digits starting as a mobile or landline does get it back.
    """
    digits = re.sub(r"[\s.()-]", "", value)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if re.fullmatch(r"[235789]\d{8}", digits):
        digits = "0" + digits
    if not re.fullmatch(r"0\d{9,10}", digits):
        raise ValueError(value)
    return digits


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalize_text(str(value))


def date_from_cell(value) -> datetime.date:
    """A birth date from a datetime cell, an Excel serial or dd/mm/yyyy text.

    Raises ValueError when the value is not a plausible date of birth.
    """
    if isinstance(value, datetime.datetime):
        result = value.date()
    elif isinstance(value, datetime.date):
        result = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        result = _date_from_serial(value)
    else:
        text = normalize_text(str(value))
        if match := _DATE_TEXT.fullmatch(text):
            day, month, year = (int(part) for part in match.groups())
            result = datetime.date(year, month, day)
        elif match := _ISO_DATE_TEXT.fullmatch(text):
            year, month, day = (int(part) for part in match.groups())
            result = datetime.date(year, month, day)
        elif re.fullmatch(r"\d{5}(\.0+)?", text):
            # A serial number that lost its date format on the way to CSV.
            result = _date_from_serial(float(text))
        else:
            raise ValueError(text)
    if not (1920 <= result.year and result <= datetime.date.today()):
        raise ValueError(str(value))
    return result


def _date_from_serial(serial: float) -> datetime.date:
    if not 1 <= serial < 2958466:  # Excel's own range
        raise ValueError(str(serial))
    return _EXCEL_EPOCH + datetime.timedelta(days=int(serial))


def xlsx_check_safe(data: bytes) -> None:
    """Refuse an XLSX whose parts would unpack to far more than a class list.

    Checked from the zip directory before openpyxl inflates anything, so a
    zip bomb is refused in milliseconds (see lms.uploads).
    """
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise RosterFileError(_not_a_spreadsheet())
    if workbook_too_large(data):
        raise RosterFileError(
            _(
                "The workbook unpacks to more than %(size)d MB, far more than a "
                "class list; it was not opened."
            )
            % {"size": MAX_WORKBOOK_UNPACKED_BYTES // (1024 * 1024)}
        )


def _not_a_spreadsheet() -> str:
    return _(
        "The file is not an Excel workbook (.xlsx) or a CSV file. Save it from "
        "Excel or LibreOffice as .xlsx or CSV UTF-8 and try again."
    )


def _xlsx_sheets(data: bytes) -> list[tuple[str, list[tuple[int, tuple]]]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    xlsx_check_safe(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise RosterFileError(_not_a_spreadsheet()) from None
    try:
        sheets = []
        for sheet in workbook.worksheets:
            if not hasattr(sheet, "iter_rows"):  # chartsheets
                continue
            sheet.reset_dimensions()  # trust the cells, not the saved size
            rows = [
                (number, row)
                for number, row in enumerate(sheet.iter_rows(values_only=True), 1)
            ]
            sheets.append((sheet.title, rows))
        return sheets
    finally:
        workbook.close()


def _csv_text(data: bytes) -> str:
    # utf-8-sig reads UTF-8 with or without a BOM. Excel on a Vietnamese
    # Windows saves "CSV" in the ANSI code page, Windows-1258, whose tone
    # marks are combining characters: NFC normalisation later recomposes them.
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1258")
    except UnicodeDecodeError:
        raise RosterFileError(
            _('The CSV file is not in UTF-8; save it as "CSV UTF-8" and try again.')
        ) from None


def _csv_rows(data: bytes) -> list[tuple[int, tuple]]:
    text = _csv_text(data)
    if "\x00" in text:
        raise RosterFileError(_not_a_spreadsheet())
    sample = "\n".join(text.splitlines()[:HEADER_SEARCH_ROWS])
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        return [(reader.line_num, tuple(row)) for row in reader]
    except csv.Error as error:
        raise RosterFileError(_not_a_spreadsheet()) from error


def _is_xlsx(data: bytes, filename: str) -> bool:
    return data[:4] == b"PK\x03\x04" or filename.lower().endswith((".xlsx", ".xlsm"))


def roster_parse(*, data: bytes, filename: str) -> ParsedRoster:
    """Read a class list; file-level trouble raises RosterFileError.

    Row-level trouble (a bad date, an unknown role) is collected in
    `problems` so the caller can show every reason at once.
    """
    if len(data) > MAX_ROSTER_BYTES:
        raise RosterFileError(
            _("The file is larger than %(size)d MB.")
            % {"size": MAX_ROSTER_BYTES // (1024 * 1024)}
        )
    if not data.strip():
        raise RosterFileError(_("The file is empty."))
    if _is_xlsx(data, filename):
        sheets = _xlsx_sheets(data)
    else:
        sheets = [("", _csv_rows(data))]
    result = ParsedRoster()
    found_header = False
    missing: list[str] = []
    for title, rows in sheets:
        header_at = _header_index(rows)
        if header_at is None:
            continue
        found_header = True
        sheet_name = title if len(sheets) > 1 else ""
        missing = _read_sheet(result, sheet_name, rows, header_at) or missing
    if not found_header:
        raise RosterFileError(
            _(
                "No header row was found. The list needs a row with the column "
                'names, at least "Họ và tên" and "Mã học sinh" or "Lớp".'
            )
        )
    if missing:
        raise RosterFileError(
            _("The list has no column %(columns)s.") % {"columns": ", ".join(missing)}
        )
    return result


def _header_fields(row: tuple) -> dict[int, str]:
    return {
        index: HEADER_ALIASES[header_key(value)]
        for index, value in enumerate(row)
        if header_key(value) in HEADER_ALIASES
    }


def _header_index(rows: list[tuple[int, tuple]]) -> int | None:
    for index, (_number, row) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        fields = set(_header_fields(row).values())
        has_name = FULL_NAME in fields or {FAMILY_NAME, GIVEN_NAME} <= fields
        if has_name and fields & {CODE, CLASS, ROLE}:
            return index
    return None


def _read_sheet(
    result: ParsedRoster, sheet: str, rows: list[tuple[int, tuple]], header_at: int
) -> list[str]:
    """Add the sheet's rows to `result`; return the required columns it lacks."""
    header = rows[header_at][1]
    fields = _header_fields(header)
    columns: dict[str, int] = {}
    for index, value in enumerate(header):
        name = fields.get(index)
        text = cell_text(value)
        if name is None or name == GENDER:
            # Gender is not needed by anything the product does: not read.
            if text:
                result.ignored_columns.append(text)
        elif name != IGNORED and name not in columns:
            columns[name] = index
            result.columns.setdefault(name, text)
    has_role = ROLE in columns
    result.has_role_column = result.has_role_column or has_role
    missing = []
    if not has_role:
        # A plain class list: every row is a student with a code and a class.
        if CODE not in columns:
            missing.append('"Mã học sinh"')
        if CLASS not in columns:
            missing.append('"Lớp"')
    if missing:
        return missing

    def value(row: tuple, name: str):
        index = columns.get(name)
        return row[index] if index is not None and index < len(row) else None

    for number, row in rows[header_at + 1 :]:
        if all(cell_text(cell) == "" for cell in row):
            continue
        if FULL_NAME in columns:
            full_name = cell_text(value(row, FULL_NAME))
        else:
            family = cell_text(value(row, FAMILY_NAME))
            full_name = normalize_text(f"{family} {cell_text(value(row, GIVEN_NAME))}")
        role = Role.STUDENT
        role_text = cell_text(value(row, ROLE))
        if role_text:
            role = role_from_text(role_text)
            if role is None:
                result.problems.append(
                    RowProblem(
                        number,
                        _(
                            'Unknown role "%(role)s"; write Học sinh, Giáo viên, '
                            "Giáo viên chủ nhiệm, Cộng tác viên or Soạn bài."
                        )
                        % {"role": role_text},
                        sheet,
                    )
                )
                continue
        birth_date = None
        raw_date = value(row, BIRTH_DATE)
        if cell_text(raw_date):
            try:
                birth_date = date_from_cell(raw_date)
            except (ValueError, OverflowError):
                result.problems.append(
                    RowProblem(
                        number,
                        _(
                            'The date of birth "%(value)s" is not a date; '
                            "write it as dd/mm/yyyy."
                        )
                        % {"value": cell_text(raw_date)},
                        sheet,
                    )
                )
                continue
        guardian = _guardian_read(
            lambda name, row=row: cell_text(value(row, name)), columns, header, role
        )
        if isinstance(guardian, str):
            result.problems.append(RowProblem(number, guardian, sheet))
            continue
        result.rows.append(
            RosterRow(
                row=number,
                sheet=sheet,
                full_name=full_name,
                code=cell_text(value(row, CODE)),
                class_name=class_name_clean(cell_text(value(row, CLASS))),
                role=role,
                email=cell_text(value(row, EMAIL)).lower(),
                birth_date=birth_date,
                **guardian,
            )
        )
    return []


def _guardian_read(
    text, columns: dict[str, int], header: tuple, role: str
) -> dict[str, str] | str:
    """The row's parent columns as RosterRow fields, or why they are refused
    (the message names the column as the file's header writes it)."""
    found = {
        name: text(name)
        for name in (GUARDIAN_NAME, GUARDIAN_PHONE, GUARDIAN_EMAIL, GUARDIAN_RELATION)
    }

    def column(name: str) -> str:
        return cell_text(header[columns[name]])

    if not any(found.values()):
        return {}
    if role != Role.STUDENT:
        return _("Parent columns are filled in for students only.")
    if not found[GUARDIAN_NAME]:
        if GUARDIAN_NAME not in columns:
            return _(
                'The file has parent details but no column "Họ tên phụ huynh" '
                "for the parent's name."
            )
        return _('Column "%(column)s": the parent\'s name is missing.') % {
            "column": column(GUARDIAN_NAME)
        }
    phone = found[GUARDIAN_PHONE]
    if phone:
        try:
            phone = phone_clean(phone)
        except ValueError:
            return _(
                'Column "%(column)s": "%(value)s" is not a phone number; write '
                "10 digits such as 0912345678."
            ) % {"column": column(GUARDIAN_PHONE), "value": phone}
    email = found[GUARDIAN_EMAIL].lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            return _('Column "%(column)s": "%(value)s" is not an email address.') % {
                "column": column(GUARDIAN_EMAIL),
                "value": email,
            }
    relation = ""
    if found[GUARDIAN_RELATION]:
        relation = RELATION_ALIASES.get(header_key(found[GUARDIAN_RELATION]), "")
        if not relation:
            return _(
                'Column "%(column)s": unknown relation "%(value)s"; write Cha, Mẹ '
                "or Người giám hộ."
            ) % {"column": column(GUARDIAN_RELATION), "value": found[GUARDIAN_RELATION]}
    return {
        "guardian_name": found[GUARDIAN_NAME],
        "guardian_phone": phone,
        "guardian_email": email,
        "guardian_relation": relation,
    }
