"""GIFT files read as Moodle reads them; malformed ones refused with every reason."""

import os
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from quizzes.formats import (
    ParsedChoice,
    ParsedPair,
    QuestionFileError,
    parse_gift,
)


def _moodle_fixtures() -> Path:
    """Moodle's own GIFT files, kept beside the project in ../shared (DESIGN.md)."""
    candidates = [
        os.environ.get("LMS_MOODLE_GIFT_FIXTURES", ""),
        Path(__file__).resolve().parents[2].parent / "shared/fixtures/moodle-gift",
        "/work/shared/fixtures/moodle-gift",
    ]
    for candidate in candidates:
        if candidate and (Path(candidate) / "examples.txt").exists():
            return Path(candidate)
    return Path(candidates[1])


FIXTURES = _moodle_fixtures()


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _one(text: str):
    result = parse_gift(text)
    assert len(result.questions) == 1, result
    return result.questions[0]


def _problems(text: str) -> list[tuple[int, str]]:
    with pytest.raises(QuestionFileError) as caught:
        parse_gift(text)
    return [(problem.line, problem.message) for problem in caught.value.problems]


# Moodle's own examples ----------------------------------------------------


def test_moodle_examples_give_35_questions_and_8_unsupported_numericals():
    result = parse_gift((FIXTURES / "examples.txt").read_text(encoding="utf-8"))

    assert len(result.questions) == 35
    assert Counter(q.qtype for q in result.questions) == {
        "single_choice": 16,
        "short_answer": 9,
        "true_false": 5,
        "multiple_choice": 2,
        "matching": 3,
    }
    assert [problem.line for problem in result.unsupported] == [
        16,
        70,
        72,
        74,
        76,
        85,
        175,
        202,
    ]
    assert all("numerical" in problem.message for problem in result.unsupported)
    assert "Numerical example" in result.unsupported[-1].message


def test_moodle_examples_keep_escaped_control_characters_as_text():
    result = parse_gift((FIXTURES / "examples.txt").read_text(encoding="utf-8"))
    control = next(q for q in result.questions if q.name == "GIFT Control Characters")

    assert [choice.text for choice in control.choices] == [
        "~",
        "=",
        "#",
        "{",
        "}",
        "\\",
    ]
    assert control.choices[-1].fraction == 1
    assert control.choices[-1].feedback.startswith(
        "Correct! \\ (backslash) is not a control character. BUT,\nit is used"
    )


def test_moodle_examples_missing_word_keeps_a_blank_where_the_answers_were():
    result = parse_gift((FIXTURES / "examples.txt").read_text(encoding="utf-8"))
    texts = [q.text for q in result.questions]

    assert "Grant is _____ in Grant's tomb." in texts
    assert (
        "The American holiday of Thanksgiving is\n"
        "celebrated on the _____ Thursday of November."
    ) in texts
    assert "Jesus Christ was from _____." in texts
    # Answers right before the end of the text leave no blank.
    assert "Who's buried in Grant's tomb?" in texts


@pytest.fixture
def moodle_fixture():
    text = (FIXTURES / "questions.gift.txt").read_text(encoding="utf-8")
    return parse_gift(text)


def test_moodle_fixture_gives_nine_questions_one_of_them_numerical(moodle_fixture):
    assert [q.name for q in moodle_fixture.questions] == [
        "Q8",
        "Moodle activities",
        "Q2",
        "colours",
        "Shortanswer",
        "Q1",
        "2-08 TSL",
        "2-08 TSL",
    ]
    assert [p.line for p in moodle_fixture.unsupported] == [31]
    assert "Q5" in moodle_fixture.unsupported[0].message


def test_moodle_fixture_essay(moodle_fixture):
    essay = moodle_fixture.questions[0]

    assert (essay.qtype, essay.text, essay.line) == ("essay", "How are you?", 2)
    assert essay.text_format == "moodle"


def test_moodle_fixture_matching_keeps_formats_and_the_distractor(moodle_fixture):
    matching = moodle_fixture.questions[1]

    assert matching.qtype == "matching"
    assert matching.text == "Match the <b>activity</b> to the description."
    assert matching.text_format == "html"
    assert matching.pairs == [
        ParsedPair("An activity supporting asynchronous discussions.", "Forum", "html"),
        ParsedPair(
            "A teacher asks a question and specifies a choice of multiple responses.",
            "Choice",
            "moodle",
        ),
        ParsedPair(
            "A bank of record entries which participants can add to.",
            "Database",
            "plain",
        ),
        ParsedPair(
            "A collection of web pages that anyone can add to or edit.",
            "Wiki",
            "markdown",
        ),
        ParsedPair("", "Chat", "html"),
    ]


