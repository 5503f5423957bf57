"""The quizzes app's part of a person's data export and erasure.

Registered in wagtail_hooks.py on the hooks lms.people defines
(`lms_person_data_export`, `lms_person_erase`).
"""

from .models import (
    GradeRecompute,
    QuestionResponse,
    QuestionType,
    QuizAttempt,
    Regrade,
)

# Answers a learner writes in their own words: they may say anything about
# themself, so erasure empties them. Chosen options are kept for statistics.
FREE_TEXT_TYPES = {QuestionType.ESSAY, QuestionType.SHORT_ANSWER}


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _mark(value) -> str:
    """A question's mark as a person reads it: the full-precision value
    without its trailing zeros, at least two places ("4.00", "0.6666667")."""
    whole, _dot, places = format(value.normalize(), "f").partition(".")
    return f"{whole}.{places.ljust(2, '0')}"


def _question_as_shown(question: dict) -> dict:
    """The question as the learner saw it, without answer keys or feedback."""
    return {
        "key": question.get("key"),
        "type": question.get("qtype"),
        "text": question.get("text"),
        "points": question.get("points"),
        "choices": [
            {"key": choice.get("key"), "text": choice.get("text")}
            for choice in question.get("choices", [])
        ],
        "prompts": [
            {"key": pair.get("key"), "prompt": pair.get("prompt")}
            for pair in question.get("pairs", [])
        ],
        "answer_pool": question.get("answer_pool", []),
    }


def person_quizzes_export(*, person) -> tuple[str, dict, list]:
    """Attempts of `person`: questions as shown, answers, scores, comments."""
    attempts = []
    for attempt in (
        QuizAttempt.objects.filter(user=person)
        .prefetch_related("responses")
        .order_by("started_at", "pk")
    ):
        responses = {response.key: response for response in attempt.responses.all()}
        questions = []
        for question in attempt.snapshot or []:
            response = responses.get(question.get("key"))
            entry = _question_as_shown(question)
            entry["answer"] = response.answer if response else None
            entry["score"] = (
                _mark(response.score)
                if response and response.score is not None
                else None
            )
            entry["teacher_comment"] = response.teacher_comment if response else ""
            questions.append(entry)
        attempts.append(
            {
                "quiz": attempt.quiz_title,
                "number": attempt.number,
                "state": attempt.state,
                "started_at": _iso(attempt.started_at),
                "submitted_at": _iso(attempt.submitted_at),
                "score": str(attempt.score) if attempt.score is not None else None,
                "max_score": str(attempt.max_score)
                if attempt.max_score is not None
                else None,
                "percent": str(attempt.percent)
                if attempt.percent is not None
                else None,
                "passed": attempt.passed,
                "questions": questions,
            }
        )
    return (
        "quizzes",
        {"attempts": attempts, "completions_kept": _completions_kept(person)},
        [],
    )


def _completions_kept(person) -> list[dict]:
    """Grade recomputes that kept this person's course completion although
    the pass no longer held (their id is in the audit record)."""
    records = (
        GradeRecompute.objects.filter(
            quiz__in=QuizAttempt.objects.filter(user=person).values("quiz_id")
        )
        .select_related("quiz")
        .order_by("done_at", "pk")
    )
    return [
        {
            "quiz": record.quiz.title,
            "done_at": _iso(record.done_at),
            "changes": record.changes,
        }
        for record in records
        if any(item.get("user") == person.pk for item in record.completions_kept)
    ]


def person_quizzes_erase(*, person, erasure) -> None:
    """Empty free-text answers and teachers' comments; keep scores.

    Grade recompute records keep the person's id among the completions kept,
    as attempts keep it: they hold no free text, only what was decided.
    """
    attempts = QuizAttempt.objects.filter(user=person)
    for attempt in attempts.only("pk", "snapshot"):
        free_keys = [
            question.get("key")
            for question in attempt.snapshot or []
            if question.get("qtype") in FREE_TEXT_TYPES
        ]
        if free_keys:
            QuestionResponse.objects.filter(attempt=attempt, key__in=free_keys).update(
                answer=None
            )
    QuestionResponse.objects.filter(attempt__in=attempts).update(teacher_comment="")
    # A regrade's reason is free text about this attempt; the scores stay.
    Regrade.objects.filter(attempt__in=attempts).update(reason="")
