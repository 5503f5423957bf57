"""Reads for quizzes: teacher reports and the essay queue, for the learners in scope."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from lms.people.selectors import learners_visible_to

from .models import AttemptState, QuestionResponse, QuestionType, QuizAttempt, QuizPage


def attempts_visible_to(*, viewer, quiz: QuizPage) -> QuerySet[QuizAttempt]:
    return (
        QuizAttempt.objects.filter(
            quiz=quiz, user__in=learners_visible_to(viewer=viewer).exclude(pk=viewer.pk)
        )
        .select_related("user__lms_profile")
        .order_by("user__lms_profile__sort_name", "number")
    )


def essays_to_grade_for(*, viewer) -> QuerySet[QuestionResponse]:
    """Answers waiting for the viewer's grade (the grading policy decides)."""
    from .policies import responses_gradable_by

    return responses_gradable_by(viewer)


@dataclass(frozen=True)
class EssayToGrade:
    response: QuestionResponse
    question: dict


def essays_waiting_for(*, viewer, limit: int = 200) -> list[EssayToGrade]:
    """Essay answers waiting for the viewer's grade, oldest submission first.

    At most `limit` waiting answers are read; the question type lives in each
    attempt's snapshot, so the essays among them are picked out here.
    """
    from .policies import snapshot_question

    responses = essays_to_grade_for(viewer=viewer).select_related(
        "attempt__user__lms_profile"
    )[:limit]
    items = []
    for response in responses:
        question = snapshot_question(response.attempt, response.key)
        if question is not None and question["qtype"] == QuestionType.ESSAY:
            items.append(EssayToGrade(response=response, question=question))
    return items


def attempts_waiting_for_grade(*, viewer) -> int:
    """Submitted attempts with an essay the viewer may grade and nobody has yet."""
    from .policies import learners_gradable_by

    return QuizAttempt.objects.filter(
        state=AttemptState.NEEDS_GRADING,
        submitted_at__isnull=False,
        user__in=learners_gradable_by(viewer),
    ).count()


@dataclass
class QuestionStats:
    question_id: int
    label: str
    shown: int = 0
    facility: Decimal | None = None
    discrimination: Decimal | None = None


@dataclass
class QuizStats:
    attempts: int = 0
    mean: Decimal | None = None
    pass_rate: Decimal | None = None
    buckets: list[int] = field(default_factory=lambda: [0] * 10)
    questions: list[QuestionStats] = field(default_factory=list)


def _mean(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    return (sum(values) / len(values)).quantize(Decimal("0.01"))


def quiz_statistics(attempts: list[QuizAttempt]) -> QuizStats:
    """Score distribution, and per question its facility and discrimination index.

    Facility: the mean share of the points earned. Discrimination: facility
    in the top 27 % of attempts minus facility in the bottom 27 %.
    """
    finished = [a for a in attempts if a.state == AttemptState.FINISHED]
    stats = QuizStats(attempts=len(finished))
    if not finished:
        return stats
    for attempt in finished:
        stats.buckets[min(9, int(attempt.percent // 10))] += 1
    stats.mean = _mean([a.percent for a in finished])
    stats.pass_rate = _mean([Decimal(100 if a.passed else 0) for a in finished])

    scores: dict[int, dict[int, Decimal]] = defaultdict(
        dict
    )  # attempt -> question -> share
    labels: dict[int, str] = {}
    key_to_question: dict[tuple[int, str], dict] = {}
    for attempt in finished:
        for question in attempt.snapshot:
            key_to_question[(attempt.pk, question["key"])] = question
            labels.setdefault(
                question["question_id"], question.get("name") or question["text"]
            )
            scores[attempt.pk][question["question_id"]] = Decimal("0")
    for response in QuestionResponse.objects.filter(attempt__in=finished).only(
        "attempt_id", "key", "score"
    ):
        question = key_to_question.get((response.attempt_id, response.key))
        if (
            question is None
            or question["qtype"] == QuestionType.ESSAY
            and response.score is None
        ):
            continue
        points = Decimal(question["points"]) or Decimal("1")
        scores[response.attempt_id][question["question_id"]] = (
            response.score or 0
        ) / points

    ranked = sorted(finished, key=lambda a: a.percent)
    group = max(1, round(len(ranked) * 0.27))
    bottom, top = ranked[:group], ranked[-group:]
    for question_id, label in labels.items():
        shares = [
            scores[a.pk][question_id] for a in finished if question_id in scores[a.pk]
        ]
        row = QuestionStats(question_id=question_id, label=label, shown=len(shares))
        row.facility = _mean(shares)
        top_shares = [
            scores[a.pk][question_id] for a in top if question_id in scores[a.pk]
        ]
        bottom_shares = [
            scores[a.pk][question_id] for a in bottom if question_id in scores[a.pk]
        ]
        if top_shares and bottom_shares and len(finished) >= 2:
            row.discrimination = _mean(top_shares) - _mean(bottom_shares)
        stats.questions.append(row)
    return stats
