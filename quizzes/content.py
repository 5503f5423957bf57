"""What a quiz's attempts draw their questions from, computed once per version
and kept in the cache.

A new attempt reads the quiz's fixed questions (slots), its random draws and
each question's choices and pairs: the same for every learner until the quiz
or its questions change. `quiz_content` keeps that as plain data (the facts of
each question, `snapshots.question_facts`, and each draw's pool of question
ids) under the quiz's `content_version`, a fresh random number written
whenever it may have changed:

- the quiz row saved (published, a revision reverted; `pre_save` gives the
  instance a new number, so a later save of the same instance never writes
  an old one back);
- a slot or a random draw saved or deleted (the editor's inline panels,
  quizzes.packs, quizzes.library_copy);
- a question, one of its choices or pairs, or its legal references written
  (the bank's editor, imports, packs), for the quizzes with a slot of that
  question and every quiz with a random draw (a draw's pool is any live
  question of a category and its sub-categories);
- a category changed (its path and diacritics setting reach the snapshot):
  every quiz.

Writes that send no signal (`QuerySet.update`, `bulk_create`) call
`questions_changed` / `quizzes_changed` themselves. The version is read from
the database with the quiz row the request routes to, never from a cache, so
content cached by any process under an older version is never asked for
again: correct with a per-process cache as well as a shared one. Each bump is
run when the change is saved and again once the transaction commits (content
read between the two, from rows not yet all written, is never stored under
the final version).

The cached facts hold the answer keys: they stay on the server like the
attempt's snapshot (`snapshots.public_question` is what reaches the page).
A learner's questions are frozen in their attempt's snapshot when it starts;
a later change only reaches attempts started after it.
"""

import secrets
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q, prefetch_related_objects
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from .models import (
    Choice,
    MatchPair,
    Question,
    QuestionCategory,
    QuizPage,
    QuizRandomDraw,
    QuizSlot,
)
from .snapshots import question_facts

CACHE_PREFIX = "lms:quiz-content:v1"
CACHE_SECONDS = 24 * 3600


@dataclass
class QuizContent:
    # The facts of the live fixed questions, in the quiz's order.
    fixed: list[dict]
    # Each random draw: (how many, the ids of its live questions in bank order).
    draws: list[tuple[int, list[int]]]
    # The facts of every question a draw may pick, by id.
    pool: dict[int, dict]


def new_version() -> int:
    return secrets.randbits(62) + 1


def content_key(quiz_id: int, version: int) -> str:
    return f"{CACHE_PREFIX}:{quiz_id}:{version}"


def quiz_content(quiz: QuizPage, *, version: int = 0) -> QuizContent:
    """`quiz`'s content; `version`: its `content_version` as read from the
    database in this request (0: read the database, cache nothing)."""
    if not version:
        return _build(quiz)
    key = content_key(quiz.pk, version)
    content = cache.get(key)
    if content is None:
        content = _build(quiz)
        cache.set(key, content, timeout=CACHE_SECONDS)
    return content


def answered_marked(quiz: QuizPage, *, version: int, ids) -> None:
    """The questions `ids` are answered now (`Question.answered`, set by the
    first attempt showing them): the cached facts say so too, so the next
    attempt does not set it again. Only ever False -> True within a version
    (an edit of an answered question saves it, which bumps the version)."""
    if not version:
        return
    key = content_key(quiz.pk, version)
    content = cache.get(key)
    if content is None:
        return
    ids = set(ids)
    for facts in [*content.fixed, *content.pool.values()]:
        if facts["question_id"] in ids:
            facts["answered"] = True
    cache.set(key, content, timeout=CACHE_SECONDS)


def _facts(question: Question, quiz: QuizPage) -> dict:
    facts = question_facts(question, ignore_diacritics_default=quiz.ignore_diacritics)
    facts["answered"] = question.answered
    return facts


