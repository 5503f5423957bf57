"""Freeze the questions an attempt shows, and the public view the learner gets.

The snapshot holds everything grading and review need (answer keys
included); `public_question` strips it to what may reach the browser before
the attempt is submitted.
"""

import random
import secrets
from decimal import Decimal

from django.db.models import prefetch_related_objects

from .models import Question, QuestionType, QuizPage


def random_keys(count: int) -> list[str]:
    """`count` distinct, unguessable keys for one question's choices or pairs.

    Keys are drawn afresh for every attempt, so neither their value nor their
    order says anything about which option is right.
    """
    keys: list[str] = []
    while len(keys) < count:
        key = "k" + secrets.token_urlsafe(6)
        if key not in keys:
            keys.append(key)
    return keys


def question_snapshot(
    question: Question,
    *,
    key: str,
    shuffle_choices: bool,
    rng: random.Random | None,
    ignore_diacritics_default: bool = False,
) -> dict:
    """Everything an attempt needs of `question`; `ignore_diacritics_default`
    is the quiz's default, used when neither the question nor its category
    says (the snapshot keeps the setting that applied)."""
    rng = rng or random.SystemRandom()
    bank_choices = list(question.choices.all())
    choices = [
        {
            "key": choice_key,
            # The bank row it came from: for regrading, never sent to the page.
            "choice_id": choice.pk,
            "text": choice.text,
            "html": choice.text_html,
            "fraction": str(choice.credit),
            "feedback": choice.feedback,
        }
        for choice, choice_key in zip(
            bank_choices, random_keys(len(bank_choices)), strict=True
        )
    ]
    if shuffle_choices and question.qtype in (
        QuestionType.SINGLE_CHOICE,
        QuestionType.MULTIPLE_CHOICE,
    ):
        rng.shuffle(choices)
    bank_pairs = list(question.pairs.all())
    pairs = [
        {
            "key": pair_key,
            "pair_id": pair.pk,
            "prompt": pair.prompt,
            "html": pair.prompt_html,
            "answer": pair.answer,
        }
        for pair, pair_key in zip(bank_pairs, random_keys(len(bank_pairs)), strict=True)
    ]
    answer_pool = sorted({pair["answer"] for pair in pairs})
    rng.shuffle(answer_pool)
    return {
        "key": key,
        "question_id": question.pk,
        "version": question.version,
        # The published revision the attempt shows (None for a question only
        # ever saved outside the editor, e.g. by a test).
        "revision_id": question.live_revision_id,
        # The topic, for the learner's results by category.
        "category": question.category.full_path if question.category_id else "",
        "qtype": question.qtype,
        "name": question.name,
        "text": question.text,
        "points": str(question.points),
        "choices": choices,
        "pairs": pairs,
        "answer_pool": answer_pool,
        "correct": question.correct_answer,
        "feedback_true": question.feedback_true,
        "feedback_false": question.feedback_false,
        "general_feedback": question.general_feedback,
        "case_sensitive": question.case_sensitive,
        "ignore_diacritics": (
            question.ignore_diacritics_for(quiz_default=ignore_diacritics_default)
            if question.qtype == QuestionType.SHORT_ANSWER
            else False
        ),
    }


def questions_for_attempt(
    quiz: QuizPage, *, rng: random.Random | None = None
) -> list[Question]:
    """Fixed questions plus this attempt's random draws, in presentation order.

    Only live questions: a question never approved is skipped, and a live one
    shows its published content (the row; drafts are revisions).
    """
    rng = rng or random.SystemRandom()
    chosen: list[Question] = [
        slot.question
        for slot in quiz.slots.select_related("question__category").filter(
            question__live=True
        )
    ]
    taken = {question.pk for question in chosen}
    for draw in quiz.draws.select_related("category"):
        pool = Question.objects.filter(
            category__in=draw.category.descendants_and_self(), live=True
        ).exclude(pk__in=taken)
        if draw.legal_reference_id:
            pool = pool.filter(legal_references=draw.legal_reference_id)
        ids = list(pool.values_list("pk", flat=True))
        picked = rng.sample(ids, min(draw.count, len(ids)))
        taken.update(picked)
        chosen.extend(Question.objects.filter(pk__in=picked).select_related("category"))
    if quiz.shuffle_questions:
        rng.shuffle(chosen)
    return chosen


def attempt_snapshot(quiz: QuizPage, *, rng: random.Random | None = None) -> list[dict]:
    return attempt_questions(quiz, rng=rng)[0]


def attempt_questions(
    quiz: QuizPage, *, rng: random.Random | None = None
) -> tuple[list[dict], list[int]]:
    """A new attempt's snapshot, and the ids of its questions never answered
    yet (`Question.answered`), from the rows the snapshot read anyway."""
    rng = rng or random.SystemRandom()
    questions = questions_for_attempt(quiz, rng=rng)
    # Choices and pairs of every question at once: two queries in all.
    prefetch_related_objects(questions, "choices", "pairs")
    snapshot = [
        question_snapshot(
            question,
            key=f"q{index}",
            shuffle_choices=quiz.shuffle_choices,
            rng=rng,
            ignore_diacritics_default=quiz.ignore_diacritics,
        )
        for index, question in enumerate(questions, start=1)
    ]
    return snapshot, [question.pk for question in questions if not question.answered]


def public_question(snapshot: dict) -> dict:
    """What the learner's browser may see before submitting: no keys, no feedback."""
    public = {
        "key": snapshot["key"],
        "qtype": snapshot["qtype"],
        "text": snapshot["text"],
        "points": Decimal(snapshot["points"]),
    }
    if snapshot["qtype"] in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
        public["choices"] = [
            {
                "key": choice["key"],
                "text": choice["text"],
                # Older snapshots have no formatted text.
                "html": choice.get("html", ""),
            }
            for choice in snapshot["choices"]
        ]
    if snapshot["qtype"] == QuestionType.MATCHING:
        public["prompts"] = [
            {"key": pair["key"], "prompt": pair["prompt"], "html": pair.get("html", "")}
            for pair in snapshot["pairs"]
            if pair["prompt"]
        ]
        public["answer_pool"] = list(snapshot["answer_pool"])
    return public


def bank_id(item: dict, id_field: str, old_prefix: str) -> int | None:
    """The bank row a snapshot choice or pair came from.

    Snapshots taken before keys were random have no id field; their keys were
    the row id with a one-letter prefix ("c12", "p7").
    """
    if item.get(id_field):
        return item[id_field]
    key = str(item.get("key", ""))
    if key.startswith(old_prefix) and key[len(old_prefix) :].isdigit():
        return int(key[len(old_prefix) :])
    return None


def max_score(snapshot: list[dict]) -> Decimal:
    return sum((Decimal(question["points"]) for question in snapshot), Decimal("0"))
