"""The spreadsheet template, and reading the questions teachers type into it."""

import io
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from quizzes.formats import ParsedPair, QuestionFileError, parse, parse_xlsx
from quizzes.formats.xlsx import HEADERS, xlsx_template


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


HEADER = [
    "Loại câu hỏi (Type)",
    "Tên câu hỏi (Name)",
    "Câu hỏi (Question)",
    "Phương án A (Option A)",
    "Phương án B (Option B)",
    "Phương án C (Option C)",
    "Phương án D (Option D)",
    "Phương án E (Option E)",
    "Phương án F (Option F)",
    "Đáp án đúng (Correct answer)",
    "Điểm (Points)",
    "Phản hồi chung (General feedback)",
    "Danh mục (Category)",
    "Thẻ (Tags)",
]


def _workbook(rows, header=HEADER, above=()) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in above:
        sheet.append(row)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _row(qtype, text, options=(), correct=None, **extra):
    cells = dict.fromkeys(HEADER)
    cells["Loại câu hỏi (Type)"] = qtype
    cells["Câu hỏi (Question)"] = text
    for letter, option in zip("ABCDEF", options, strict=False):
        cells[f"Phương án {letter} (Option {letter})"] = option
    cells["Đáp án đúng (Correct answer)"] = correct
    for key, value in extra.items():
        cells[HEADERS[key]] = value
    return [cells[title] for title in HEADER]


def _problems(data: bytes) -> list[tuple[int, str]]:
    with pytest.raises(QuestionFileError) as caught:
        parse_xlsx(data)
    return [(problem.line, problem.message) for problem in caught.value.problems]


# The template -------------------------------------------------------------


def test_template_header_row_is_vietnamese_with_english_in_parentheses():
    workbook = load_workbook(io.BytesIO(xlsx_template()))
    sheet = workbook.worksheets[0]

    assert [cell.value for cell in sheet[1]] == HEADER
    assert sheet.freeze_panes == "A2"


def test_template_has_vietnamese_instructions_for_every_column_and_type():
    workbook = load_workbook(io.BytesIO(xlsx_template()))
    guide = workbook["Hướng dẫn"]
    text = "\n".join(
        str(cell.value) for row in guide.iter_rows() for cell in row if cell.value
    )

    for column in (
        "Loại câu hỏi (Type)",
        "Câu hỏi (Question)",
        "Đáp án đúng (Correct answer)",
        "Điểm (Points)",
        "Phản hồi chung (General feedback)",
        "Danh mục (Category)",
        "Thẻ (Tags)",
    ):
        assert column in text
    for name in (
        "một đáp án",
        "single",
        "nhiều đáp án",
        "multiple",
        "đúng sai",
        "truefalse",
        "trả lời ngắn",
        "short",
        "tự luận",
        "essay",
        "A,C",
        "“Đúng”",
        "“Sai”",
        "dấu |",
    ):
        assert name in text


def test_template_examples_are_questions_the_parser_reads():
    result = parse_xlsx(xlsx_template())

    assert [(q.qtype, q.line) for q in result.questions] == [
        ("single_choice", 2),
        ("multiple_choice", 3),
        ("short_answer", 4),
    ]
    first = result.questions[0]
    assert first.category == "An ninh mạng/Pháp luật"
    assert first.tags == ["luật an ninh mạng", "điều 8"]
    assert first.text_format == "plain"
    assert result.questions[1].points == Decimal("2")
    assert [c.text for c in result.questions[2].choices] == ["111", "một một một"]


# Reading ------------------------------------------------------------------


def test_every_type_in_vietnamese_and_english_names():
    data = _workbook(
        [
            _row("một đáp án", "Câu 1", ["a", "b", "c"], "b"),
            _row("multiple", "Câu 2", ["a", "b", "c", "d"], "A, C"),
            _row("đúng sai", "Câu 3", correct="Đúng"),
            _row("TrueFalse", "Câu 4", correct=False),
            _row("trả lời ngắn", "Câu 5", correct="111 | một một một"),
            _row("Essay", "Câu 6", general_feedback="Gợi ý"),
            _row("ghép đôi", "Câu 7", ["Hà Nội -> Thủ đô", "Huế->Cố đô", "-> Khác"]),
            _row("tu luan", "Câu 8"),
        ]
    )

    result = parse_xlsx(data)

    questions = result.questions
    assert [q.qtype for q in questions] == [
        "single_choice",
        "multiple_choice",
        "true_false",
        "true_false",
        "short_answer",
        "essay",
        "matching",
        "essay",
    ]
    assert [c.fraction for c in questions[0].choices] == [0, 1, 0]
    assert [c.fraction for c in questions[1].choices] == [
        Decimal("0.5"),
        Decimal("-0.5"),
        Decimal("0.5"),
        Decimal("-0.5"),
    ]
    assert (questions[2].correct, questions[3].correct) == (True, False)
    assert [(c.text, c.fraction) for c in questions[4].choices] == [
        ("111", 1),
        ("một một một", 1),
    ]
    assert questions[5].general_feedback == "Gợi ý"
    assert questions[6].pairs == [
        ParsedPair("Hà Nội", "Thủ đô"),
        ParsedPair("Huế", "Cố đô"),
        ParsedPair("", "Khác"),
    ]
    assert [q.line for q in questions] == list(range(2, 10))