def test_moodle_fixture_choice_feedback_and_its_formats(moodle_fixture):
    q2 = moodle_fixture.questions[2]

    assert q2.qtype == "single_choice"
    assert q2.choices == [
        ParsedChoice("yellow", Decimal("1"), "right; good!", "moodle", "moodle"),
        ParsedChoice("red", Decimal("0"), "wrong, it's yellow", "moodle", "html"),
        ParsedChoice("blue", Decimal("0"), "wrong, it's yellow", "plain", "moodle"),
    ]


def test_moodle_fixture_weighted_multiple_answers(moodle_fixture):
    colours = moodle_fixture.questions[3]

    assert colours.qtype == "multiple_choice"
    assert [(c.text, c.fraction) for c in colours.choices] == [
        ("yellow", Decimal("0.5")),
        ("red", Decimal("-1")),
        ("off-beige", Decimal("0.5")),
        ("blue", Decimal("-1")),
    ]
    assert colours.choices[3].text_format == "plain"


def test_moodle_fixture_short_answer_keeps_the_wildcard(moodle_fixture):
    short = moodle_fixture.questions[4]

    assert short.qtype == "short_answer"
    assert [(c.text, c.fraction, c.feedback) for c in short.choices] == [
        ("Frog", Decimal("1"), "Good!"),
        ("Cat", Decimal("0.5"), "What is it with Moodlers and cats?"),
        ("*", Decimal("0"), "Completely wrong"),
    ]


def test_moodle_fixture_true_false_feedback_follows_moodle(moodle_fixture):
    q1, t, true = moodle_fixture.questions[5:]

    # {FALSE#shown for a wrong answer#shown for a right answer}: who answers
    # True is wrong here, so the first feedback is theirs.
    assert q1.correct is False
    assert q1.feedback_true == "42 is the Ultimate Answer."
    assert q1.feedback_false == "You gave the right answer."
    assert q1.general_feedback == (
        "This is, of course, a Hitchiker's Guide to the Galaxy reference."
    )
    assert (t.correct, t.text) == (True, "TSL is blablabla.")
    assert (true.correct, true.text) == (True, "TSL is blablabla.")


def test_moodle_fixture_stray_quote_after_the_answers_stays_in_the_text(
    moodle_fixture,
):
    # Moodle reads `...everything.{...}";` as the missing-word form: the answers
    # become a blank and the stray `";` stays as text.
    assert moodle_fixture.questions[5].text == (
        '42 is the Absolute Answer to everything._____";'
    )


# Question types -----------------------------------------------------------


def test_vietnamese_single_choice_with_a_name():
    question = _one(
        "::Điều 8::Hành vi nào bị nghiêm cấm theo Luật An ninh mạng?"
        "{=Đăng tin giả gây hoang mang ~Chia sẻ kiến thức}"
    )

    assert question.name == "Điều 8"
    assert question.text == "Hành vi nào bị nghiêm cấm theo Luật An ninh mạng?"
    assert question.qtype == "single_choice"
    assert [(c.text, c.fraction) for c in question.choices] == [
        ("Đăng tin giả gây hoang mang", Decimal("1")),
        ("Chia sẻ kiến thức", Decimal("0")),
    ]


def test_text_is_normalised_to_nfc():
    decomposed = "Lua\u0323\u0302t An ninh ma\u0323ng{T}"

    question = _one(decomposed)

    assert question.text == "Luật An ninh mạng"


def test_multi_line_question_with_windows_line_endings_and_a_byte_order_mark():
    text = "\ufeff// chú thích\r\n::Câu 1::Dòng một\r\ndòng hai {\r\n=đúng\r\n~sai\r\n}"

    question = _one(text)

    assert question.text == "Dòng một\ndòng hai"
    assert question.line == 2


def test_percent_weights_may_be_negative_or_fractional():
    question = _one("Chọn hai.{~%50%A ~%50%B ~%-33.33333%C ~D}")

    assert question.qtype == "multiple_choice"
    assert [c.fraction for c in question.choices] == [
        Decimal("0.5"),
        Decimal("0.5"),
        Decimal("-0.3333333"),
        Decimal("0"),
    ]


def test_right_answer_with_partial_credit_others_in_single_choice():
    question = _one("Câu?{=đúng ~%50%gần đúng ~sai}")

    assert question.qtype == "single_choice"
    assert [c.fraction for c in question.choices] == [
        Decimal("1"),
        Decimal("0.5"),
        Decimal("0"),
    ]


