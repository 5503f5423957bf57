"""Untrusted HTML is cleaned once, on the way in (lms.html)."""

import importlib
import io
import random
import re

import pytest
from django.apps import apps
from django.urls import reverse
from openpyxl import Workbook

from lms.html import html_clean, html_to_text
from quizzes.importing import questions_import
from quizzes.models import Choice, MatchPair, Question, QuizAttempt
from quizzes.services import attempt_start, attempt_submit
from tests.quizzes.factories import QuizPageFactory, add_slots, single_choice

ATTACKS = [
    "<script>alert('xss')</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">link</a>',
    '<iframe src="https://evil.example"></iframe>',
    "<svg onload=alert(1)><circle r=1></circle></svg>",
    '<p style="background:url(https://evil.example/x)" onclick="alert(1)">p</p>',
    '<a href="JaVa&#x09;ScRiPt:alert(1)">x</a>',
    '<img src="data:image/svg+xml;base64,PHN2Zz4=">',
    '<object data="x.swf"></object><embed embedtype="media" url="https://x"/>',
]
ATTACK = "".join(ATTACKS)
# Live markup (escaped text such as "&lt;script&gt;" is harmless and allowed).
LIVE = [
    re.compile(r"<script[^>]*>\s*alert", re.I),
    re.compile(r"<[a-z][^>]*\son\w+\s*=", re.I),
    re.compile(r"<[a-z][^>]*javascript:", re.I),
    re.compile(r"<iframe|<object|<svg[^>]*onload", re.I),
    re.compile(r'<embed[^>]*embedtype="media"', re.I),
]
# Stored HTML fields hold none of these tags at all.
FORBIDDEN_TAGS = re.compile(r"<(script|iframe|svg|object|style)\b", re.I)


def _assert_clean(html: str) -> None:
    for pattern in LIVE:
        assert not pattern.search(html), (pattern.pattern, html)


def _assert_clean_field(html: str) -> None:
    _assert_clean(html)
    assert not FORBIDDEN_TAGS.search(html), html


# The sanitiser ------------------------------------------------------------------


@pytest.mark.parametrize("attack", ATTACKS)
def test_attacks_do_not_survive_the_sanitiser(attack):
    _assert_clean_field(html_clean(attack))
    assert "data:" not in html_clean(attack)
    assert "style=" not in html_clean(attack)


def test_allowed_formatting_survives():
    html = (
        "<h2>Điều 8</h2><p><b>đậm</b> <strong>s</strong> <i>nghiêng</i> <em>e</em>"
        " <u>u</u> <s>s</s> H<sub>2</sub>O x<sup>2</sup></p>"
        "<ul><li>một</li></ul><ol><li>hai</li></ol><blockquote>trích</blockquote>"
        '<table><caption>Bảng</caption><thead><tr><th scope="col">A</th></tr>'
        '</thead><tbody><tr><td colspan="2" rowspan="1">1</td></tr></tbody></table>'
        '<p><img src="/media/images/a.png" alt="ảnh" width="100" height="50">'
        '<img src="https://a.example/b.jpg" alt="b"></p>'
    )
    assert html_clean(html) == html


def test_links_keep_safe_schemes_and_open_no_opener():
    cleaned = html_clean(
        '<a href="https://thuvienphapluat.vn/" target="_blank">luật</a>'
        '<a href="mailto:gv@truong.edu.vn">thư</a><a href="ftp://x">ftp</a>'
    )
    assert (
        '<a href="https://thuvienphapluat.vn/" rel="noopener noreferrer">luật</a>'
        in cleaned
    )
    assert 'href="mailto:gv@truong.edu.vn"' in cleaned
    assert "ftp:" not in cleaned


def test_wagtail_rich_text_references_pass_unchanged():
    stored = (
        '<p data-block-key="a1b2c">Xem <a linktype="page" id="3">bài</a>.</p>'
        '<embed alt="Sơ đồ" embedtype="image" format="fullwidth" id="12"/>'
    )
    cleaned = html_clean(stored)
    assert '<embed alt="Sơ đồ" embedtype="image" format="fullwidth" id="12"/>' in (
        cleaned
    )
    assert '<a linktype="page" id="3"' in cleaned
    assert 'data-block-key="a1b2c"' in cleaned
    assert html_clean(cleaned) == cleaned


def test_cleaning_is_idempotent_on_random_markup():
    rng = random.Random(23)  # noqa: S311 - reproducible test input
    pieces = [*ATTACKS, "<b>", "</b>", "<p>", "a < b & c", "<a href='/x'>", "</a>"]
    for _ in range(300):
        html = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 8)))
        cleaned = html_clean(html)
        _assert_clean_field(cleaned)
        assert html_clean(cleaned) == cleaned


