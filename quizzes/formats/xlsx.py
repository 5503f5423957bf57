"""Questions in a spreadsheet, for teachers: the template and its parser.

One question a row under a header row; headers are matched by their
Vietnamese or English name, so "Câu hỏi (Question)", "Câu hỏi" and "Question"
all work, title rows above the header and unknown columns are ignored.
"""

import datetime
import io
import re
import zipfile
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from lms.people.text import fold_for_search
from lms.uploads import MAX_WORKBOOK_UNPACKED_BYTES, workbook_too_large

from .base import (
    ParsedChoice,
    ParsedPair,
    ParsedQuestion,
    ParseResult,
    Problem,
    QuestionFileError,
    nfc,
    question_problems,
)

LETTERS = "ABCDEF"
OPTION_KEYS = tuple(f"option_{letter.lower()}" for letter in LETTERS)

# (key, header in the template, other names accepted in a file)
COLUMNS = (
    ("type", "Loại câu hỏi (Type)", ("Loại", "Kiểu câu hỏi", "Question type")),
    ("name", "Tên câu hỏi (Name)", ("Tên",)),
    ("text", "Câu hỏi (Question)", ("Nội dung câu hỏi", "Question text")),
    *(
        (
            f"option_{letter.lower()}",
            f"Phương án {letter} (Option {letter})",
            (f"Đáp án {letter}", f"Lựa chọn {letter}", f"Choice {letter}", letter),
        )
        for letter in LETTERS
    ),
    ("correct", "Đáp án đúng (Correct answer)", ("Đáp án", "Answer", "Correct")),
    ("points", "Điểm (Points)", ("Điểm số", "Mark", "Marks", "Grade")),
    (
        "general_feedback",
        "Phản hồi chung (General feedback)",
        ("Phản hồi", "Giải thích", "Feedback"),
    ),
    ("category", "Danh mục (Category)", ("Chủ đề",)),
    ("tags", "Thẻ (Tags)", ("Tag",)),
)
HEADERS = {key: header for key, header, _aliases in COLUMNS}

# The first name of each type is the one the template offers.
TYPE_NAMES = {
    "single_choice": ("một đáp án", "một lựa chọn", "single", "single choice"),
    "multiple_choice": ("nhiều đáp án", "nhiều lựa chọn", "multiple", "multi"),
    "true_false": ("đúng sai", "đúng/sai", "truefalse", "true/false"),
    "short_answer": ("trả lời ngắn", "điền khuyết", "short", "short answer"),
    "essay": ("tự luận", "essay"),
    "matching": ("ghép đôi", "ghép cặp", "nối", "matching", "match"),
}
_TRUE_WORDS = ("đúng", "đ", "true", "t", "1", "có", "yes")
_FALSE_WORDS = ("sai", "s", "false", "f", "0", "không", "no")


def _key(value: str) -> str:
    """Compare names without case, diacritics, spaces or punctuation."""
    return re.sub(r"[^a-z0-9]", "", fold_for_search(value))


def _column_names() -> dict[str, str]:
    names = {}
    for column, header, aliases in COLUMNS:
        vietnamese, english = re.fullmatch(r"(.*?) \((.*)\)", header).groups()
        for name in (header, vietnamese, english, *aliases):
            names.setdefault(_key(name), column)
    return names


_COLUMN_BY_NAME = _column_names()
_TYPE_BY_NAME = {
    _key(name): qtype for qtype, names in TYPE_NAMES.items() for name in (qtype, *names)
}
_TRUE_FALSE = {
    **{_key(word): True for word in _TRUE_WORDS},
    **{_key(word): False for word in _FALSE_WORDS},
}


def _column_of(header: str) -> str | None:
    key = _key(header)
    if key in _COLUMN_BY_NAME:
        return _COLUMN_BY_NAME[key]
    both = re.fullmatch(r"(.*?)\((.*)\)\s*", header)
    if both:
        for part in both.groups():
            if _key(part) in _COLUMN_BY_NAME:
                return _COLUMN_BY_NAME[_key(part)]
    return None


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return nfc(str(value)).strip()


# Parsing -------------------------------------------------------------------