def test_three_right_answers_share_the_credit():
    data = _workbook([_row("nhiều đáp án", "Câu", ["a", "b", "c", "d"], "ACD")])

    choices = parse_xlsx(data).questions[0].choices

    assert [c.fraction for c in choices] == [
        Decimal("0.3333333"),
        Decimal("-0.3333333"),
        Decimal("0.3333333"),
        Decimal("0.3333333"),
    ]


def test_header_below_title_rows_blank_rows_skipped_and_other_columns_ignored():
    header = ["STT", "Question", "Type", "Option A", "Option B", "Answer", "Ghi chú"]
    data = _workbook(
        [
            [1, "Câu một", "single", "x", "y", "A", "bỏ qua"],
            [None] * 7,
            [2, "Câu hai", "đúng/sai", None, None, "sai", None],
        ],
        header=header,
        above=[["NGÂN HÀNG CÂU HỎI LỚP 8"], [], ["Giáo viên: Nguyễn Văn An"]],
    )

    result = parse_xlsx(data)

    assert [(q.text, q.line) for q in result.questions] == [
        ("Câu một", 5),
        ("Câu hai", 7),
    ]
    assert result.questions[1].correct is False


def test_points_category_tags_and_numbers_in_cells():
    data = _workbook(
        [
            _row(
                "một đáp án",
                "Năm ban hành Luật An ninh mạng?",
                [2018, 2016.0],
                "A",
                points="1,5",
                category=" An ninh mạng / Pháp luật ",
                tags="luật; an ninh mạng, luật",
                name="Năm ban hành",
            )
        ]
    )

    question = parse_xlsx(data).questions[0]

    assert [c.text for c in question.choices] == ["2018", "2016"]
    assert question.points == Decimal("1.5")
    assert question.category == "An ninh mạng/Pháp luật"
    assert question.tags == ["luật", "an ninh mạng"]
    assert question.name == "Năm ban hành"


def test_text_is_normalised_to_nfc():
    data = _workbook([_row("tự luận", "Lua\u0323\u0302t")])

    assert parse_xlsx(data).questions[0].text == "Luật"


def test_parse_dispatches_xlsx_bytes():
    assert len(parse(xlsx_template(), "xlsx").questions) == 3


# Errors -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (_row("trắc nghiệm", "Câu"), "Loại câu hỏi (Type)", "is not a question type"),
        (_row(None, "Câu"), "Loại câu hỏi (Type)", "type is missing"),
        (_row("tự luận", None), "Câu hỏi (Question)", "text is missing"),
        (
            _row("một đáp án", "Câu", ["a"], "A"),
            "Phương án B (Option B)",
            "at least two options",
        ),
        (
            _row("một đáp án", "Câu", ["a", "b"], None),
            "Đáp án đúng (Correct answer)",
            "letter of the right answer is missing",
        ),
        (
            _row("một đáp án", "Câu", ["a", "b"], "C"),
            "Đáp án đúng (Correct answer)",
            "option C is empty",
        ),
        (
            _row("một đáp án", "Câu", ["a", "b"], "A,B"),
            "Đáp án đúng (Correct answer)",
            "takes one letter",
        ),
        (
            _row("nhiều đáp án", "Câu", ["a", "b"], "A và B"),
            "Đáp án đúng (Correct answer)",
            "not a list of option letters",
        ),
        (
            _row("đúng sai", "Câu", correct="Có lẽ"),
            "Đáp án đúng (Correct answer)",
            "Đúng or Sai",
        ),
        (
            _row("trả lời ngắn", "Câu", correct=" | "),
            "Đáp án đúng (Correct answer)",
            "accepted answers",
        ),
        (
            _row("ghép đôi", "Câu", ["a -> 1", "b"]),
            "Phương án B (Option B)",
            "item -> answer",
        ),
        (
            _row("ghép đôi", "Câu", ["a -> 1", "-> 2"]),
            "",
            "at least two pairs",
        ),
        (_row("tự luận", "Câu", points="hai"), "Điểm (Points)", "number of points"),
        (_row("tự luận", "Câu", points=-1), "Điểm (Points)", "number of points"),
    ],
)
def test_bad_row_is_refused_with_row_and_column(row, column, reason):
    problems = _problems(_workbook([row]))

    assert len(problems) == 1
    line, message = problems[0]
    assert line == 2
    assert reason in message
    if column:
        assert f"Column “{column}”" in message


def test_every_bad_row_is_reported_and_nothing_is_kept():
    data = _workbook(
        [
            _row("tự luận", "Câu tốt"),
            _row("một đáp án", "Câu", ["a", "b"], "Z"),
            [],
            _row("đúng sai", None, correct="x"),
        ]
    )

    problems = _problems(data)

    assert [line for line, _message in problems] == [3, 5, 5]


def test_column_name_in_a_message_is_the_one_in_the_file():
    header = ["Type", "Question", "Option A", "Option B", "Answer"]
    data = _workbook([["single", "Câu", "a", "b", "E"]], header=header)

    problems = _problems(data)

    assert problems == [(2, "Column “Answer”: option E is empty.")]


def test_a_sheet_without_a_header_row_is_refused():
    data = _workbook([["a", "b"]], header=["Tên", "Lớp"])

    problems = _problems(data)

    assert "No header row" in problems[0][1]


def test_a_file_that_is_not_a_workbook_is_refused():
    problems = _problems(b"PK\x03\x04 not really a zip")

    assert "not an Excel workbook" in problems[0][1]
