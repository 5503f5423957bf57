"""Moodle's own importer fixtures (tests/quizzes/fixtures/moodle, see SOURCE.md)
read and imported with what Moodle's tests expect of them."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from quizzes.formats import parse_moodle_xml
from quizzes.formats.base import QuestionFileError
from quizzes.importing import ImportRefused, questions_import
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


def _summary(question) -> tuple:
    return (question.line, question.qtype, question.name, question.category)


def test_gift_questions_fixture_reads_as_moodle_reads_it():
    from quizzes.formats.gift import parse_gift

    result = parse_gift(_read("questions.gift.txt").decode())

    # Moodle imports 9 questions; its numerical Q5 (line 31) is a type we refuse.
    assert [_summary(q) for q in result.questions] == [
        (2, "essay", "Q8", ""),
        (5, "matching", "Moodle activities", ""),
        (14, "single_choice", "Q2", ""),
        (22, "multiple_choice", "colours", ""),
        (34, "short_answer", "Shortanswer", ""),
        (41, "true_false", "Q1", ""),
        (46, "true_false", "2-08 TSL", ""),
        (49, "true_false", "2-08 TSL", ""),
    ]
    assert [(p.line, "Q5" in p.message) for p in result.unsupported] == [(31, True)]
    essay, matching, single, multiple, short, true_false, tsl, tsl_again = (
        result.questions
    )
    assert (essay.text, essay.text_format) == ("How are you?", "moodle")
    assert [(p.answer, p.prompt_format) for p in matching.pairs] == [
        ("Forum", "html"),
        ("Choice", "moodle"),
        ("Database", "plain"),
        ("Wiki", "markdown"),
        ("Chat", "html"),
    ]
    assert matching.pairs[-1].prompt == ""  # Chat is a distractor
    assert [
        (c.text, c.fraction, c.text_format, c.feedback_format) for c in single.choices
    ] == [
        ("yellow", 1, "moodle", "moodle"),
        ("red", 0, "moodle", "html"),
        ("blue", 0, "plain", "moodle"),
    ]
    assert [c.fraction for c in multiple.choices] == [
        Decimal("0.5"),
        Decimal("-1"),
        Decimal("0.5"),
        Decimal("-1"),
    ]
    assert [(c.text, c.fraction) for c in short.choices] == [
        ("Frog", 1),
        ("Cat", Decimal("0.5")),
        ("*", 0),
    ]
    assert true_false.correct is False
    assert true_false.feedback_true == "42 is the Ultimate Answer."
    assert true_false.feedback_false == "You gave the right answer."
    assert true_false.general_feedback.startswith("This is, of course,")
    assert tsl.correct is True and tsl_again.correct is True


@pytest.mark.django_db
def test_gift_questions_fixture_is_refused_unless_the_numerical_is_skipped():
    data = _read("questions.gift.txt")
    with pytest.raises(ImportRefused) as refused:
        questions_import(data=data, fmt="gift")
    assert [p.line for p in refused.value.problems] == [31]
    assert not Question.objects.exists()

    report = questions_import(data=data, fmt="gift", skip_unsupported=True)

    assert report.created == 8 and [p.line for p in report.skipped] == [31]


@pytest.mark.django_db
def test_gift_questions_in_category_fixture_imports_into_its_category():
    report = questions_import(data=_read("questions_in_category.gift.txt"), fmt="gift")

    assert report.created == 4
    category = QuestionCategory.objects.get(full_path="Default for New Features")
    assert sorted(category.questions.values_list("name", "qtype")) == [
        ("Greeting", "single_choice"),
        ("Moodle acronym", "true_false"),
        ("Moodle activities", "matching"),
        ("Moodle user", "short_answer"),
    ]
    greeting = Question.objects.get(name="Greeting")
    assert greeting.choices.get(fraction=100).text == "French"
    assert (
        "bonjour.mp3" in greeting.text and "Listen to this greeting:" in greeting.text
    )
    matching = Question.objects.get(name="Moodle activities")
    assert list(matching.pairs.values_list("answer", flat=True)) == [
        "Forum",
        "Choice",
        "Database",
        "Wiki",
        "Chat",
    ]
    assert Question.objects.get(name="Moodle acronym").correct_answer is True


@pytest.mark.django_db
def test_nested_categories_fixture_creates_the_tree_with_descriptions():
    questions_import(data=_read("nested_categories.xml"), fmt="moodlexml")

    zeta = QuestionCategory.objects.get(full_path="Delta/Epsilon/Zeta")
    assert zeta.parent.full_path == "Delta/Epsilon"
    assert zeta.parent.parent.full_path == "Delta"
    assert zeta.parent.parent.parent is None
    assert "This is Zeta category for test" in zeta.description
    assert "This is Delta category for test" in zeta.parent.parent.description
    assert list(zeta.questions.values_list("name", flat=True)) == ["Zeta Question"]


@pytest.mark.django_db
def test_categories_in_reverse_order_fixture_puts_the_child_under_its_parent():
    questions_import(data=_read("categories_reverse_order.xml"), fmt="moodlexml")

    sigma = QuestionCategory.objects.get(full_path="Sigma")
    tau = QuestionCategory.objects.get(full_path="Sigma/Tau")
    assert sigma.parent is None and tau.parent == sigma
    assert "This is Sigma category for test" in sigma.description
    assert "This is Tau category for test" in tau.description
    assert list(sigma.questions.values_list("name", "qtype")) == [
        ("Sigma Question", "short_answer")
    ]
    assert list(tau.questions.values_list("name", "qtype")) == [
        ("Tau Question", "essay")
    ]


@pytest.mark.django_db
def test_invalid_grades_fixture_is_refused():
    with pytest.raises(QuestionFileError) as refused:
        questions_import(data=_read("error_invalid_grades.xml"), fmt="moodlexml")

    (problem,) = refused.value.problems
    assert problem.line == 4 and "not 100" in problem.message
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_broken_cloze_fixture_is_refused_on_each_line_or_skipped_whole():
    data = _read("broken_cloze_questions.xml")
    with pytest.raises(ImportRefused) as refused:
        questions_import(data=data, fmt="moodlexml")
    assert [p.line for p in refused.value.problems] == [4, 20, 36, 52, 68]
    assert all("cloze" in p.message for p in refused.value.problems)

    report = questions_import(data=data, fmt="moodlexml", skip_unsupported=True)

    # As in Moodle's test, none of them is imported, as anything else either.
    assert report.created == 0 and len(report.skipped) == 5
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_old_format_fixture_nests_categories_without_descriptions():
    questions_import(data=_read("old_format_file.xml"), fmt="moodlexml")

    pi = QuestionCategory.objects.get(full_path="Pi")
    rho = QuestionCategory.objects.get(full_path="Pi/Rho")
    assert pi.parent is None and rho.parent == pi
    assert pi.description == "" and rho.description == ""
    assert list(pi.questions.values_list("name", flat=True)) == ["Pi Question"]
    assert list(rho.questions.values_list("name", flat=True)) == ["Rho Question"]