def parse_xlsx(data: bytes) -> ParseResult:
    """Parse a question spreadsheet; all or nothing, every problem by row/column."""
    # Imported here: a web process that never reads a workbook does not hold
    # openpyxl (about 13 MB).
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if workbook_too_large(data):
        raise QuestionFileError(
            [
                Problem(
                    1,
                    _(
                        "The workbook unpacks to more than %(size)d MB, far more "
                        "than a question list; it was not opened."
                    )
                    % {"size": MAX_WORKBOOK_UNPACKED_BYTES // (1024 * 1024)},
                )
            ]
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (
        zipfile.BadZipFile,
        InvalidFileException,
        KeyError,
        OSError,
        ValueError,
    ) as error:
        raise QuestionFileError(
            [
                Problem(
                    1,
                    _(
                        "The file is not an Excel workbook (.xlsx). Save it from "
                        "Excel or LibreOffice as .xlsx and try again."
                    ),
                )
            ]
        ) from error
    try:
        for sheet in workbook.worksheets:
            sheet.reset_dimensions()  # trust the cells, not the saved size
            rows = list(sheet.iter_rows(values_only=True))
            found = _find_header(rows)
            if found is not None:
                return _read_rows(rows, *found)
    finally:
        workbook.close()
    raise QuestionFileError(
        [
            Problem(
                1,
                _(
                    "No header row was found. The questions need a row of column "
                    "headings including “%(type)s” and “%(text)s”, as in the "
                    "template."
                )
                % {"type": HEADERS["type"], "text": HEADERS["text"]},
            )
        ]
    )


def _find_header(rows) -> tuple[int, dict[str, int], dict[str, str]] | None:
    """(row index, column index by key, header text by key) of the header row."""
    for index, row in enumerate(rows[:50]):
        positions: dict[str, int] = {}
        titles: dict[str, str] = {}
        for position, value in enumerate(row):
            title = _cell_text(value)
            key = _column_of(title) if title else None
            if key and key not in positions:
                positions[key] = position
                titles[key] = title
        if "type" in positions and "text" in positions:
            return index, positions, titles
    return None


def _read_rows(rows, header_index, positions, titles) -> ParseResult:
    questions = []
    problems = []
    for index in range(header_index + 1, len(rows)):
        row = rows[index]
        values = {
            key: _cell_text(row[position]) if position < len(row) else ""
            for key, position in positions.items()
        }
        raw = {
            key: row[position] if position < len(row) else None
            for key, position in positions.items()
        }
        if not any(_cell_text(value) for value in row):
            continue
        row_number = index + 1
        reasons: list[str] = []
        question = _RowReader(values, raw, titles, reasons).read(row_number)
        if question is not None and not reasons:
            reasons += question_problems(question)
        if reasons:
            problems += [Problem(row_number, reason) for reason in reasons]
        else:
            questions.append(question)
    if problems:
        raise QuestionFileError(problems)
    return ParseResult(questions=questions, unsupported=[])


class _RowReader:
    def __init__(self, values, raw, titles, reasons):
        self.values = values
        self.raw = raw
        self.titles = titles
        self.reasons = reasons

    def column(self, key: str) -> str:
        return self.titles.get(key, HEADERS[key])

    def problem(self, key: str, message: str, **values) -> None:
        self.reasons.append(
            _("Column “%(column)s”: %(message)s")
            % {"column": self.column(key), "message": message % values}
        )

    def read(self, row_number: int) -> ParsedQuestion | None:
        values = self.values
        qtype = _TYPE_BY_NAME.get(_key(values["type"]))
        if not values["type"]:
            self.problem("type", _("the question type is missing."))
        elif qtype is None:
            self.problem(
                "type",
                _("“%(value)s” is not a question type; use one of: %(types)s."),
                value=values["type"],
                types=", ".join(names[0] for names in TYPE_NAMES.values()),
            )
        if not values["text"]:
            self.problem("text", _("the question text is missing."))
        question = ParsedQuestion(
            qtype=qtype or "essay",
            text=values["text"],
            line=row_number,
            name=values.get("name", ""),
            category="/".join(
                part.strip() for part in values.get("category", "").split("/")
            ).strip("/"),
            general_feedback=values.get("general_feedback", ""),
            tags=list(
                dict.fromkeys(
                    tag.strip()
                    for tag in re.split(r"[,;]", values.get("tags", ""))
                    if tag.strip()
                )
            ),
        )
        self.read_points(question)
        if qtype in ("single_choice", "multiple_choice"):
            self.read_choices(question)
        elif qtype == "true_false":
            self.read_true_false(question)
        elif qtype == "short_answer":
            self.read_short_answers(question)
        elif qtype == "matching":
            self.read_pairs(question)
        return None if self.reasons else question

    def read_points(self, question: ParsedQuestion) -> None:
        raw = self.raw.get("points")
        if raw in (None, ""):
            return
        text = str(raw).strip().replace(",", ".")
        try:
            points = Decimal(text)
        except InvalidOperation:
            points = Decimal("-1")
        if not points.is_finite() or points < 0:
            self.problem(
                "points",
                _("“%(value)s” is not a number of points."),
                value=_cell_text(raw),
            )
        else:
            question.points = points

    def options(self) -> dict[str, str]:
        return {
            letter: self.values[key]
            for letter, key in zip(LETTERS, OPTION_KEYS, strict=True)
            if self.values.get(key)
        }

    def letters(self) -> list[str]:
        value = self.values.get("correct", "")
        letters = []
        for token in re.split(r"[\s,;/]+", value.upper()):
            if token and not set(token) <= set(LETTERS):
                self.problem(
                    "correct",
                    _("“%(value)s” is not a list of option letters such as A or A,C."),
                    value=value,
                )
                return []
            letters += [letter for letter in token if letter not in letters]
        return letters

    def read_choices(self, question: ParsedQuestion) -> None:
        options = self.options()
        letters = self.letters()
        if self.reasons:
            return
        if len(options) < 2:
            self.problem("option_b", _("a choice question needs at least two options."))
            return
        if not letters:
            self.problem("correct", _("the letter of the right answer is missing."))
            return
        missing = [letter for letter in letters if letter not in options]
        if missing:
            self.problem(
                "correct",
                _("option %(letters)s is empty."),
                letters=", ".join(missing),
            )
            return
        if question.qtype == "single_choice" and len(letters) > 1:
            self.problem(
                "correct",
                _(
                    "a one-answer question takes one letter; use the type "
                    "“nhiều đáp án” for several right answers."
                ),
            )
            return
        # Right answers share the credit; each wrong one takes back as much.
        share = (Decimal(1) / len(letters)).quantize(Decimal("0.0000001"))
        wrong = Decimal(0) if question.qtype == "single_choice" else -share
        question.choices = [
            ParsedChoice(text=text, fraction=share if letter in letters else wrong)
            for letter, text in options.items()
        ]

    def read_true_false(self, question: ParsedQuestion) -> None:
        raw = self.raw.get("correct")
        value = (
            raw
            if isinstance(raw, bool)
            else _TRUE_FALSE.get(_key(self.values.get("correct", "")))
        )
        if value is None:
            self.problem(
                "correct",
                _("write Đúng or Sai (TRUE or FALSE) for a true/false question."),
            )
            return
        question.correct = value

    def read_short_answers(self, question: ParsedQuestion) -> None:
        answers = [
            answer.strip()
            for answer in self.values.get("correct", "").split("|")
            if answer.strip()
        ]
        if not answers:
            self.problem(
                "correct",
                _("write the accepted answers, separated by | if there are several."),
            )
            return
        question.choices = [
            ParsedChoice(text=answer, fraction=Decimal(1)) for answer in answers
        ]

    def read_pairs(self, question: ParsedQuestion) -> None:
        for letter, text in self.options().items():
            prompt, arrow, answer = text.partition("->")
            if not arrow or not answer.strip():
                self.problem(
                    f"option_{letter.lower()}",
                    _("write a matching pair as “item -> answer”."),
                )
                continue
            question.pairs.append(
                ParsedPair(prompt=prompt.strip(), answer=answer.strip())
            )


# The template ----------------------------------------------------------------

_EXAMPLES = (
    {
        "type": "một đáp án",
        "name": "Luật An ninh mạng, Điều 8",
        "text": "Theo Luật An ninh mạng 2018, hành vi nào sau đây bị nghiêm cấm?",
        "option_a": "Đăng tin giả gây hoang mang trong nhân dân",
        "option_b": "Chia sẻ kiến thức về bảo mật thông tin",
        "option_c": "Báo cáo lỗ hổng bảo mật cho cơ quan chức năng",
        "option_d": "Đặt mật khẩu mạnh cho tài khoản",
        "correct": "A",
        "points": 1,
        "general_feedback": "Xem Điều 8 Luật An ninh mạng 2018.",
        "category": "An ninh mạng/Pháp luật",
        "tags": "luật an ninh mạng, điều 8",
    },
    {
        "type": "nhiều đáp án",
        "name": "Bảo vệ tài khoản",
        "text": "Những cách nào giúp bảo vệ tài khoản mạng xã hội của em?",
        "option_a": "Bật xác thực hai yếu tố",
        "option_b": "Dùng một mật khẩu cho mọi tài khoản",
        "option_c": "Không bấm vào đường link lạ",
        "option_d": "Cho bạn thân mượn mật khẩu",
        "correct": "A,C",
        "points": 2,
        "general_feedback": "Mật khẩu là của riêng em; hãy bật xác thực hai yếu tố.",
        "category": "An ninh mạng/Kỹ năng",
        "tags": "mật khẩu",
    },
    {
        "type": "trả lời ngắn",
        "name": "Tổng đài 111",
        "text": "Số điện thoại của Tổng đài quốc gia bảo vệ trẻ em là gì?",
        "correct": "111|một một một",
        "points": 1,
        "general_feedback": "Gọi 111 (miễn phí, 24/7) khi em hoặc bạn bè bị xâm hại.",
        "category": "An toàn trên mạng",
        "tags": "bắt nạt trực tuyến",
    },
)

_INSTRUCTIONS = (
    (
        HEADERS["type"],
        "Bắt buộc. Một trong: “một đáp án” (single), “nhiều đáp án” (multiple), "
        "“đúng sai” (truefalse), “trả lời ngắn” (short), “tự luận” (essay), "
        "“ghép đôi” (matching). Viết tiếng Việt hay tiếng Anh, có dấu hay "
        "không dấu đều được.",
    ),
    (HEADERS["name"], "Không bắt buộc. Tên ngắn để tìm câu hỏi trong ngân hàng."),
    (HEADERS["text"], "Bắt buộc. Nội dung câu hỏi."),
    (
        "Phương án A … F (Option A … F)",
        "Các phương án cho câu một đáp án và nhiều đáp án (ít nhất hai). "
        "Câu ghép đôi: mỗi ô một cặp “vế trái -> vế phải”; ô chỉ có "
        "“-> vế phải” là một phương án gây nhiễu.",
    ),
    (
        HEADERS["correct"],
        "Một đáp án: một chữ cái, ví dụ B. Nhiều đáp án: các chữ cái cách nhau "
        "bằng dấu phẩy, ví dụ A,C (các đáp án đúng chia đều điểm, mỗi đáp án "
        "sai bị trừ bằng một đáp án đúng, tổng không dưới 0). Đúng sai: “Đúng” "
        "hoặc “Sai” (TRUE/FALSE). Trả lời ngắn: các câu trả lời được chấp nhận, "
        "cách nhau bằng dấu |, ví dụ 111|một một một; dấu * thay cho một đoạn "
        "chữ bất kỳ. Tự luận và ghép đôi: để trống.",
    ),
    (HEADERS["points"], "Không bắt buộc, mặc định 1. Có thể là số thập phân: 0,5."),
    (
        HEADERS["general_feedback"],
        "Không bắt buộc. Hiện cho học sinh sau khi làm bài, dù đúng hay sai.",
    ),
    (
        HEADERS["category"],
        "Không bắt buộc. Thư mục trong ngân hàng câu hỏi; dùng dấu / cho thư "
        "mục con, ví dụ An ninh mạng/Pháp luật.",
    ),
    (HEADERS["tags"], "Không bắt buộc. Các thẻ cách nhau bằng dấu phẩy."),
)

_NOTES = (
    "Mỗi dòng là một câu hỏi; dòng trống được bỏ qua.",
    "Xóa các dòng ví dụ trước khi nhập, nếu không chúng cũng được nhập.",
    "Có lỗi ở bất kỳ dòng nào thì không câu nào được nhập; danh sách lỗi "
    "ghi rõ dòng và cột cần sửa.",
    "Có thể thêm dòng tiêu đề phía trên dòng tên cột và thêm cột riêng "
    "(ví dụ “Ghi chú”); hệ thống bỏ qua các cột không có trong mẫu.",
)


def xlsx_template() -> bytes:
    """A workbook teachers fill in: a questions sheet and Vietnamese instructions."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Câu hỏi"
    keys = [key for key, _header, _aliases in COLUMNS]
    sheet.append([HEADERS[key] for key in keys])
    for example in _EXAMPLES:
        sheet.append([example.get(key) for key in keys])
    bold = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="1F4E79")
    for cell in sheet[1]:
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = {"type": 16, "name": 22, "text": 48, "correct": 18, "points": 8}
    for index, key in enumerate(keys, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = widths.get(key, 26)
    sheet.row_dimensions[1].height = 32
    sheet.freeze_panes = "A2"
    types = DataValidation(
        type="list",
        formula1='"' + ",".join(names[0] for names in TYPE_NAMES.values()) + '"',
        allow_blank=True,
        showErrorMessage=False,
    )
    sheet.add_data_validation(types)
    types.add("A2:A1000")

    guide = workbook.create_sheet("Hướng dẫn")
    guide.append(["Hướng dẫn nhập câu hỏi từ bảng tính"])
    guide["A1"].font = Font(bold=True, size=14)
    guide.append([])
    guide.append(["Cột", "Cách điền"])
    for cell in guide[3]:
        cell.font = Font(bold=True)
    for column, explanation in _INSTRUCTIONS:
        guide.append([column, explanation])
    guide.append([])
    guide.append(["Lưu ý"])
    guide.cell(row=guide.max_row, column=1).font = Font(bold=True)
    for note in _NOTES:
        guide.append(["•", note])
    guide.column_dimensions["A"].width = 34
    guide.column_dimensions["B"].width = 100
    for row in guide.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
