from decimal import Decimal

import factory
import wagtail_factories

from quizzes.models import (
    Choice,
    MatchPair,
    Question,
    QuestionCategory,
    QuizPage,
    QuizRandomDraw,
    QuizSlot,
)


class QuestionCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionCategory
        django_get_or_create = ("name", "parent")

    name = factory.Sequence(lambda n: f"Danh mục {n}")
    parent = None


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    category = factory.SubFactory(QuestionCategoryFactory)
    qtype = "single_choice"
    text = factory.Sequence(lambda n: f"<p>Câu hỏi số {n}?</p>")
    points = Decimal("1")


def single_choice(category=None, right="Đúng", wrong=("Sai 1", "Sai 2"), **kwargs):
    question = QuestionFactory(
        qtype="single_choice", **({"category": category} if category else {}), **kwargs
    )
    Choice.objects.create(
        question=question, text=right, fraction=100, feedback="Chính xác."
    )
    for text in wrong:
        Choice.objects.create(
            question=question, text=text, fraction=0, feedback="Chưa đúng."
        )
    return question


def multiple_choice(category=None, **kwargs):
    question = QuestionFactory(
        qtype="multiple_choice",
        **({"category": category} if category else {}),
        **kwargs,
    )
    for text, fraction in [("A", 50), ("B", 50), ("C", -100), ("D", 0)]:
        Choice.objects.create(question=question, text=text, fraction=fraction)
    return question


def true_false(correct=True, **kwargs):
    return QuestionFactory(qtype="true_false", correct_answer=correct, **kwargs)


def short_answer(answers=(("Luật An ninh mạng", 100),), **kwargs):
    question = QuestionFactory(qtype="short_answer", **kwargs)
    for text, fraction in answers:
        Choice.objects.create(question=question, text=text, fraction=fraction)
    return question


def matching(**kwargs):
    question = QuestionFactory(qtype="matching", **kwargs)
    for prompt, answer in [("Điều 8", "Hành vi bị cấm"), ("Điều 29", "Bảo vệ trẻ em")]:
        MatchPair.objects.create(question=question, prompt=prompt, answer=answer)
    MatchPair.objects.create(question=question, prompt="", answer="Phân tâm")
    return question


def essay(**kwargs):
    return QuestionFactory(qtype="essay", points=Decimal("5"), **kwargs)


class QuizPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = QuizPage

    title = factory.Sequence(lambda n: f"Bài kiểm tra {n}")
    slug = factory.Sequence(lambda n: f"kiem-tra-{n}")
    shuffle_questions = False
    shuffle_choices = False


def add_slots(quiz, questions):
    for index, question in enumerate(questions):
        QuizSlot.objects.create(quiz=quiz, question=question, sort_order=index)


def add_draw(quiz, category, count):
    return QuizRandomDraw.objects.create(quiz=quiz, category=category, count=count)


def choice_key(attempt, choice) -> str:
    """The key this attempt gave a bank choice (keys are random per attempt)."""
    return next(
        c["key"]
        for q in attempt.snapshot
        for c in q["choices"]
        if c.get("choice_id") == choice.pk
    )


def pair_key(attempt, pair) -> str:
    """The key this attempt gave a matching pair."""
    return next(
        p["key"]
        for q in attempt.snapshot
        for p in q["pairs"]
        if p.get("pair_id") == pair.pk
    )