def _build(quiz: QuizPage) -> QuizContent:
    """The content from the database: the slots, the draws, one query per
    draw for its pool and, for all questions at once, their choices and pairs."""
    fixed = [
        slot.question
        for slot in quiz.slots.select_related("question__category").filter(
            question__live=True
        )
    ]
    draws, pool = [], {}
    for draw in quiz.draws.select_related("category"):
        found = Question.objects.filter(
            category__in=draw.category.descendants_and_self(), live=True
        ).select_related("category")
        if draw.legal_reference_id:
            found = found.filter(legal_references=draw.legal_reference_id)
        found = list(found)
        draws.append((draw.count, [question.pk for question in found]))
        for question in found:
            pool.setdefault(question.pk, question)
    prefetch_related_objects([*fixed, *pool.values()], "choices", "pairs")
    return QuizContent(
        fixed=[_facts(question, quiz) for question in fixed],
        draws=draws,
        pool={pk: _facts(question, quiz) for pk, question in pool.items()},
    )


# Invalidation: a fresh version on the rows of the quizzes concerned.


def _bump(quizzes) -> None:
    """Give the quizzes of the QuizPage queryset `quizzes` a new version, now
    and again once the transaction commits."""

    def bump():
        quizzes.update(content_version=new_version())

    bump()
    transaction.on_commit(bump)


def quizzes_changed(quiz_ids) -> None:
    """The slots or draws of these quizzes changed."""
    quiz_ids = [pk for pk in quiz_ids if pk]
    if quiz_ids:
        _bump(QuizPage.objects.filter(pk__in=quiz_ids))


def questions_changed(question_ids) -> None:
    """These questions of the bank (their rows, choices, pairs or legal
    references) changed: the quizzes showing one of them in a slot, and
    every quiz with a random draw."""
    question_ids = [pk for pk in question_ids if pk]
    if question_ids:
        _bump(
            QuizPage.objects.filter(
                Q(
                    pk__in=QuizSlot.objects.filter(question__in=question_ids).values(
                        "quiz"
                    )
                )
                | Q(pk__in=QuizRandomDraw.objects.values("quiz"))
            )
        )


@receiver(pre_save, sender=QuizPage)
def quiz_saving(sender, instance, raw=False, update_fields=None, **kwargs):
    # A full save (publishing) writes a fresh version with the row; saves of
    # a few fields (a draft's revision, the live flag) leave it be.
    if not raw and update_fields is None:
        instance.content_version = new_version()


def _slot_or_draw_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        quizzes_changed([instance.quiz_id])


def _question_part_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        questions_changed([instance.question_id])


def _question_changed(sender, instance, raw=False, created=False, **kwargs):
    if not raw:
        questions_changed([instance.pk])


def _category_changed(sender, instance, raw=False, created=False, **kwargs):
    # A new category holds no question yet.
    if not raw and not created:
        _bump(QuizPage.objects.all())


def _legal_references_changed(sender, instance, action, pk_set=None, **kwargs):
    if not action.startswith("post_"):
        return
    if isinstance(instance, Question):
        questions_changed([instance.pk])
    else:
        # From the reference's side: the questions named, or every one.
        questions_changed(list(pk_set or Question.objects.values_list("pk", flat=True)))


def _legal_reference_row_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        questions_changed([instance.question_id])


for _model in (QuizSlot, QuizRandomDraw):
    post_save.connect(_slot_or_draw_changed, sender=_model)
    post_delete.connect(_slot_or_draw_changed, sender=_model)
for _model in (Choice, MatchPair):
    post_save.connect(_question_part_changed, sender=_model)
    post_delete.connect(_question_part_changed, sender=_model)
post_save.connect(_question_changed, sender=Question)
post_delete.connect(_question_changed, sender=Question)
post_save.connect(_category_changed, sender=QuestionCategory)
post_delete.connect(_category_changed, sender=QuestionCategory)
_through = Question.legal_references.through
m2m_changed.connect(_legal_references_changed, sender=_through)
post_save.connect(_legal_reference_row_changed, sender=_through)
post_delete.connect(_legal_reference_row_changed, sender=_through)
