"""Aiken files: single-choice questions, refused with line numbers when malformed."""

from decimal import Decimal

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
