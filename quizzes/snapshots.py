"""Freeze the questions an attempt shows, and the public view the learner gets.

The snapshot holds everything grading and review need (answer keys
included); `public_question` strips it to what may reach the browser before
the attempt is submitted.
"""

import random
import secrets
from decimal import Decimal

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
    return snapshot_from_facts(
        question_facts(question, ignore_diacritics_default=ignore_diacritics_default),
        key=key,
        shuffle_choices=shuffle_choices,
        rng=rng,
    )


def question_facts(question: Question, *, ignore_diacritics_default: bool) -> dict:
    """What every attempt shows of `question` the same (plain data, kept in
    the cache by quizzes.content): the snapshot without its random keys and
    order. Choices and pairs are read from `question.choices` / `.pairs`."""
    return {
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
        "choices": [
            {
                # The bank row it came from: for regrading, never sent to the page.
                "choice_id": choice.pk,
                "text": choice.text,
                "html": choice.text_html,
                "fraction": str(choice.credit),
                "feedback": choice.feedback,
            }
            for choice in question.choices.all()
        ],
        "pairs": [
            {
                "pair_id": pair.pk,
                "prompt": pair.prompt,
                "html": pair.prompt_html,
                "answer": pair.answer,
            }
            for pair in question.pairs.all()
        ],
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


def snapshot_from_facts(
    facts: dict, *, key: str, shuffle_choices: bool, rng: random.Random | None
) -> dict:
    """One attempt's snapshot of a question from its `facts`: fresh random
    keys for its choices and pairs, choices and answers shuffled."""
    rng = rng or random.SystemRandom()
    choices = [
        {"key": choice_key, **choice}
        for choice, choice_key in zip(
            facts["choices"], random_keys(len(facts["choices"])), strict=True
        )
    ]
    if shuffle_choices and facts["qtype"] in (
        QuestionType.SINGLE_CHOICE,
        QuestionType.MULTIPLE_CHOICE,
    ):
        rng.shuffle(choices)
    pairs = [
        {"key": pair_key, **pair}
        for pair, pair_key in zip(
            facts["pairs"], random_keys(len(facts["pairs"])), strict=True
        )
    ]
    answer_pool = sorted({pair["answer"] for pair in pairs})
    rng.shuffle(answer_pool)
    return {
        "key": key,
        **{name: facts[name] for name in SNAPSHOT_FACTS[:8]},
        "choices": choices,
        "pairs": pairs,
        "answer_pool": answer_pool,
        **{name: facts[name] for name in SNAPSHOT_FACTS[8:]},
    }


# The facts in the order a snapshot lists them (around its choices and pairs).
SNAPSHOT_FACTS = (
    "question_id",
    "version",
    "revision_id",
    "category",
    "qtype",
    "name",
    "text",
    "points",
    "correct",
    "feedback_true",
    "feedback_false",
    "general_feedback",
    "case_sensitive",
    "ignore_diacritics",
)


def attempt_snapshot(quiz: QuizPage, *, rng: random.Random | None = None) -> list[dict]:
    return attempt_questions(quiz, rng=rng)[0]


def attempt_questions(
    quiz: QuizPage, *, rng: random.Random | None = None, content_version: int = 0
) -> tuple[list[dict], list[int]]:
    """A new attempt's snapshot, and the ids of its questions never answered
    yet (`Question.answered`).

    `content_version`: the quiz's `content_version` as the caller read it with
    the quiz row in this request; the questions' facts then come from the
    cache (quizzes.content), else from the database.
    """
    from .content import quiz_content

    rng = rng or random.SystemRandom()
    content = quiz_content(quiz, version=content_version)
    chosen = list(content.fixed)
    taken = {facts["question_id"] for facts in chosen}
    for count, pool in content.draws:
        ids = [pk for pk in pool if pk not in taken]
        picked = set(rng.sample(ids, min(count, len(ids))))
        taken.update(picked)
        # In the bank's order, as the database gives them.
        chosen.extend(content.pool[pk] for pk in pool if pk in picked)
    if quiz.shuffle_questions:
        rng.shuffle(chosen)
    snapshot = [
        snapshot_from_facts(
            facts, key=f"q{index}", shuffle_choices=quiz.shuffle_choices, rng=rng
        )
        for index, facts in enumerate(chosen, start=1)
    ]
    unanswered = [facts["question_id"] for facts in chosen if not facts["answered"]]
    return snapshot, unanswered


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