def test_html_to_text_keeps_the_words_only():
    assert html_to_text("<p>a &lt; b <b>đúng</b></p><script>x()</script>") == (
        "a < b đúng"
    )


# Imports ------------------------------------------------------------------------


def _moodle_xml(with_format: bool) -> bytes:
    fmt = ' format="html"' if with_format else ""
    cdata = f"<![CDATA[{ATTACK}<b>Câu hỏi</b>]]>"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="multichoice">
    <name><text>Q</text></name>
    <questiontext{fmt}><text>{cdata}</text></questiontext>
    <generalfeedback{fmt}><text>{cdata}</text></generalfeedback>
    <single>true</single>
    <answer fraction="100"{fmt}><text>{cdata}</text>
      <feedback{fmt}><text>{cdata}</text></feedback></answer>
    <answer fraction="0"{fmt}><text>Sai</text>
      <feedback{fmt}><text>{cdata}</text></feedback></answer>
  </question>
  <question type="truefalse">
    <questiontext{fmt}><text>{cdata}</text></questiontext>
    <answer fraction="100"><text>true</text><feedback><text>{cdata}</text></feedback>
    </answer>
    <answer fraction="0"><text>false</text><feedback><text>{cdata}</text></feedback>
    </answer>
  </question>
  <question type="matching">
    <questiontext{fmt}><text>{cdata}</text></questiontext>
    <subquestion{fmt}><text>{cdata}</text><answer><text>A</text></answer>
    </subquestion>
    <subquestion{fmt}><text>Hai</text><answer><text>B</text></answer></subquestion>
  </question>
