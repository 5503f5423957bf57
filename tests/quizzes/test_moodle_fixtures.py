"""Moodle's own importer fixtures (tests/quizzes/fixtures/moodle, see SOURCE.md)
read and imported with what Moodle's tests expect of them."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from quizzes.formats import parse_moodle_xml
from quizzes.importing import questions_import
from quizzes.models import Question, QuestionCategory

MOODLE = Path(__file__).parent / "fixtures" / "moodle"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _read(name: str) -> bytes:
    return (MOODLE / name).read_bytes()


def test_category_description_and_idnumber_are_read():
    result = parse_moodle_xml(_read("category_with_description.xml"))

    alpha = result.categories["Alpha"]
    assert alpha.description == "This is Alpha category for test"
    assert alpha.description_format == "moodle"
    assert alpha.idnumber == "alpha-idnumber"
    (question,) = result.questions
    assert (question.qtype, question.category, question.correct) == (
        "true_false",
        "Alpha",
        True,
    )
    assert question.name == "Alpha Question"


def test_nested_categories_keep_their_order_types_and_descriptions():
    result = parse_moodle_xml(_read("nested_categories_with_questions.xml"))

    assert [(q.name, q.qtype, q.category) for q in result.questions] == [
        ("Iota Question", "true_false", "Iota"),
        ("Kappa Essay Question", "essay", "Iota/Kappa"),
        ("Kappa Question", "true_false", "Iota/Kappa"),
        ("Lambda Question", "true_false", "Iota/Kappa/Lambda"),
        ("Mu Question", "true_false", "Iota/Mu"),
    ]
    assert {
        path: (c.description, c.description_format)
        for path, c in result.categories.items()
    } == {
        "Iota": ("This is Iota category for test", "plain"),
        "Iota/Kappa": ("This is Kappa category for test", "markdown"),
        "Iota/Kappa/Lambda": ("This is Lambda category for test", "moodle"),
        "Iota/Mu": ("This is Mu category for test", "moodle"),
    }
    assert all(q.points == Decimal("1") for q in result.questions)


def test_idnumbers_with_html_characters_are_kept_as_text():
    result = parse_moodle_xml(_read("html_chars_in_idnumbers.xml"))

    assert result.categories["Alpha"].idnumber == "The inequalities < & >"
    assert result.questions[0].idnumber == "T & F"


@pytest.mark.django_db
def test_import_keeps_category_descriptions_and_idnumbers():
    report = questions_import(
        data=_read("nested_categories_with_questions.xml"), fmt="moodlexml"
    )

    assert report.created == 5
    kappa = QuestionCategory.objects.get(full_path="Iota/Kappa")
    assert kappa.description == "<p>This is Kappa category for test</p>"
    assert kappa.questions.count() == 2
    assert Question.objects.filter(category__full_path="Iota/Mu").count() == 1

    questions_import(data=_read("html_chars_in_idnumbers.xml"), fmt="moodlexml")

    alpha = QuestionCategory.objects.get(full_path="Alpha")
    assert alpha.idnumber == "The inequalities < & >"
    assert alpha.description == "<p>This is Alpha category for test</p>"
    assert alpha.questions.get().idnumber == "T & F"


@pytest.mark.django_db
def test_a_later_import_does_not_overwrite_a_description_staff_wrote():
    QuestionCategory.objects.create(name="Alpha", description="<p>Của trường</p>")

    questions_import(data=_read("category_with_description.xml"), fmt="moodlexml")

    alpha = QuestionCategory.objects.get(full_path="Alpha")
    assert alpha.description == "<p>Của trường</p>"
    assert alpha.idnumber == "alpha-idnumber"


def test_old_image_fixture_refuses_the_cloze_question_on_its_line():
    result = parse_moodle_xml(_read("sample_questions_with_old_image_tag.xml"))

    (refused,) = result.unsupported
    assert refused.line == 16
    assert "cloze question with image" in refused.message
    (question,) = result.questions
    assert question.qtype == "single_choice"
    assert [(c.text, c.fraction) for c in question.choices] == [
        ("wrong answer", Decimal("0")),
        ("another wrong answer", Decimal("0")),
        ("right answer", Decimal("1")),
    ]
    assert question.category == "Default for Test images in backup"
