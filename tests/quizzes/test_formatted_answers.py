# ruff: noqa: E501 - the Moodle XML samples keep one element a line
"""Answers and matching items written in HTML keep their formatting and
pictures on the attempt and review pages; the import preview lists every
category of the file."""

import base64
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lms.people.models import Role, School
from quizzes.importing import questions_import
from quizzes.models import Question, QuestionCategory, QuizAttempt
from quizzes.results import answer_html
from tests.quizzes.factories import QuizPageFactory, add_slots

pytestmark = pytest.mark.django_db

MOODLE = Path(__file__).parent / "fixtures" / "moodle"
PNG = base64.b64decode(
    re.search(
        rb"<image_base64>\s*([^<]+?)\s*</image_base64>",
        (MOODLE / "sample_questions_with_old_image_tag.xml").read_bytes(),
    )
    .group(1)
    .decode()
)
FILE = (
    f'<file name="flag.png" encoding="base64">{base64.b64encode(PNG).decode()}</file>'
)

MATCHING = f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="matching">
    <name><text>Ghép điều luật</text></name>
    <questiontext format="html"><text>Ghép điều luật với nội dung.</text></questiontext>
    <subquestion format="html">
      <text><![CDATA[<p><b>Điều 8</b> <img src="@@PLUGINFILE@@/flag.png" alt="cờ"></p>]]></text>
      {FILE}
      <answer><text>Hành vi bị cấm</text></answer>
    </subquestion>
    <subquestion format="html">
      <text>Điều 29</text>
      <answer><text>Bảo vệ trẻ em</text></answer>
    </subquestion>
    <subquestion format="html">
      <text><![CDATA[<p><img src="@@PLUGINFILE@@/flag.png" alt="chỉ có hình"></p>]]></text>
      <answer><text>Lá cờ</text></answer>
    </subquestion>
  </question>
</quiz>
""".encode()

CHOICE = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="multichoice">
    <name><text>Ngôn ngữ</text></name>
    <questiontext format="html"><text>Chọn ngôn ngữ.</text></questiontext>
    <single>true</single>
    <answer fraction="100" format="html"><text><![CDATA[<p><b>Tiếng Anh</b></p>]]></text></answer>
    <answer fraction="0" format="html"><text><![CDATA[<p><i>Tiếng Pháp</i></p>]]></text></answer>
  </question>
</quiz>
""".encode()


def _start(client, student, make_course, question, **quiz_options):
    course, _lessons = make_course(lessons=0)
    quiz = QuizPageFactory(parent=course, pass_mark=50, **quiz_options)
    add_slots(quiz, [question])
    client.force_login(student)
    client.post(quiz.url, {"action": "start"})
    return QuizAttempt.objects.get(user=student)


def test_matching_items_keep_their_formatting_and_pictures(
    client, make_course, student
):
    questions_import(data=MATCHING, fmt="moodlexml")
    question = Question.objects.get()
    first, second, picture = question.pairs.order_by("sort_order")
    assert first.prompt == "Điều 8" and "<b>Điều 8</b>" in first.prompt_html
    assert second.prompt == "Điều 29" and second.prompt_html == ""
    # A picture-only item is an item, not a distractor.
    assert picture.prompt and "<embed" in picture.prompt_html

    attempt = _start(client, student, make_course, question)
    page = client.get(reverse("lms_quizzes:attempt", args=[attempt.pk]))

    html = page.content.decode()
    assert "<b>Điều 8</b>" in html and 'alt="chỉ có hình"' in html
    assert "@@PLUGINFILE@@" not in html and "&lt;b&gt;" not in html
    labels = re.findall(r"<label[^>]*>(.*?)</label>", html, re.DOTALL)
    assert not any("<p" in label for label in labels)


def test_the_review_shows_formatted_answers_given_and_correct(
    client, make_course, student
):
    questions_import(data=CHOICE, fmt="moodlexml")
    question = Question.objects.get()
    attempt = _start(
        client, student, make_course, question, review_correct_answers=True
    )
    (shown,) = attempt.snapshot
    wrong = next(c for c in shown["choices"] if c["fraction"].startswith("0"))

    client.post(
        reverse("lms_quizzes:submit", args=[attempt.pk]), {shown["key"]: wrong["key"]}
    )
    review = client.get(reverse("lms_quizzes:review", args=[attempt.pk]))

    main = review.content.decode().split("<main", 1)[-1]
    assert '<p class="answer-text"><i>Tiếng Pháp</i></p>' in main
    assert '<p class="answer-text"><b>Tiếng Anh</b></p>' in main
    assert "&lt;" not in main


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("<p>một</p>", "một"),
        ("<p>một</p>\n<p>hai</p>", "một<br>hai"),
        ("<ul><li>một</li></ul>", "<ul><li>một</li></ul>"),
        ("chữ <b>đậm</b>", "chữ <b>đậm</b>"),
    ],
)
def test_answer_html_drops_the_paragraph_around_an_answer(stored, shown):
    assert answer_html(stored) == shown


EMPTY_CATEGORY = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/Luat</text></category></question>
  <question type="category"><category><text>$course$/top/Luat/Trong</text></category></question>
  <question type="category"><category><text>$course$/top/Luat/Co cau hoi</text></category></question>
  <question type="truefalse">
    <name><text>Câu</text></name>
    <questiontext format="html"><text>Đúng?</text></questiontext>
    <answer fraction="100"><text>true</text></answer>
    <answer fraction="0"><text>false</text></answer>
  </question>
</quiz>
""".encode()


def test_the_preview_lists_categories_that_hold_no_question(client, make_learner):
    client.force_login(make_learner("qtt", role=Role.SCHOOL_ADMIN))

    preview = client.post(
        reverse("lms_quizzes_import"),
        {
            "file": SimpleUploadedFile("bank.xml", EMPTY_CATEGORY),
            "fmt": "moodlexml",
            "owner": School.objects.order_by("pk").first().pk,
        },
    )

    assert preview.context["report"].empty_categories == ["Luat", "Luat/Trong"]
    page = preview.content.decode()
    assert "không chứa câu hỏi nào" in page and "<li>Luat/Trong</li>" in page
    client.post(reverse("lms_quizzes_import"), {"token": preview.context["token"]})
    assert QuestionCategory.objects.filter(full_path="Luat/Trong").exists()


def test_a_gift_category_with_no_question_is_created():
    gift = "$CATEGORY: Luật/Trống\n\n$CATEGORY: Luật/Có\n\n::C::Đúng?{T}\n"

    report = questions_import(data=gift.encode(), fmt="gift")

    assert report.empty_categories == ["Luật/Trống"]
    assert QuestionCategory.objects.filter(full_path="Luật/Trống").exists()