def test_short_answer_with_credit_and_wildcard():
    question = _one("Hai cộng hai bằng {=bốn =%50%4 =%0%*#Sai rồi}.")

    assert question.qtype == "short_answer"
    assert question.text == "Hai cộng hai bằng _____."
    assert [(c.text, c.fraction, c.feedback) for c in question.choices] == [
        ("bốn", Decimal("1"), ""),
        ("4", Decimal("0.5"), ""),
        ("*", Decimal("0"), "Sai rồi"),
    ]
    assert question.case_sensitive is False


@pytest.mark.parametrize(
    ("block", "correct"),
    [("T", True), ("TRUE", True), ("t", True), ("True", True)]
    + [("F", False), ("FALSE", False), ("f", False), ("false", False)],
)
def test_true_false_answers_in_any_case(block, correct):
    question = _one(f"Mật khẩu là bí mật.{{{block}}}")

    assert question.qtype == "true_false"
    assert question.correct is correct


def test_true_false_feedback_when_the_statement_is_true():
    question = _one("Câu.{T#Em chọn Sai: chưa đúng.#Em chọn Đúng: giỏi!}")

    assert question.feedback_true == "Em chọn Đúng: giỏi!"
    assert question.feedback_false == "Em chọn Sai: chưa đúng."


def test_true_false_with_one_feedback_gives_it_to_the_wrong_answer():
    question = _one("Câu.{FALSE#Không ai được chôn ở đó.}")

    assert question.feedback_true == "Không ai được chôn ở đó."
    assert question.feedback_false == ""


def test_matching_with_a_distractor_answer():
    question = _one("Ghép.{=Hà Nội -> Thủ đô =Huế->Cố đô = -> Thành phố mới}")

    assert question.qtype == "matching"
    assert [(p.prompt, p.answer) for p in question.pairs] == [
        ("Hà Nội", "Thủ đô"),
        ("Huế", "Cố đô"),
        ("", "Thành phố mới"),
    ]


def test_essay_with_general_feedback():
    question = _one("Trình bày ý kiến của em.{####Gợi ý: nêu ví dụ.}")

    assert question.qtype == "essay"
    assert question.general_feedback == "Gợi ý: nêu ví dụ."


def test_general_feedback_with_its_own_format():
    question = _one("Câu.{=a ~b ####[html]<i>Xem bài 2</i>}")

    assert question.general_feedback == "<i>Xem bài 2</i>"
    assert question.general_feedback_format == "html"


def test_format_markers_on_text_answers_and_feedback():
    question = _one("[markdown]**Câu** hỏi{=[html]<b>a</b>#[plain]đúng ~b#sai}")

    assert question.text == "**Câu** hỏi"
    assert question.text_format == "markdown"
    assert question.choices[0] == ParsedChoice(
        "<b>a</b>", Decimal("1"), "đúng", "html", "plain"
    )
    assert question.choices[1] == ParsedChoice(
        "b", Decimal("1") * 0, "sai", "markdown", "markdown"
    )


def test_an_unknown_format_marker_is_text():
    question = _one("[pdf] là gì?{T}")

    assert (question.text, question.text_format) == ("[pdf] là gì?", "moodle")


def test_numerical_question_is_reported_as_unsupported_with_its_line():
    result = parse_gift("Câu một.{T}\n\n\n::Số::Hai cộng hai?{#4:0}\n\nCâu ba.{F}")

    assert len(result.questions) == 2
    assert [(p.line, "numerical" in p.message) for p in result.unsupported] == [
        (4, True)
    ]


def test_a_named_text_without_answers_is_an_unsupported_description():
    result = parse_gift("::Giới thiệu::Phần sau nói về mật khẩu.\n\nCâu.{T}")

    assert len(result.questions) == 1
    assert result.unsupported[0].line == 1
    assert "description" in result.unsupported[0].message


# Comments, categories, tags -----------------------------------------------


def test_comments_are_ignored_even_inside_a_question():
    question = _one(
        "// đầu\nCâu hỏi {\n// giữa\n=đúng\n~sai // không phải chú thích\n}"
    )

    assert question.choices[1].text == "sai // không phải chú thích"


def test_category_applies_to_the_following_questions():
    result = parse_gift(
        "Câu 0.{T}\n\n"
        "$CATEGORY: $course$/top/An ninh mạng/Pháp luật\n\n"
        "Câu 1.{T}\n\n"
        "Câu 2.{F}\n\n"
        "// chuyển danh mục\n$CATEGORY: Kỹ năng số\n"
        "Câu 3.{T}"
    )

    assert [(q.text, q.category) for q in result.questions] == [
        ("Câu 0.", ""),
        ("Câu 1.", "An ninh mạng/Pháp luật"),
        ("Câu 2.", "An ninh mạng/Pháp luật"),
        ("Câu 3.", "Kỹ năng số"),
    ]
    assert result.questions[3].line == 11


