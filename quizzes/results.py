"""The result page of a submitted attempt, written for the learner.

Everything here reads the attempt's frozen snapshot and the learner's saved
answers. What the learner may see (right/wrong, correct answers, feedback) is
decided by the quiz's review options (`views.review_visibility`); this module
only words it. It is never used for an attempt still in progress.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from wagtail.rich_text import expand_db_html

from .grading import grade
from .models import QuestionType

RIGHT = "right"
PARTLY = "partly"
WRONG = "wrong"
PENDING = "pending"


def _quoted(text: str) -> str:
    return f"“{text}”"


def _is_blank(answer) -> bool:
    return answer in (None, "", [], {})


def answer_html(html: str) -> SafeString:
    """Stored (cleaned) answer HTML ready to sit inside a label or a line:
    Wagtail's references expanded, paragraphs turned into line breaks."""
    html = expand_db_html(html or "").strip()
    if html.startswith("<p>") and html.endswith("</p>"):
        parts = re.split(r"</p>\s*<p>", html[3:-4])
        if not any("<p" in part or "</p>" in part for part in parts):
            html = "<br>".join(parts)
    # Cleaned by lms.html when it was stored.
    return mark_safe(html)  # noqa: S308


def _choice_line(choice: dict, rich: bool) -> str:
    if rich and choice.get("html"):
        return answer_html(choice["html"])
    return choice["text"]


def _pair_line(pair: dict, answer: str, rich: bool) -> str:
    if rich and pair.get("html"):
        return format_html("{} → {}", answer_html(pair["html"]), answer)
    return f"{pair['prompt']} → {answer}"


def given_answer(question: dict, answer, *, rich: bool = False) -> list[str]:
    """The learner's answer as lines of text ([] when left blank); `rich`
    gives formatted answers as safe HTML lines."""
    if _is_blank(answer):
        return []
    qtype = question["qtype"]
    if qtype in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
        chosen = {
            str(key) for key in (answer if isinstance(answer, list) else [answer])
        }
        return [
            _choice_line(c, rich)
            for c in question.get("choices", [])
            if c["key"] in chosen
        ]
    if qtype == QuestionType.TRUE_FALSE:
        given = answer in (True, "true", "True", "1", 1)
        return [_("True") if given else _("False")]
    if qtype == QuestionType.MATCHING:
        given = answer if isinstance(answer, dict) else {}
        return [
            _pair_line(pair, given.get(pair["key"]) or "–", rich)
            for pair in question.get("pairs", [])
            if pair.get("prompt")
        ]
    return [str(answer)]


def correct_answers(question: dict, *, rich: bool = False) -> list[str]:
    """The right answer, as lines a person reads.

    Several right choices or matching pairs are one line each; the accepted
    forms of a short answer are alternatives, so they make one line:
    “7”, “7 tuổi” or “bảy”.
    """
    qtype = question["qtype"]
    if qtype in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
        return [
            _choice_line(choice, rich)
            for choice in question.get("choices", [])
            if Decimal(choice["fraction"]) > 0
        ]
    if qtype == QuestionType.TRUE_FALSE:
        return [_("True") if question["correct"] else _("False")]
    if qtype == QuestionType.SHORT_ANSWER:
        accepted = []
        for choice in question.get("choices", []):
            # A wildcard stands for "anything here" in the accepted text.
            text = " ".join(choice["text"].replace("*", "…").split())
            if Decimal(choice["fraction"]) == 1 and text and text not in accepted:
                accepted.append(text)
        if not accepted:
            return []
        return [str(get_text_list([_quoted(text) for text in accepted], _("or")))]
    if qtype == QuestionType.MATCHING:
        return [
            _pair_line(pair, pair["answer"], rich)
            for pair in question.get("pairs", [])
            if pair.get("prompt")
        ]
    return []


def correct_text(question: dict) -> str:
    """`correct_answers` on one line, for short notes."""
    return "; ".join(correct_answers(question))


def once(texts: list[str]) -> list[str]:
    """Feedback texts in order, each shown once."""
    seen: list[str] = []
    for text in texts:
        if text and text.strip() and text not in seen:
            seen.append(text)
    return seen


# Moodle's tolerance (question_state::graded_state_for_fraction): a fraction
# above 0.999999 is right, below 0.000001 wrong, partly right in between. Three
# thirds stored to seven places (0.9999999) are right.
RIGHT_ABOVE = Decimal("0.999999")
WRONG_BELOW = Decimal("0.000001")


def verdict(question: dict, score, *, pending: bool) -> str:
    if pending:
        return PENDING
    points = Decimal(question["points"])
    if score is None:
        return WRONG
    if not points:
        return RIGHT if score >= 0 else WRONG
    fraction = Decimal(score) / points
    if fraction > RIGHT_ABOVE:
        return RIGHT
    if fraction < WRONG_BELOW:
        return WRONG
    return PARTLY


def result_items(attempt, responses: dict, show: dict[str, bool]) -> list[dict]:
    """One entry per question of the attempt, as the review options allow."""
    items = []
    for number, question in enumerate(attempt.snapshot, start=1):
        response = responses.get(question["key"])
        answer = response.answer if response else None
        mark = grade(question, answer)
        score = (
            response.score if response and response.score is not None else mark.score
        )
        pending = bool(
            question["qtype"] == QuestionType.ESSAY
            and not (response and response.graded_by_id)
            and not _is_blank(answer)
        )
        judged = verdict(question, score, pending=pending)
        items.append(
            {
                "number": number,
                "question": question,
                "answer": answer,
                "given": given_answer(question, answer, rich=True),
                "essay": question["qtype"] == QuestionType.ESSAY,
                "score": score,
                "right": judged == RIGHT,
                "verdict": judged if show["right_wrong"] or pending else "",
                "pending": pending,
                "feedback": once(mark.feedback) if show["feedback"] else [],
                "comment": response.teacher_comment if response else "",
                "correct": correct_answers(question, rich=True)
                if show["correct"] and judged != RIGHT
                else [],
            }
        )
    return items
