"""Aiken files: single-choice questions, refused with line numbers when malformed."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from quizzes.formats import QuestionFileError, parse_aiken


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _problems(text: str) -> list[tuple[int, str]]:
    with pytest.raises(QuestionFileError) as caught:
        parse_aiken(text)
    return [(problem.line, problem.message) for problem in caught.value.problems]


def test_both_option_styles_and_vietnamese_text():
    result = parse_aiken(
        "Hành vi nào bị nghiêm cấm theo Luật An ninh mạng?\n"
        "A. Đăng tin giả gây hoang mang\n"
        "B. Chia sẻ kiến thức\n"
        "ANSWER: A\n"
        "\n"
        "Tổng đài bảo vệ trẻ em là số nào?\n"
        "A) 113\n"
        "B) 111\n"
        "C) 115\n"
        "ANSWER: B\n"
    )

    first, second = result.questions
    assert first.qtype == "single_choice"
    assert first.text == "Hành vi nào bị nghiêm cấm theo Luật An ninh mạng?"
    assert first.line == 1
    assert [(c.text, c.fraction) for c in first.choices] == [
        ("Đăng tin giả gây hoang mang", Decimal("1")),
        ("Chia sẻ kiến thức", Decimal("0")),
    ]
    assert second.line == 6
    assert [c.fraction for c in second.choices] == [
        Decimal("0"),
        Decimal("1"),
        Decimal("0"),
    ]
    assert result.unsupported == []


def test_question_text_may_span_lines_and_blank_lines_are_ignored():
    result = parse_aiken(
        "\n\nĐọc đoạn sau:\n“Mật khẩu là bí mật.”\nCâu nói trên đúng hay sai?\n"
        "A. Đúng\n\nB. Sai\nANSWER:A"
    )

    question = result.questions[0]
    assert question.text == (
        "Đọc đoạn sau:\n“Mật khẩu là bí mật.”\nCâu nói trên đúng hay sai?"
    )
    assert question.line == 3
    assert question.choices[0].fraction == 1


def test_answer_line_ignores_case_spacing_and_a_trailing_period():
    result = parse_aiken("Câu?\nA. x\nB. y\nanswer :  b.\r\n")

    assert [c.fraction for c in result.questions[0].choices] == [0, 1]


def test_text_is_normalised_to_nfc():
    result = parse_aiken("Lua\u0323\u0302t?\nA. a\nB. b\nANSWER: A")

    assert result.questions[0].text == "Luật?"


def test_missing_answer_line_at_the_end_of_the_file():
    problems = _problems("Câu 1?\nA. a\nB. b\nANSWER: A\n\nCâu 2?\nA. a\nB. b\n")

    assert problems == [(6, "This question has no ANSWER: line after its options.")]


def test_missing_answer_line_before_the_next_question():
    problems = _problems("Câu 1?\nA. a\nB. b\nCâu 2?\nA. c\nB. d\nANSWER: B")

    assert [line for line, _message in problems] == [1]


def test_answer_letter_that_is_not_an_option():
    problems = _problems("Câu?\nA. a\nB. b\nANSWER: D")

    assert problems == [(4, "The answer D is not one of the options A, B.")]


def test_fewer_than_two_options():
    problems = _problems("Câu?\nA. chỉ một\nANSWER: A")

    assert problems == [(3, "A question needs at least two options (A. …, B. …).")]


@pytest.mark.parametrize("value", ["", "AB", "A,B", "1"])
def test_answer_must_be_one_letter(value):
    problems = _problems(f"Câu?\nA. a\nB. b\nANSWER: {value}")

    assert [line for line, _message in problems] == [4]
    assert "one option letter" in problems[0][1]


def test_answer_line_without_a_question():
    problems = _problems("ANSWER: A\n\nCâu?\nA. a\nB. b\nANSWER: A")

    assert problems == [(1, "This ANSWER: line has no question before it.")]


def test_duplicate_option_letter():
    problems = _problems("Câu?\nA. a\nA. b\nANSWER: A")

    assert problems == [(3, "Option A appears twice in this question.")]


def test_every_problem_is_reported_and_nothing_is_kept():
    problems = _problems(
        "Câu 1?\nA. a\nB. b\nANSWER: C\n\n"
        "Câu 2?\nA. a\nB. b\nANSWER: A\n\n"
        "Câu 3?\nA. a\nANSWER: A\n\n"
        "Câu 4?\nA. a\nB. b\n"
    )

    assert [line for line, _message in problems] == [4, 13, 15]


MOODLE = Path(__file__).parent / "fixtures" / "moodle"


def test_option_without_a_space_after_the_bracket_is_an_option():
    result = parse_aiken("Câu?\nA)Sai\nB.Đúng\nANSWER: B")

    assert [(c.text, c.fraction) for c in result.questions[0].choices] == [
        ("Sai", Decimal("0")),
        ("Đúng", Decimal("1")),
    ]


def test_questions_are_named_from_their_text():
    result = parse_aiken(
        "Câu hỏi\nnhiều dòng?\nA. a\nB. b\nANSWER: A\n\n"
        + "Rất dài " * 20
        + "\nA. a\nB. b\nANSWER: B"
    )

    short, long = result.questions
    assert short.name == "Câu hỏi nhiều dòng?"
    assert len(long.name) <= 80
    assert long.name.endswith("…")
    assert long.text.startswith(long.name.removesuffix("…") + " ")  # whole words


def test_option_with_no_question_before_it_is_reported_on_its_line():
    problems = _problems(
        "A) Không có câu hỏi\n\nANSWER: A\n\nCâu?\nA. a\nB. b\nANSWER: A"
    )

    assert problems == [
        (1, "This option has no question before it."),
        (3, "This ANSWER: line has no question before it."),
    ]


def test_moodle_questions_fixture_reads_as_moodle_reads_it():
    text = (MOODLE / "questions.aiken.txt").read_text()

    first, second = parse_aiken(text).questions

    assert first.name == "The Moodle project was started by:"
    assert [c.text for c in first.choices] == [
        "Petr Skoda",
        "Martin Dougiamas",
        "Eloy Lafuente",
        "Tim Hunt",
    ]
    assert [c.fraction for c in first.choices] == [0, 1, 0, 0]
    assert second.text.startswith("Moodle's abilities include handling user input")
    assert [c.fraction for c in second.choices] == [1, 0]


def test_moodle_errors_fixture_reports_moodles_errors_and_reads_the_good_ones():
    text = (MOODLE / "aiken_errors.txt").read_text()

    problems = _problems(text)

    # Moodle: too few answers (line 3), "question not started" (lines 5 and 7),
    # question not finished (Moodle names line 18 where the next question starts;
    # we name line 14 where the unfinished one does). Both good questions,
    # including "A)Incorrect (No space)", raise nothing.
    assert problems == [
        (3, "A question needs at least two options (A. …, B. …)."),
        (5, "This option has no question before it."),
        (7, "This ANSWER: line has no question before it."),
        (14, "This question has no ANSWER: line after its options."),
    ]
    good = parse_aiken(
        "\n".join(text.splitlines()[8:12] + [""] + text.splitlines()[17:])
    ).questions
    assert [q.name for q in good] == ["A good question", "A second good question"]
    assert [(c.text, c.fraction) for c in good[1].choices] == [
        ("Incorrect (No space)", Decimal("0")),
        ("Correct (No space)", Decimal("1")),
    ]
