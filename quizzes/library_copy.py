"""A course proposed for the Department library takes its questions with it.

The proposal (courses.services.course_propose_for_library) copies the course
and its steps; the copied quizzes still name the school's questions (fixed
slots) and categories (random draws). A library course is taken by every
school's learners and kept by the Department, so here each school-owned
question a copied quiz can show is copied into a Department-owned category
"Thư viện Sở/<course title>/<the category's path in the school's bank>", live
with a first revision (as an import publishes), and the quiz's slots and draws
are pointed at the copies. Questions the Department already owns stay shared.
The school's questions and quizzes are left as they were.
"""

from django.db.models import Q

from .content import quizzes_changed
from .importing import published_as_imported
from .models import Question, QuestionCategory, QuizPage, QuizRandomDraw, QuizSlot

# The library's top category holding the questions of proposed courses.
LIBRARY_COPIES_CATEGORY = "Thư viện Sở"

# What a copied question does not take from its source: identity, its place,
# its review history and the bank's bookkeeping (the copy starts at version 1).
NOT_COPIED = [
    "id",
    "category",
    "live",
    "has_unpublished_changes",
    "first_published_at",
    "last_published_at",
    "live_revision",
    "latest_revision",
    "go_live_at",
    "expire_at",
    "expired",
    "locked",
    "locked_at",
    "locked_by",
    "version",
    "answered",
    "created_at",
    "updated_at",
]


def _not_copied() -> list[str]:
    """NOT_COPIED and the generic relations (revisions, workflow states,
    search index entries): those belong to the source."""
    from django.contrib.contenttypes.fields import GenericRelation

    generic = [
        field.name
        for field in Question._meta.get_fields()
        if isinstance(field, GenericRelation)
    ]
    return [*NOT_COPIED, *generic]


def _course_category(title: str) -> QuestionCategory:
    """A new library category for one proposed course, under the top category
    of proposed courses; a number is added when the title is taken there."""
    top, _created = QuestionCategory.objects.get_or_create(
        name=LIBRARY_COPIES_CATEGORY, parent=None, school=None
    )
    base = (title.strip() or "?")[:110]
    name, number = base, 2
    while QuestionCategory.objects.filter(parent=top, name=name).exists():
        name = f"{base} ({number})"
        number += 1
    return QuestionCategory.objects.create(name=name, parent=top)


class _LibraryCopier:
    """Copies school categories and questions under one library category,
    each at most once."""

    def __init__(self, *, root: QuestionCategory, user):
        self.root = root
        self.user = user
        self.categories: dict[int, QuestionCategory] = {}
        self.questions: dict[int, Question] = {}

    def category(self, source: QuestionCategory) -> QuestionCategory:
        """The library's copy of `source`, its school ancestors copied too so
        the settings they hand down (ignoring diacritics) still apply."""
        if source.pk not in self.categories:
            parent = self.category(source.parent) if source.parent_id else self.root
            self.categories[source.pk] = QuestionCategory.objects.create(
                name=source.name,
                parent=parent,
                description=source.description,
                ignore_diacritics=source.ignore_diacritics,
            )
        return self.categories[source.pk]

    def question(self, source: Question) -> Question:
        """The library's live copy of `source` (its published content: the
        row), with its choices, pairs and tags."""
        if source.pk not in self.questions:
            copy, _children = source.copy_cluster(exclude_fields=_not_copied())
            copy.category = self.category(source.category)
            copy.save()
            published_as_imported(copy, user=self.user)
            self.questions[source.pk] = copy
        return self.questions[source.pk]

    def drawn_category(self, source: QuestionCategory) -> QuestionCategory:
        """The copy of a drawn category: its live questions and those of its
        sub-categories, as a draw takes them."""
        target = self.category(source)
        pool = (
            Question.objects.filter(
                category__in=source.descendants_and_self(), live=True
            )
            .select_related("category")
            .prefetch_related("choices", "pairs", "legal_references", "principles")
            .order_by("category__full_path", "pk")
        )
        for question in pool:
            self.question(question)
        return target


def library_quizzes_own_their_questions(*, course, title: str, user) -> int:
    """Make the quizzes below `course` (a library copy) use Department-owned
    questions only; returns how many questions were copied. Each quiz changed
    gets a new revision, the one the officers' approval publishes."""
    quizzes = list(QuizPage.objects.descendant_of(course).order_by("path"))
    school_owned = Q(question__category__school__isnull=False)
    drawn_school_owned = Q(category__school__isnull=False)
    if not (
        QuizSlot.objects.filter(school_owned, quiz__in=quizzes).exists()
        or QuizRandomDraw.objects.filter(drawn_school_owned, quiz__in=quizzes).exists()
    ):
        return 0
    copier = _LibraryCopier(root=_course_category(title), user=user)
    for quiz in quizzes:
        changed = False
        for slot in QuizSlot.objects.filter(school_owned, quiz=quiz).select_related(
            "question__category"
        ):
            if slot.question.live:
                slot.question = copier.question(slot.question)
                slot.save(update_fields=["question"])
            else:
                # Attempts skip a question never approved; the library has
                # no use for the school's draft.
                slot.delete()
            changed = True
        for draw in QuizRandomDraw.objects.filter(
            drawn_school_owned, quiz=quiz
        ).select_related("category"):
            draw.category = copier.drawn_category(draw.category)
            draw.save(update_fields=["category"])
            changed = True
        if changed:
            # The slots and draws were edited in place: attempts started from
            # now on must not draw from the cached content (quizzes.content).
            quizzes_changed([quiz.pk])
            quiz = QuizPage.objects.get(pk=quiz.pk)
            quiz.save_revision(user=user, log_action=False, clean=False)
    return len(copier.questions)