</quiz>""".encode()


def _gift() -> bytes:
    escaped = ATTACK.replace("=", r"\=").replace("{", r"\{").replace("}", r"\}")
    escaped = escaped.replace("#", r"\#").replace(":", r"\:").replace("~", r"\~")
    return (
        f"::Q1:: [html]{escaped}<b>Câu hỏi</b> {{\n"
        f"=Đúng#{escaped}\n~Sai#{escaped}\n####{escaped}\n}}\n\n"
        f"::Q2:: [html]{escaped} {{TRUE#{escaped}#{escaped}}}\n"
    ).encode()


def _aiken() -> bytes:
    return f"{ATTACK}Câu hỏi?\nA. {ATTACK}\nB. Sai\nANSWER: A\n".encode()


def _xlsx() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "Loại câu hỏi (Type)",
            "Câu hỏi (Question)",
            "Phương án A (Option A)",
            "Phương án B (Option B)",
            "Đáp án đúng (Correct answer)",
            "Phản hồi chung (General feedback)",
        ]
    )
    sheet.append(["một đáp án", ATTACK + "Câu hỏi?", ATTACK, "Sai", "A", ATTACK])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _assert_nothing_dirty_stored() -> None:
    assert Question.objects.exists()
    for question in Question.objects.all():
        for name in ("text", "general_feedback", "feedback_true", "feedback_false"):
            _assert_clean_field(getattr(question, name))
    for choice in Choice.objects.all():
        _assert_clean_field(choice.feedback)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fmt", "data"),
    [
        ("gift", _gift()),
        ("moodlexml", _moodle_xml(with_format=True)),
        ("moodlexml", _moodle_xml(with_format=False)),
        ("aiken", _aiken()),
        ("xlsx", _xlsx()),
    ],
    ids=["gift-html", "moodle-format-html", "moodle-no-format", "aiken", "xlsx"],
)
def test_imported_attacks_never_reach_the_database(fmt, data):
    questions_import(data=data, fmt=fmt)
    _assert_nothing_dirty_stored()


@pytest.mark.django_db
@pytest.mark.parametrize("with_format", [True, False])
def test_html_choices_and_matching_items_are_stored_as_their_text(with_format):
    questions_import(data=_moodle_xml(with_format), fmt="moodlexml")
    for text in [c.text for c in Choice.objects.all()] + [
        p.prompt for p in MatchPair.objects.all()
    ]:
        assert "<" not in text, text
    assert Choice.objects.filter(text__endswith="Câu hỏi").exists()


@pytest.mark.django_db
def test_imported_html_keeps_its_formatting():
    questions_import(data=_moodle_xml(with_format=False), fmt="moodlexml")
    question = Question.objects.get(qtype="single_choice")
    assert "<b>Câu hỏi</b>" in question.text
    assert "<b>Câu hỏi</b>" in question.general_feedback


# Forms and code -----------------------------------------------------------------


@pytest.mark.django_db
def test_html_fields_set_by_code_or_a_form_are_cleaned_on_save():
    question = single_choice(
        text=f"<p>{ATTACK}Hỏi?</p>", feedback_true=ATTACK, feedback_false=ATTACK
    )
    Choice.objects.create(question=question, text="c", fraction=0, feedback=ATTACK)
    question.general_feedback = ATTACK
    question.save()
    _assert_nothing_dirty_stored()


@pytest.mark.django_db
def test_admin_question_form_stores_no_attack(client, superuser):
    question = single_choice()
    client.force_login(superuser)
    url = reverse("wagtailsnippets_lms_quizzes_question:edit", args=[question.pk])
    form = client.get(url).context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or name in ("legal_references", "principles"):
            continue
        data[name] = value.pk if hasattr(value, "pk") else value
    # Draftail posts its content state, not HTML.
    for name in ("text", "general_feedback"):
        data[name] = form.fields[name].widget.format_value(form[name].value())
    data["feedback_true"] = ATTACK
    for prefix, formset in form.formsets.items():
        data[f"{prefix}-TOTAL_FORMS"] = len(formset.forms)
        data[f"{prefix}-INITIAL_FORMS"] = formset.initial_form_count()
        data[f"{prefix}-MIN_NUM_FORMS"] = 0
        data[f"{prefix}-MAX_NUM_FORMS"] = 1000
        for index, child in enumerate(formset.forms):
            for name in child.fields:
                value = child[name].value()
                if value is not None:
                    data[f"{prefix}-{index}-{name}"] = value
            if prefix == "choices":
                data[f"{prefix}-{index}-feedback"] = ATTACK
            data[f"{prefix}-{index}-ORDER"] = index + 1
    # Published, so the row (not only a draft revision) holds what was sent.
    response = client.post(url, {**data, "action-publish": "1"})
    assert response.status_code == 302, getattr(response, "context", {}) and (
        response.context["form"].errors
    )
    question.refresh_from_db()
    assert question.choices.count() == 3
    _assert_nothing_dirty_stored()


# Pages --------------------------------------------------------------------------


@pytest.mark.django_db
def test_imported_attacks_reach_no_page(client, make_course, student, superuser, rf):
    questions_import(data=_gift(), fmt="gift")
    questions_import(data=_moodle_xml(with_format=False), fmt="moodlexml")
    course, _lessons = make_course(lessons=0)
    quiz = QuizPageFactory(parent=course, pass_mark=70)
    questions = list(Question.objects.exclude(qtype="matching"))
    add_slots(quiz, questions)
    attempt = attempt_start(user=student, quiz=quiz)
    client.force_login(student)
    page = client.get(reverse("lms_quizzes:attempt", args=[attempt.pk]))
    assert page.status_code == 200
    _assert_clean(page.content.decode())
    answers = {}
    for item in attempt.snapshot:
        if item["choices"]:
            right = max(item["choices"], key=lambda c: float(c["fraction"]))
            answers[item["key"]] = right["key"]
        elif item["qtype"] == "true_false":
            answers[item["key"]] = "true"
    attempt_submit(attempt=attempt, answers=answers)
    review = client.get(reverse("lms_quizzes:review", args=[attempt.pk]))
    assert review.status_code == 200
    assert "<b>Câu hỏi</b>" in review.content.decode()
    _assert_clean(review.content.decode())
    request = rf.get("/admin/")
    request.user = superuser
    for question in questions:
        preview = question.serve_preview(request, "")
        preview.render()
        _assert_clean(preview.content.decode())


# The data migration ---------------------------------------------------------------


@pytest.mark.django_db
def test_data_migration_cleans_existing_rows(make_course, student):
    course, _lessons = make_course(lessons=0)
    quiz = QuizPageFactory(parent=course)
    question = single_choice()
    add_slots(quiz, [question])
    attempt = attempt_start(user=student, quiz=quiz)
    # Rows stored before the sanitiser existed (update() skips the clean on save).
    Question.objects.filter(pk=question.pk).update(
        text=ATTACK + "<b>giữ</b>", general_feedback=ATTACK, feedback_true=ATTACK
    )
    Choice.objects.filter(question=question).update(feedback=ATTACK)
    snapshot = attempt.snapshot
    snapshot[0]["text"] = ATTACK
    snapshot[0]["choices"][0]["feedback"] = ATTACK
    QuizAttempt.objects.filter(pk=attempt.pk).update(snapshot=snapshot)

    migration = importlib.import_module("quizzes.migrations.0009_clean_stored_html")
    migration.clean_stored_html(apps, None)

    _assert_nothing_dirty_stored()
    assert "<b>giữ</b>" in Question.objects.get(pk=question.pk).text
    attempt.refresh_from_db()
    _assert_clean_field(attempt.snapshot[0]["text"])
    _assert_clean_field(attempt.snapshot[0]["choices"][0]["feedback"])