def test_tags_come_from_the_comment_above_the_question():
    question = _one("// [tag:luật] [tag:an ninh mạng] [id:q1]\nCâu.{T}")

    assert question.tags == ["luật", "an ninh mạng"]


# Escapes ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("escaped", "char"),
    [
        ("\\~", "~"),
        ("\\=", "="),
        ("\\#", "#"),
        ("\\{", "{"),
        ("\\}", "}"),
        ("\\:", ":"),
        ("\\\\", "\\"),
        ("\\n", "\n"),
    ],
)
def test_each_escape_in_text_name_answer_and_feedback(escaped, char):
    question = _one(
        f"::Tên {escaped} x::Câu {escaped} x{{=Đáp {escaped} x#Phản hồi {escaped} x"
        f" ~sai}}"
    )

    assert question.name == f"Tên {char} x"
    assert question.text == f"Câu {char} x"
    assert question.choices[0].text == f"Đáp {char} x"
    assert question.choices[0].feedback == f"Phản hồi {char} x"


def test_escaped_backslash_before_a_brace_leaves_the_brace_active():
    question = _one("Đường dẫn C:\\\\{=a ~b}")

    assert question.text == "Đường dẫn C:\\"


def test_a_lone_backslash_is_kept():
    question = _one("Dấu \\ và \\a{T}")

    assert question.text == "Dấu \\ và \\a"


def test_escaped_double_colon_is_not_a_name():
    question = _one("\\:\\:không phải tên\\:\\: câu hỏi{T}")

    assert (question.name, question.text) == ("", "::không phải tên:: câu hỏi")


# Errors -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("Câu hỏi {=a ~b", 1, "not closed with }"),
        ("Câu hỏi\n=a ~b}", 2, "no opening brace"),
        ("Câu 1 {=a ~b\nCâu 2 {=c ~d}", 2, "inside an answer block"),
        ("Câu 1 {T}\nCâu 2 {F}", 2, "only one answer block"),
        ("::Tên chưa đóng câu hỏi {T}", 1, "name is not closed"),
        ("Đây chỉ là một đoạn văn.", 1, "not part of a question"),
        ("Câu {~a ~b ~c}", 1, "no right answer"),
        ("Câu {~%50%a ~%20%b ~c}", 1, "add up to 70 percent, not 100"),
        ("Câu {~a =b ~%150%c}", 1, "between minus 100 and 100 percent"),
        ("Câu {=a ~}", 1, "answer has no text"),
        ("Câu {~%5,5%a =b}", 1, "%5,5% is not a number"),
        ("Câu {xin chào ~a =b}", 1, "text before the first answer"),
        ("Câu {~a}", 1, "at least two answers"),
        ("Ghép {=a -> b}", 1, "at least two pairs"),
        ("Ghép {=a -> b =c -> d =e}", 1, "=item -> answer"),
        ("Ghép {=a -> b =c -> }", 1, "no answer after ->"),
        ("Câu {TRUE FALSE}", 1, "answers cannot be read"),
        ("Câu {Đúng}", 1, "answers cannot be read"),
        ("Câu {=%50%a =%20%b}", 1, "full credit"),
        ("Câu {=}", 1, "accepted answer has no text"),
        ("::Tên::{T}", 1, "no text"),
        ("Số {#}", 1, "no answer"),
        ("Số {#abc}", 1, "“abc” is not a number"),
    ],
)
def test_malformed_question_is_refused_with_its_line_and_reason(text, line, reason):
    problems = _problems(text)

    assert len(problems) == 1
    assert problems[0][0] == line
    assert reason in problems[0][1]


def test_every_problem_in_the_file_is_reported_and_nothing_is_kept():
    text = (
        "Câu tốt.{T}\n"
        "\n"
        "Câu hỏng {=a\n"
        "\n"
        "// chú thích\n"
        "Câu cũng tốt.{=a ~b}\n"
        "\n"
        "Câu hỏng {\n"
        "~a\n"
        "~b\n"
        "}\n"
        "\n"
        "Lạc đề"
    )

    assert [line for line, _message in _problems(text)] == [3, 8, 13]


def test_error_line_points_at_the_answer_inside_a_multi_line_block():
    problems = _problems("Câu hỏi\n{\n=a\n~%9x9%b\n~\n}")

    assert [line for line, _message in problems] == [5]


def test_problem_reads_as_a_sentence_with_its_line():
    with pytest.raises(QuestionFileError) as caught:
        parse_gift("\n\nCâu {=a")

    assert str(caught.value) == (
        "Line 3: The answer block opened with { is not closed with }."
    )
