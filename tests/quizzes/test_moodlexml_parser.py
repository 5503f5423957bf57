"""Moodle XML read as Moodle's qformat_xml reads it, safely."""

from decimal import Decimal

import pytest
from django.utils import translation

from quizzes.formats import (
    ParsedChoice,
    ParsedPair,
    QuestionFileError,
    parse,
    parse_moodle_xml,
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


MOODLE_EXPORT = """\
<?xml version="1.0" encoding="UTF-8"?>
<quiz>
<!-- question: 0  -->
  <question type="category">
    <category>
      <text>$course$/top/Default for Lớp 8/An ninh mạng</text>
    </category>
    <info format="moodle_auto_format"><text></text></info>
  </question>
<!-- question: 1  -->
  <question type="multichoice">
    <name><text>Điều 8</text></name>
    <questiontext format="html">
      <text><![CDATA[<p>Hành vi nào bị <b>nghiêm cấm</b>?</p>]]></text>
    </questiontext>
    <generalfeedback format="html"><text>Xem Điều 8.</text></generalfeedback>
    <defaultgrade>2.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
    <single>true</single>
    <shuffleanswers>true</shuffleanswers>
    <answernumbering>abc</answernumbering>
    <correctfeedback format="html"><text>Đúng rồi.</text></correctfeedback>
    <answer fraction="100" format="html">
      <text>Đăng tin giả</text>
      <feedback format="html"><text>Chính xác!</text></feedback>
    </answer>
    <answer fraction="0" format="plain_text">
      <text>Chia sẻ kiến thức</text>
      <feedback><text>Không cấm.</text></feedback>
    </answer>
    <tags>
      <tag><text>luật</text></tag>
      <tag><text>điều 8</text></tag>
    </tags>
  </question>
  <question type="multichoice">
    <name><text>Ba đáp án đúng</text></name>
    <questiontext format="moodle_auto_format">
      <text>Chọn các ý đúng.</text>
    </questiontext>
    <single>false</single>
    <answer fraction="33.33333"><text>a</text></answer>
    <answer fraction="33.33333"><text>b</text></answer>
    <answer fraction="33.33333"><text>c</text></answer>
    <answer fraction="-100"><text>d</text></answer>
    <answer fraction="0"><text></text></answer>
  </question>
  <question type="numerical">
    <name><text>Hai cộng hai</text></name>
    <questiontext format="html"><text>2 + 2 = ?</text></questiontext>
    <answer fraction="100"><text>4</text><tolerance>0</tolerance></answer>
  </question>
  <question type="truefalse">
    <name><text>Mật khẩu</text></name>
    <questiontext format="markdown">
      <text>Mật khẩu **123456** là an toàn.</text>
    </questiontext>
    <answer fraction="0" format="moodle_auto_format">
      <text>true</text>
      <feedback format="html"><text>Sai: quá dễ đoán.</text></feedback>
    </answer>
    <answer fraction="100" format="moodle_auto_format">
      <text>false</text>
      <feedback format="html"><text>Đúng.</text></feedback>
    </answer>
  </question>
  <question type="category">
    <category><text>$course$/top/Default for Lớp 8/Kỹ năng</text></category>
  </question>
  <question type="shortanswer">
    <name><text>Tổng đài</text></name>
    <questiontext format="html"><text>Tổng đài bảo vệ trẻ em?</text></questiontext>
    <usecase>1</usecase>
    <answer fraction="100" format="moodle_auto_format">
      <text>111</text>
      <feedback format="html"><text>Đúng!</text></feedback>
    </answer>
    <answer fraction="0"><text>*</text></answer>
  </question>
  <question type="cloze">
    <name><text>Cloze</text></name>
    <questiontext format="html"><text>{1:SHORTANSWER:=a}</text></questiontext>
  </question>
  <question type="matching">
    <name><text>Ghép</text></name>
    <questiontext format="html"><text>Ghép luật với năm.</text></questiontext>
    <shuffleanswers>true</shuffleanswers>
    <subquestion format="html">
      <text><![CDATA[<p>Luật An ninh mạng</p>]]></text>
      <answer><text>2018</text></answer>
    </subquestion>
    <subquestion format="plain_text">
      <text>Luật Trẻ em</text>
      <answer><text>2016</text></answer>
    </subquestion>
    <subquestion format="html">
      <text></text>
      <answer><text>1999</text></answer>
    </subquestion>
    <subquestion format="html"><text></text><answer><text></text></answer></subquestion>
  </question>
  <question type="essay">
    <name><text>Bắt nạt</text></name>
    <questiontext format="html"><text>Em sẽ làm gì?</text></questiontext>
    <generalfeedback><text>Gợi ý: gọi 111.</text></generalfeedback>
    <defaultgrade>5</defaultgrade>
    <responseformat>editor</responseformat>
  </question>
  <question type="calculatedsimple">
    <name><text>Tính</text></name>
    <questiontext format="html"><text>{a} + {b}</text></questiontext>
  </question>
  <question type="ddwtos">
    <name><text>Kéo thả</text></name>
    <questiontext format="html"><text>[[1]]</text></questiontext>
  </question>
</quiz>
"""


@pytest.fixture
def export():
    return parse_moodle_xml(MOODLE_EXPORT.encode())


def test_supported_questions_in_order(export):
    assert [(q.qtype, q.name) for q in export.questions] == [
        ("single_choice", "Điều 8"),
        ("multiple_choice", "Ba đáp án đúng"),
        ("true_false", "Mật khẩu"),
        ("short_answer", "Tổng đài"),
        ("matching", "Ghép"),
        ("essay", "Bắt nạt"),
    ]


def test_unsupported_types_are_named_with_their_line(export):
    assert [p.line for p in export.unsupported] == [50, 82, 111, 115]
    messages = [p.message for p in export.unsupported]
    assert "“Hai cộng hai”" in messages[0] and "numerical" in messages[0]
    assert "cloze" in messages[1]
    assert "calculated" in messages[2]
    assert "drag and drop" in messages[3]


def test_lines_point_at_each_question(export):
    assert [q.line for q in export.questions] == [11, 38, 55, 72, 86, 104]


def test_category_applies_to_following_questions_without_moodle_prefix(export):
    assert [q.category for q in export.questions] == [
        "Default for Lớp 8/An ninh mạng",
        "Default for Lớp 8/An ninh mạng",
        "Default for Lớp 8/An ninh mạng",
        "Default for Lớp 8/Kỹ năng",
        "Default for Lớp 8/Kỹ năng",
        "Default for Lớp 8/Kỹ năng",
    ]


def test_single_choice_text_formats_feedback_points_and_tags(export):
    question = export.questions[0]

    assert question.text == "<p>Hành vi nào bị <b>nghiêm cấm</b>?</p>"
    assert question.text_format == "html"
    assert question.general_feedback == "Xem Điều 8."
    assert question.points == Decimal("2")
    assert question.tags == ["luật", "điều 8"]
    assert question.choices == [
        ParsedChoice("Đăng tin giả", Decimal("1"), "Chính xác!", "html", "html"),
        ParsedChoice("Chia sẻ kiến thức", Decimal("0"), "Không cấm.", "plain", "html"),
    ]


def test_percentages_become_fractions_and_blank_answers_are_dropped(export):
    question = export.questions[1]

    assert question.text_format == "moodle"
    assert [c.fraction for c in question.choices] == [
        Decimal("0.3333333"),
        Decimal("0.3333333"),
        Decimal("0.3333333"),
        Decimal("-1"),
    ]
    # Formats default to the question's.
    assert {c.text_format for c in question.choices} == {"moodle"}
    assert question.points == Decimal("1")


def test_true_false_reads_which_answer_is_right(export):
    question = export.questions[2]

    assert question.correct is False
    assert question.text_format == "markdown"
    assert question.feedback_true == "Sai: quá dễ đoán."
    assert question.feedback_false == "Đúng."


def test_short_answer_case_sensitivity_and_wildcard(export):
    question = export.questions[3]

    assert question.case_sensitive is True
    assert [(c.text, c.fraction, c.text_format) for c in question.choices] == [
        ("111", Decimal("1"), "plain"),
        ("*", Decimal("0"), "plain"),
    ]


def test_matching_keeps_formats_and_an_empty_prompt_distractor(export):
    question = export.questions[4]

    assert question.pairs == [
        ParsedPair("<p>Luật An ninh mạng</p>", "2018", "html"),
        ParsedPair("Luật Trẻ em", "2016", "plain"),
        ParsedPair("", "1999", "html"),
    ]


def test_essay_general_feedback_and_points(export):
    question = export.questions[5]

    assert question.general_feedback == "Gợi ý: gọi 111."
    assert question.general_feedback_format == "html"
    assert question.points == Decimal("5")


def test_old_true_false_export_with_translated_answers_is_read_in_order():
    result = parse_moodle_xml(
        """<quiz><question type="truefalse">
        <name><text>Cũ</text></name>
        <questiontext><text>Trái đất tròn.</text></questiontext>
        <answer fraction="100"><text>Đúng</text></answer>
        <answer fraction="0"><text>Sai</text></answer>
        </question></quiz>""".encode()
    )

    question = result.questions[0]
    assert question.correct is True
    assert question.text == "Trái đất tròn."


def test_text_is_normalised_to_nfc():
    data = (
        '<quiz><question type="essay"><questiontext format="plain_text">'
        "<text>Lua\u0323\u0302t</text></questiontext></question></quiz>"
    ).encode()

    assert parse_moodle_xml(data).questions[0].text == "Luật"


def test_parse_dispatches_moodle_xml_bytes():
    result = parse(MOODLE_EXPORT.encode(), "moodlexml")

    assert len(result.questions) == 6


def _problems(data: bytes) -> list[tuple[int, str]]:
    with pytest.raises(QuestionFileError) as caught:
        parse_moodle_xml(data)
    return [(problem.line, problem.message) for problem in caught.value.problems]


def test_billion_laughs_is_refused():
    data = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<quiz>&lol3;</quiz>"""

    problems = _problems(data)

    assert len(problems) == 1
    assert "refused for safety" in problems[0][1]


def test_external_entity_is_refused():
    data = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<quiz><question type="essay"><questiontext><text>&xxe;</text></questiontext>
</question></quiz>"""

    problems = _problems(data)

    assert "refused for safety" in problems[0][1]


def test_malformed_xml_names_its_line():
    problems = _problems(b"<quiz>\n<question type='essay'>\n</quiz>")

    assert problems[0][0] == 3
    assert problems[0][1].startswith("The file is not well-formed XML (mismatched tag")


def test_a_file_that_is_not_a_quiz_is_refused():
    problems = _problems(b"<html><body/></html>")

    assert "must be <quiz>" in problems[0][1]


def test_invalid_questions_are_all_reported_with_their_lines():
    data = """<quiz>
  <question type="multichoice">
    <questiontext><text>Không có đáp án đúng</text></questiontext>
    <single>true</single>
    <answer fraction="50"><text>a</text></answer>
    <answer fraction="0"><text>b</text></answer>
  </question>
  <question>
    <questiontext><text>x</text></questiontext>
  </question>
  <question type="matching">
    <questiontext><text>Ghép</text></questiontext>
    <subquestion><text>a</text><answer><text>1</text></answer></subquestion>
  </question>
  <question type="shortanswer">
    <questiontext><text>Ngắn</text></questiontext>
    <answer fraction="abc"><text>a</text></answer>
  </question>
  <question type="essay">
    <defaultgrade>-1</defaultgrade>
  </question>
</quiz>""".encode()

    problems = _problems(data)

    assert [line for line, _message in problems] == [2, 8, 11, 15, 19]
    assert "no right answer" in problems[0][1]
    assert "no type" in problems[1][1]
    assert "at least two pairs" in problems[2][1]
    assert "fraction is not a number" in problems[3][1]
    assert "not a number of points" in problems[4][1]
