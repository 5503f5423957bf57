"""Writing questions and reading them back gives the same questions."""

import dataclasses
from decimal import Decimal

import pytest
from django.utils import translation

from quizzes.formats import (
    ParsedChoice,
    ParsedPair,
    ParsedQuestion,
    QuestionFileError,
    parse,
    parse_gift,
    parse_moodle_xml,
    write_gift,
    write_moodle_xml,
)

SPECIAL = r"~ = # { } : \ \\ \n"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _choice(text, fraction, feedback="", fmt="moodle", feedback_format="moodle"):
    return ParsedChoice(
        text=text,
        fraction=Decimal(fraction),
        feedback=feedback,
        text_format=fmt,
        feedback_format=feedback_format,
    )


def _varied_questions() -> list[ParsedQuestion]:
    return [
        ParsedQuestion(
            qtype="single_choice",
            name="Điều 8: hành vi bị cấm",
            text="Hành vi nào bị nghiêm cấm theo Luật An ninh mạng? " + SPECIAL,
            line=0,
            text_format="moodle",
            category="An ninh mạng/Pháp luật",
            choices=[
                _choice("Đăng tin giả gây hoang mang", "1", "Đúng: Điều 8 {khoản 1}"),
                _choice("Chia sẻ kiến thức ~ bảo mật", "0", "Sai = không cấm"),
                _choice("Học #lập trình", "0.5", "Một nửa: 50%", fmt="plain"),
                _choice("[html] là một thẻ", "0", "<b>Sai</b>", feedback_format="html"),
            ],
            general_feedback="Xem Điều 8 Luật An ninh mạng 2018.",
            general_feedback_format="moodle",
            tags=["luật", "an ninh mạng"],
        ),
        ParsedQuestion(
            qtype="multiple_choice",
            name="Bảo vệ tài khoản",
            text="<p>Những cách nào <b>bảo vệ</b> tài khoản?</p>",
            line=0,
            text_format="html",
            category="An ninh mạng/Kỹ năng",
            choices=[
                _choice("Bật xác thực hai yếu tố", "0.5", "Đúng", "html", "html"),
                _choice("Không bấm link lạ", "0.5", "", "html", "html"),
                _choice(
                    "Cho bạn mượn mật khẩu", "-1", "Không bao giờ!", "html", "html"
                ),
                _choice("%50% khuyến mãi", "0", "", "html", "html"),
                _choice("Một phần ba", "0", "*Không*", "plain", "markdown"),
            ],
            general_feedback="**Mật khẩu** là của riêng em.",
            general_feedback_format="markdown",
        ),
        ParsedQuestion(
            qtype="true_false",
            name="Quyền riêng tư",
            text="Đăng ảnh bạn khi chưa được đồng ý là vi phạm quyền riêng tư: đúng?",
            line=0,
            category="An ninh mạng/Kỹ năng",
            text_format="moodle",
            correct=True,
            feedback_true="Chính xác #1",
            feedback_false="Sai rồi {xem lại bài 2}",
            general_feedback="Nguồn: Bộ quy tắc ứng xử trên mạng xã hội.",
            general_feedback_format="moodle",
        ),
        ParsedQuestion(
            qtype="true_false",
            text="Mật khẩu 123456 là an toàn.",
            line=0,
            category="",
            text_format="plain",
            correct=False,
            feedback_true="",
            feedback_false="Đúng, nó rất yếu.",
            general_feedback_format="plain",
        ),
        ParsedQuestion(
            qtype="short_answer",
            name="Tổng đài 111",
            text="Số điện thoại Tổng đài quốc gia bảo vệ trẻ em là _____.",
            line=0,
            text_format="moodle",
            choices=[
                _choice("111", "1", "Đúng!", fmt="plain"),
                _choice("một một một", "1", "", fmt="plain"),
                _choice("11*", "0.25", "Gần đúng: 11 ~ 111", fmt="plain"),
                _choice("%100% [x]", "0", "", fmt="plain"),
            ],
            general_feedback_format="moodle",
        ),
        ParsedQuestion(
            qtype="matching",
            name="Ghép luật",
            text="Ghép <b>văn bản</b> với năm ban hành.",
            line=0,
            text_format="html",
            pairs=[
                ParsedPair("Luật An ninh mạng", "2018", "html"),
                ParsedPair("Luật Trẻ em", "2016 {sửa đổi: 2018}", "plain"),
                ParsedPair("Nghị định 13", "2023 = mới", "markdown"),
                ParsedPair("", "1999", "html"),
            ],
            general_feedback="Xem thư viện pháp luật.",
            general_feedback_format="html",
            tags=["ghép"],
        ),
        ParsedQuestion(
            qtype="essay",
            name="Bắt nạt trên mạng",
            text="Em sẽ làm gì khi bị bắt nạt trên mạng?\nHãy trình bày ngắn gọn.",
            line=0,
            text_format="moodle",
            general_feedback="Gợi ý: báo người lớn \\ gọi 111 & <b>]]></b>.",
            general_feedback_format="moodle",
        ),
    ]


def _without_lines(questions):
    return [dataclasses.replace(question, line=0) for question in questions]


def test_gift_round_trip_gives_back_every_question():
    questions = _varied_questions()

    result = parse_gift(write_gift(questions))

    assert _without_lines(result.questions) == questions
    assert result.unsupported == []


def test_moodle_xml_round_trip_gives_back_every_question():
    questions = _varied_questions()

    result = parse_moodle_xml(write_moodle_xml(questions).encode())

    assert _without_lines(result.questions) == questions


def test_moodle_xml_round_trip_keeps_points_and_case_sensitivity():
    questions = [
        dataclasses.replace(question, points=Decimal("2.5"), case_sensitive=True)
        if question.qtype == "short_answer"
        else dataclasses.replace(question, points=Decimal("3"))
        for question in _varied_questions()
    ]

    result = parse_moodle_xml(write_moodle_xml(questions).encode())

    assert _without_lines(result.questions) == questions


def test_gift_writer_escapes_every_special_character():
    question = ParsedQuestion(
        qtype="essay", text="a~b=c#d{e}f:g\\h\nnew line", line=0, text_format="moodle"
    )

    written = write_gift([question])

    assert written == "a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h\\nnew line{}\n"


def test_gift_writer_marks_a_text_that_would_read_as_a_comment():
    question = ParsedQuestion(
        qtype="essay", text="// không phải chú thích", line=0, text_format="moodle"
    )

    result = parse_gift(write_gift([question]))

    assert result.questions[0].text == "// không phải chú thích"


def test_gift_writer_refuses_an_arrow_inside_a_matching_item():
    question = ParsedQuestion(
        qtype="matching",
        text="Ghép",
        line=0,
        pairs=[ParsedPair("a -> b", "c"), ParsedPair("d", "e")],
    )

    with pytest.raises(ValueError, match="->"):
        write_gift([question])


def test_parse_reads_gift_bytes_with_a_byte_order_mark():
    data = "\ufeff::Điều 8::Hành vi nào bị cấm?{=Tin giả ~Chia sẻ}".encode()

    result = parse(data, "gift")

    assert result.questions[0].name == "Điều 8"


def test_parse_refuses_text_that_is_not_utf8_and_names_the_line():
    data = "Câu 1{T}\n\nCâu 2{F}".encode("cp1258")

    with pytest.raises(QuestionFileError) as caught:
        parse(data, "aiken")

    assert caught.value.problems[0].line == 1
    assert "UTF-8" in caught.value.problems[0].message


def test_parse_refuses_an_unknown_format():
    with pytest.raises(ValueError, match="qti"):
        parse(b"", "qti")
