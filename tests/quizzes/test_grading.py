"""Grading of every question type against a snapshot; no database."""

from decimal import Decimal

import pytest

from quizzes.grading import grade, short_answer_matches


def q(qtype, **extra):
    return {"key": "q1", "qtype": qtype, "points": "2", "general_feedback": "", **extra}


CHOICES = [
    {"key": "a", "text": "A", "fraction": "0.5", "feedback": "Một nửa."},
    {"key": "b", "text": "B", "fraction": "0.5", "feedback": ""},
    {"key": "c", "text": "C", "fraction": "-1", "feedback": "Sai."},
    {"key": "d", "text": "D", "fraction": "0", "feedback": ""},
]


def test_single_choice_full_partial_and_wrong():
    question = q(
        "single_choice",
        choices=[
            {"key": "r", "text": "R", "fraction": "1", "feedback": "Đúng."},
            {"key": "p", "text": "P", "fraction": "0.25", "feedback": ""},
            {"key": "w", "text": "W", "fraction": "0", "feedback": ""},
        ],
    )
    assert grade(question, "r").score == Decimal("2.00")
    assert grade(question, "r").feedback == ["Đúng."]
    assert grade(question, "p").score == Decimal("0.50")
    assert grade(question, "w").score == Decimal("0.00")
    assert grade(question, None).score == Decimal("0.00")
    assert grade(question, "forged").score == Decimal("0.00")


def test_multiple_choice_adds_per_choice_credit():
    question = q("multiple_choice", choices=CHOICES)
    assert grade(question, ["a", "b"]).score == Decimal("2.00")
    assert grade(question, ["a"]).score == Decimal("1.00")
    assert grade(question, ["a", "d"]).score == Decimal("1.00")


def test_multiple_choice_negative_credit_is_clamped_at_zero():
    question = q("multiple_choice", choices=CHOICES)
    assert grade(question, ["a", "c"]).score == Decimal("0.00")
    assert grade(question, ["c"]).score == Decimal("0.00")
    assert grade(question, ["a", "b", "c"]).score == Decimal("0.00")


def test_true_false_and_its_feedback():
    question = q(
        "true_false", correct=False, feedback_true="Sai rồi.", feedback_false="Đúng!"
    )
    assert grade(question, "false").score == Decimal("2.00")
    assert grade(question, "false").feedback == ["Đúng!"]
    assert grade(question, "true").score == Decimal("0.00")
    assert grade(question, "true").feedback == ["Sai rồi."]


@pytest.mark.parametrize(
    "given, case_sensitive, ignore_diacritics, expected",
    [
        ("Luật An ninh mạng", False, False, True),
        ("luật an ninh mạng", False, False, True),
        ("luat an ninh mang", False, True, True),
        ("luat an ninh mang", False, False, False),
        ("LUAT AN NINH MANG", False, True, True),
        ("  Luật   An ninh mạng ", False, False, True),
        ("Luật An toàn thông tin", False, True, False),
    ],
)
def test_short_answer_options(given, case_sensitive, ignore_diacritics, expected):
    question = q(
        "short_answer",
        choices=[
            {"key": "a", "text": "Luật An ninh mạng", "fraction": "1", "feedback": ""}
        ],
        case_sensitive=case_sensitive,
        ignore_diacritics=ignore_diacritics,
    )
    assert (grade(question, given).score == Decimal("2.00")) is expected


def test_short_answer_case_sensitive_when_asked():
    assert not short_answer_matches(
        "Zalo", "zalo", ignore_case=False, ignore_diacritics=False
    )
    assert short_answer_matches(
        "Zalo", "zalo", ignore_case=True, ignore_diacritics=False
    )


def test_short_answer_wildcard_and_first_match():
    question = q(
        "short_answer",
        choices=[
            {"key": "a", "text": "Frog", "fraction": "1", "feedback": ""},
            {"key": "b", "text": "Cat", "fraction": "0.5", "feedback": "Mèo?"},
            {"key": "c", "text": "*", "fraction": "0", "feedback": "Sai."},
        ],
    )
    assert grade(question, "frog").score == Decimal("2.00")
    assert grade(question, "cat").score == Decimal("1.00")
    assert grade(question, "dog").score == Decimal("0.00")
    assert grade(question, "dog").feedback == ["Sai."]


def test_matching_gives_an_equal_share_per_item():
    question = q(
        "matching",
        pairs=[
            {"key": "p1", "prompt": "Điều 8", "answer": "Cấm"},
            {"key": "p2", "prompt": "Điều 29", "answer": "Trẻ em"},
            {"key": "p3", "prompt": "", "answer": "Gây nhiễu"},
        ],
        answer_pool=["Cấm", "Trẻ em", "Gây nhiễu"],
    )
    assert grade(question, {"p1": "Cấm", "p2": "Trẻ em"}).score == Decimal("2.00")
    assert grade(question, {"p1": "Cấm", "p2": "Gây nhiễu"}).score == Decimal("1.00")
    assert grade(question, {}).score == Decimal("0.00")


def test_essay_waits_for_a_teacher_unless_blank():
    assert grade(q("essay"), "Bài viết của em").needs_grading
    assert grade(q("essay"), "  ").score == Decimal("0.00")


def test_general_feedback_follows_every_graded_answer():
    question = q("true_false", correct=True, general_feedback="Xem Điều 8.")
    assert grade(question, "true").feedback == ["Xem Điều 8."]
