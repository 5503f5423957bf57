"""Grading of one answer against a question snapshot. Pure functions, no database.

A snapshot is the frozen copy of a question that an attempt showed (see
`quizzes.snapshots`); grading reads only the snapshot, so editing or deleting
a question never changes a past result.
"""

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from lms.people.text import fold_for_search, normalize_text

ZERO = Decimal("0")
ONE = Decimal("1")


@dataclass(frozen=True)
class Mark:
    """The result of grading one answer: a score, or None when a teacher must grade."""

    score: Decimal | None
    fraction: Decimal | None
    feedback: list[str]

    @property
    def needs_grading(self) -> bool:
        return self.score is None


# Moodle keeps a question's fraction to 7 decimal places and works out the
# mark (fraction x points) from it without rounding; the attempt is summed
# first and only the total is rounded (see `quizzes.services.attempt_result`).
FRACTION_PLACES = Decimal("0.0000001")


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(FRACTION_PLACES, rounding=ROUND_HALF_UP)


def _clamp(value: Decimal) -> Decimal:
    return max(ZERO, min(ONE, value))


def _mark(
    question: dict, fraction: Decimal, feedback: list[str], *, clamp: bool = True
) -> Mark:
    """The mark for `fraction` of the question's points, at full precision.

    `clamp=False` keeps a negative fraction, as Moodle does for the chosen
    answer of a single-answer question.
    """
    fraction = _quantize(_clamp(fraction) if clamp else min(ONE, fraction))
    points = Decimal(question["points"])
    return Mark(score=points * fraction, fraction=fraction, feedback=feedback)


def _choice_map(question: dict) -> dict[str, dict]:
    return {choice["key"]: choice for choice in question.get("choices", [])}


def grade_single_choice(question: dict, answer) -> Mark:
    choice = (
        _choice_map(question).get(str(answer)) if answer not in (None, "") else None
    )
    if choice is None:
        return _mark(question, ZERO, [])
    feedback = [choice["feedback"]] if choice.get("feedback") else []
    # Moodle: a negative weight on the chosen answer lowers the attempt total.
    return _mark(question, Decimal(choice["fraction"]), feedback, clamp=False)


def grade_multiple_choice(question: dict, answer) -> Mark:
    """Per-choice credit added up; negative credit allowed, total clamped to 0..1."""
    chosen = {str(key) for key in (answer or [])}
    choices = _choice_map(question)
    total = ZERO
    feedback = []
    for key in chosen:
        choice = choices.get(key)
        if choice is None:
            continue
        total += Decimal(choice["fraction"])
        if choice.get("feedback"):
            feedback.append(choice["feedback"])
    return _mark(question, total, feedback)


def grade_true_false(question: dict, answer) -> Mark:
    if answer in (None, ""):
        return _mark(question, ZERO, [])
    given = answer in (True, "true", "True", "1", 1)
    right = bool(question["correct"])
    feedback = question.get("feedback_true" if given else "feedback_false") or ""
    return _mark(
        question, ONE if given == right else ZERO, [feedback] if feedback else []
    )


def _normalise_short(text: str, *, ignore_case: bool, ignore_diacritics: bool) -> str:
    text = normalize_text(text)
    if ignore_diacritics:
        folded = fold_for_search(text)
        return folded if ignore_case else _strip_marks_keep_case(text)
    return text.lower() if ignore_case else text


def _strip_marks_keep_case(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("đ", "d").replace("Đ", "D")


def _wildcard_regex(pattern: str) -> re.Pattern:
    """Moodle's wildcard rule: a run of unescaped `*` matches anything, `\\*`
    is a literal star, everything else is literal."""
    bits = re.split(r"(?<!\\)\*+", pattern)
    return re.compile(
        ".*".join(re.escape(bit.replace("\\*", "*")) for bit in bits), re.DOTALL
    )


def short_answer_matches(
    accepted: str, given: str, *, ignore_case: bool, ignore_diacritics: bool
) -> bool:
    """Compare as Moodle does: `*` is a wildcard, `\\*` a star; options loosen it."""
    pattern = _normalise_short(
        accepted, ignore_case=ignore_case, ignore_diacritics=ignore_diacritics
    )
    value = _normalise_short(
        given, ignore_case=ignore_case, ignore_diacritics=ignore_diacritics
    )
    return _wildcard_regex(pattern).fullmatch(value) is not None


def grade_short_answer(question: dict, answer) -> Mark:
    """The FIRST accepted answer, in the teacher's order, that matches decides
    (Moodle's rule), even when a later one would give more credit."""
    given = str(answer or "")
    if not given.strip():
        return _mark(question, ZERO, [])
    for choice in question.get("choices", []):
        if short_answer_matches(
            choice["text"],
            given,
            ignore_case=not question.get("case_sensitive", False),
            ignore_diacritics=question.get("ignore_diacritics", False),
        ):
            return _mark(
                question,
                Decimal(choice["fraction"]),
                [choice["feedback"]] if choice.get("feedback") else [],
            )
    return _mark(question, ZERO, [])


def grade_matching(question: dict, answer) -> Mark:
    """Each prompt matched to its own answer earns an equal share."""
    pairs = [pair for pair in question.get("pairs", []) if pair.get("prompt")]
    if not pairs:
        return _mark(question, ZERO, [])
    given = answer if isinstance(answer, dict) else {}
    right = sum(
        1
        for pair in pairs
        if normalize_text(str(given.get(pair["key"], "")))
        == normalize_text(pair["answer"])
    )
    return _mark(question, Decimal(right) / Decimal(len(pairs)), [])


def grade_essay(question: dict, answer) -> Mark:
    if not str(answer or "").strip():
        return _mark(question, ZERO, [])
    return Mark(score=None, fraction=None, feedback=[])


GRADERS = {
    "single_choice": grade_single_choice,
    "multiple_choice": grade_multiple_choice,
    "true_false": grade_true_false,
    "short_answer": grade_short_answer,
    "matching": grade_matching,
    "essay": grade_essay,
}


def grade(question: dict, answer) -> Mark:
    """Grade `answer` (as saved by the attempt page) against a question snapshot."""
    mark = GRADERS[question["qtype"]](question, answer)
    general = question.get("general_feedback")
    if general and mark.score is not None:
        return Mark(mark.score, mark.fraction, [*mark.feedback, general])
    return mark
