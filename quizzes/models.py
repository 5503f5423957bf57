"""Question bank, quiz pages (course steps) and attempts."""

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    Orderable,
    Page,
    PreviewableMixin,
    RevisionMixin,
    Task,
    TaskState,
    WorkflowMixin,
)
from wagtail.search import index

from courses.models import (
    ConductPrinciple,
    CoursePage,
    LegalReference,
    OneQueryViewRestrictionsMixin,
)
from courses.steps import CourseStep
from lms.people.models import SchoolYear

from .page_forms import QuizPageForm

QUESTION_TEXT_FEATURES = ["bold", "italic", "ol", "ul", "link", "image"]

# Diacritic-insensitive short answers: a question's own setting, else its
# category's (or the nearest ancestor's), else the quiz's, else off.
DIACRITICS_HELP = _(
    'On: "luat an ninh mang" also matches "Luật An ninh mạng", and words that '
    'differ only by their marks, such as "ma", "má", "mà" and "mã", all match.'
)
DIACRITICS_CHOICES_CATEGORY = [
    (None, _("As the parent category says (at the top: as the quiz says)")),
    (True, _("Yes")),
    (False, _("No")),
]
DIACRITICS_CHOICES_QUESTION = [
    (None, _("As the category or the quiz says")),
    (True, _("Yes")),
    (False, _("No")),
]


class QuestionCategory(models.Model):
    """A folder of the question bank; categories nest."""

    name = models.CharField(_("name"), max_length=120)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    full_path = models.CharField(max_length=500, editable=False, db_index=True)
    # Who owns the category and its questions: one school, or (empty) the
    # Department's shared library, which schools use but only the Department edits.
    school = models.ForeignKey(
        "lms_people.School",
        verbose_name=_("owner school"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="question_categories",
        help_text=_("Empty: the Department's shared library."),
    )
    description = RichTextField(
        _("description"),
        blank=True,
        features=QUESTION_TEXT_FEATURES,
        help_text=_("What the questions of this category are about."),
    )
    # Moodle's "ID number": kept from imports so a later import can recognise it.
    idnumber = models.CharField(_("ID number"), max_length=100, blank=True)
    # None: the parent category decides (at the top: the quiz). See docs/quizzes.md,
    # "Scores as Moodle computes them" for the order.
    ignore_diacritics = models.BooleanField(
        _("short answers ignore Vietnamese diacritics"),
        null=True,
        blank=True,
        default=None,
        choices=DIACRITICS_CHOICES_CATEGORY,
        help_text=DIACRITICS_HELP,
    )

    class Meta:
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")
        ordering = ["full_path"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="lms_quizzes_category_unique_in_parent"
            ),
            # Top-level names are unique per owner (a school, or the library).
            models.UniqueConstraint(
                fields=["school", "name"],
                condition=Q(parent__isnull=True),
                name="lms_quizzes_category_unique_top_per_school",
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(parent__isnull=True, school__isnull=True),
                name="lms_quizzes_category_unique_top_in_library",
            ),
            # Moodle keeps a category's ID number unique in its context: here,
            # among the categories of one owner (a school, or the library).
            models.UniqueConstraint(
                fields=["school", "idnumber"],
                condition=~Q(idnumber=""),
                name="lms_quizzes_category_idnumber_unique_per_school",
            ),
            models.UniqueConstraint(
                fields=["idnumber"],
                condition=~Q(idnumber="") & Q(school__isnull=True),
                name="lms_quizzes_category_idnumber_unique_in_library",
            ),
        ]

    def __str__(self) -> str:
        return self.full_path or self.name

    def save(self, *args, **kwargs):
        if self.parent_id is not None:
            # A sub-category belongs to its parent's owner.
            self.school_id = self.parent.school_id
        self.full_path = (
            f"{self.parent.full_path}/{self.name}" if self.parent else self.name
        )
        super().save(*args, **kwargs)
        for child in self.children.all():
            child.save()

    def clean(self):
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk:
                raise ValidationError(
                    {"parent": _("A category cannot be inside itself.")}
                )
            ancestor = ancestor.parent

    def ignore_diacritics_default(self) -> bool | None:
        """The nearest setting of this category or its ancestors (None: unset)."""
        category = self
        while category is not None:
            if category.ignore_diacritics is not None:
                return category.ignore_diacritics
            category = category.parent
        return None

    def descendants_and_self(self) -> models.QuerySet:
        # Full paths repeat across owners: another school (or the library)
        # may have a category of the same path.
        return QuestionCategory.objects.filter(
            Q(pk=self.pk)
            | Q(full_path__startswith=f"{self.full_path}/", school=self.school_id)
        )


class QuestionType(models.TextChoices):
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True/false")
    SHORT_ANSWER = "short_answer", _("Short answer")
    MATCHING = "matching", _("Matching")
    ESSAY = "essay", _("Essay (graded by a teacher)")


class Difficulty(models.TextChoices):
    EASY = "easy", _("Easy")
    MEDIUM = "medium", _("Medium")
    HARD = "hard", _("Hard")


class Question(
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    PreviewableMixin,
    index.Indexed,
    ClusterableModel,
):
    """A question of the bank. Editing an answered question starts a new version.

    Under review like pages: the row (and its choices and pairs) is the
    published content while the question is live; drafts and versions waiting
    for review are revisions. Quizzes draw live questions only.
    """

    category = models.ForeignKey(
        QuestionCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="questions",
    )
    qtype = models.CharField(_("type"), max_length=20, choices=QuestionType.choices)
    name = models.CharField(
        _("name"), max_length=255, blank=True, help_text=_("A short name for the bank.")
    )
    # Moodle's "ID number": kept from imports so a later import can recognise it.
    idnumber = models.CharField(_("ID number"), max_length=100, blank=True)
    text = RichTextField(_("question"), features=QUESTION_TEXT_FEATURES)
    points = models.DecimalField(
        _("points"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    general_feedback = RichTextField(
        _("general feedback"),
        blank=True,
        features=QUESTION_TEXT_FEATURES,
        help_text=_(
            "Shown after the attempt whatever the answer, e.g. the article to read."
        ),
    )
    correct_answer = models.BooleanField(
        _("the statement is true"),
        null=True,
        blank=True,
        help_text=_("True/false questions only."),
    )
    feedback_true = models.TextField(_("feedback when answered True"), blank=True)
    feedback_false = models.TextField(_("feedback when answered False"), blank=True)
    case_sensitive = models.BooleanField(_("case matters"), default=False)
    # None: the category decides, then the quiz (see `ignore_diacritics_for`).
    ignore_diacritics = models.BooleanField(
        _("ignore Vietnamese diacritics"),
        null=True,
        blank=True,
        default=None,
        choices=DIACRITICS_CHOICES_QUESTION,
        help_text=DIACRITICS_HELP,
    )
    legal_references = ParentalManyToManyField(
        LegalReference, verbose_name=_("legal articles"), blank=True
    )
    principles = ParentalManyToManyField(
        ConductPrinciple, verbose_name=_("code-of-conduct principles"), blank=True
    )
    difficulty = models.CharField(
        _("difficulty"), max_length=10, choices=Difficulty.choices, blank=True
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    answered = models.BooleanField(
        _("shown in an attempt"), default=False, editable=False
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="question")
    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="question",
        for_concrete_model=False,
    )

    # Plain text fields that pages render as HTML; cleaned on save (lms.html).
    html_fields = ("feedback_true", "feedback_false")

    panels = [
        FieldPanel("category"),
        FieldPanel("qtype"),
        FieldPanel("name"),
        FieldPanel("idnumber"),
        FieldPanel("text"),
        FieldPanel("points"),
        InlinePanel(
            "choices", heading=_("Choices / accepted answers"), label=_("Choice")
        ),
        MultiFieldPanel(
            [
                FieldPanel("correct_answer"),
                FieldPanel("feedback_true"),
                FieldPanel("feedback_false"),
            ],
            heading=_("True/false"),
        ),
        MultiFieldPanel(
            [FieldPanel("case_sensitive"), FieldPanel("ignore_diacritics")],
            heading=_("Short answer"),
        ),
        InlinePanel("pairs", heading=_("Matching pairs"), label=_("Pair")),
        FieldPanel("general_feedback"),
        MultiFieldPanel(
            [
                FieldPanel("legal_references"),
                FieldPanel("principles"),
                FieldPanel("difficulty"),
            ],
            heading=_("Tags"),
        ),
    ]
    search_fields = [
        index.SearchField("name"),
        index.SearchField("text"),
        index.AutocompleteField("name"),
        index.FilterField("qtype"),
        index.FilterField("category_id"),
    ]

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["category__full_path", "pk"]
        constraints = [
            # As in Moodle: a question's ID number is unique in its category.
            models.UniqueConstraint(
                fields=["category", "idnumber"],
                condition=~Q(idnumber=""),
                name="lms_quizzes_question_idnumber_unique_in_category",
            ),
        ]

    def __str__(self) -> str:
        if self.name:
            return self.name
        from django.utils.html import strip_tags

        text = strip_tags(self.text)
        return text[:80] + ("…" if len(text) > 80 else "")

    @property
    def revisions(self):
        return self._revisions

    def save(self, *args, **kwargs):
        # Attempts keep the version they showed (in their snapshot); an edit
        # after the question was shown starts a new version. Drafts of a live
        # question are revisions and leave the row alone, so the version
        # follows publishing. Saves of a few bookkeeping fields (revisions,
        # workflow, lock) are no edit.
        if self.pk and self.answered and kwargs.get("update_fields") is None:
            self.version += 1
            self.answered = False
        super().save(*args, **kwargs)

    def serializable_data(self):
        # A draft's revision is stored from the editor's unsaved object: clean
        # its HTML here as a save would (lms.html), so no revision holds markup
        # that publishing would have removed.
        from lms.html import html_fields_clean

        html_fields_clean(self, children=True)
        return super().serializable_data()

    def with_content_json(self, content):
        # The version counter and the "answered" flag belong to the bank row,
        # not to a revision: publishing an old draft keeps them current.
        obj = super().with_content_json(content)
        obj.version = self.version
        obj.answered = self.answered
        return obj

    def ignore_diacritics_for(self, *, quiz_default: bool = False) -> bool:
        """Whether this short answer ignores diacritics in a quiz whose own
        default is `quiz_default`: the question's setting wins, then its
        category's (nearest ancestor), then the quiz's."""
        if self.ignore_diacritics is not None:
            return self.ignore_diacritics
        from_category = self.category.ignore_diacritics_default()
        return quiz_default if from_category is None else from_category

    def get_preview_template(self, request, mode_name):
        return "lms_quizzes/question_preview.html"

    def get_preview_context(self, request, mode_name):
        import random

        from lms.html import html_fields_clean

        from .snapshots import public_question, question_snapshot

        # Previewed from the editor's form, before any save cleans it.
        html_fields_clean(self, children=True)
        snapshot = question_snapshot(
            self,
            key="q1",
            shuffle_choices=False,
            rng=random.Random(0),  # noqa: S311 - a stable preview, not a secret
        )
        return {"question": {**public_question(snapshot), "number": 1}, "object": self}


class QuestionReviewTask(Task):
    """The review step of questions: the admins of the question's owner school
    approve or ask for changes (the Department's managers for its library).

    Wagtail binds one workflow to a snippet model, not to an owner, so one
    task serves every school and asks the bank policy who reviews each
    question; another school's admin neither sees nor acts on it.
    """

    admin_form_fields = Task.admin_form_fields

    def _reviews(self, obj, user) -> bool:
        from .policies import may_publish_question

        return may_publish_question(user, obj)

    def user_can_access_editor(self, obj, user):
        return self._reviews(obj, user)

    def locked_for_user(self, obj, user):
        return not self._reviews(obj, user)

    def user_can_lock(self, obj, user):
        return self._reviews(obj, user)

    def get_actions(self, obj, user):
        if not self._reviews(obj, user):
            return []
        return [
            ("reject", _("Request changes"), True),
            ("approve", _("Approve"), False),
            ("approve", _("Approve with comment"), True),
        ]

    def get_task_states_user_can_moderate(self, user, **kwargs):
        from django.db.models import CharField
        from django.db.models.functions import Cast

        from .policies import questions_publishable_by

        ids = (
            questions_publishable_by(user)
            .annotate(id_text=Cast("pk", CharField()))
            .values("id_text")
        )
        return self.task_states.filter(
            status=TaskState.STATUS_IN_PROGRESS,
            workflow_state__base_content_type__model="question",
            workflow_state__base_content_type__app_label="lms_quizzes",
            workflow_state__object_id__in=ids,
        )

    @classmethod
    def get_description(cls):
        return _("The admins of the question's school approve it")

    class Meta:
        verbose_name = _("question review by the owner school")
        verbose_name_plural = _("question reviews by the owner school")


class Choice(Orderable):
    """An option of a choice question, or an accepted short answer."""

    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.TextField(_("text"))
    fraction = models.DecimalField(
        _("credit (%)"),
        # Five places of a percent are Moodle's seven of a fraction: a third
        # is 33.33333 %, and three thirds make a right answer (0.9999999).
        max_digits=8,
        decimal_places=5,
        default=Decimal("0"),
        validators=[
            MinValueValidator(Decimal("-100")),
            MaxValueValidator(Decimal("100")),
        ],
        help_text=_(
            "100 for a right answer, 0 for a wrong one; partial or negative allowed."
        ),
    )
    feedback = models.TextField(_("feedback for this choice"), blank=True)
    # An answer written in HTML (Moodle's formatted answers, pictures): shown
    # instead of `text`, which keeps its plain words for matching and exports.
    text_html = models.TextField(_("formatted text"), blank=True, editable=False)

    # The text is shown escaped; the feedback and formatted text are rendered as
    # HTML (lms.html).
    html_fields = ("feedback", "text_html")

    panels = [FieldPanel("text"), FieldPanel("fraction"), FieldPanel("feedback")]

    class Meta(Orderable.Meta):
        verbose_name = _("choice")
        verbose_name_plural = _("choices")

    @property
    def credit(self) -> Decimal:
        return self.fraction / Decimal("100")


class MatchPair(Orderable):
    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="pairs")
    prompt = models.CharField(
        pgettext_lazy("matching question", "item"),
        max_length=500,
        blank=True,
        help_text=_("Leave empty for a distractor."),
    )
    answer = models.CharField(_("matches"), max_length=500)
    # An item written in HTML (Moodle's formatted items, pictures): shown
    # instead of `prompt`, which keeps its plain words for results and exports.
    prompt_html = models.TextField(_("formatted item"), blank=True, editable=False)

    html_fields = ("prompt_html",)

    panels = [FieldPanel("prompt"), FieldPanel("answer")]

    class Meta(Orderable.Meta):
        verbose_name = _("matching pair")
        verbose_name_plural = _("matching pairs")


class GradingMethod(models.TextChoices):
    HIGHEST = "highest", _("Highest grade")
    LAST = "last", _("Last attempt")
    FIRST = "first", _("First attempt")
    AVERAGE = "average", _("Average of attempts")


class QuizLayout(models.TextChoices):
    ONE_PAGE = "one_page", _("All questions on one page")
    PER_QUESTION = "per_question", _("One question per page")


class FeedbackTiming(models.TextChoices):
    AT_END = "at_end", _("After the attempt is submitted")
    EACH_QUESTION = (
        "each_question",
        _("After each question: the learner checks an answer, which is then locked"),
    )


class QuizPage(OneQueryViewRestrictionsMixin, CourseStep, Page):
    """A quiz: a step of its course."""

    intro = RichTextField(
        _("introduction"), blank=True, features=["bold", "italic", "ul", "link"]
    )
    required = models.BooleanField(
        _("required to complete the course"),
        default=True,
        help_text=_("A required quiz must be passed for the course to be complete."),
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=70, validators=[MaxValueValidator(100)]
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"),
        null=True,
        blank=True,
        help_text=_("Empty: no limit."),
    )
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=0, help_text=_("0 means unlimited.")
    )
    grading_method = models.CharField(
        _("grading method"),
        max_length=10,
        choices=GradingMethod.choices,
        default=GradingMethod.HIGHEST,
    )
    delay_minutes = models.PositiveSmallIntegerField(
        _("wait between attempts (minutes)"), default=0
    )
    layout = models.CharField(
        _("layout"),
        max_length=20,
        choices=QuizLayout.choices,
        default=QuizLayout.ONE_PAGE,
    )
    feedback_timing = models.CharField(
        _("answers and feedback"),
        max_length=20,
        choices=FeedbackTiming.choices,
        default=FeedbackTiming.AT_END,
        help_text=_(
            "With feedback after each question, a checked answer shows right or "
            "wrong, the correct answer and the feedback at once, and can no "
            "longer be changed. Essays are always graded by a teacher."
        ),
    )
    ignore_diacritics = models.BooleanField(
        _("short answers ignore Vietnamese diacritics"),
        default=False,
        help_text=_(
            "For short answers whose question and category do not say. "
            'On: "luat" matches "luật", and "ma", "má", "mà" and "mã" all '
            "match one another."
        ),
    )
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=True)
    shuffle_choices = models.BooleanField(_("shuffle choices"), default=True)
    review_score = models.BooleanField(_("show the score"), default=True)
    review_right_wrong = models.BooleanField(_("show right or wrong"), default=True)
    review_correct_answers = models.BooleanField(
        _("show correct answers"), default=False
    )
    review_feedback = models.BooleanField(_("show feedback"), default=True)
    closed_review_correct_answers = models.BooleanField(
        _("show correct answers once the quiz has closed"), default=True
    )
    # The version of what an attempt draws its questions from (slots, random
    # draws, the bank's questions): a fresh number whenever that may have
    # changed (quizzes.content). 0: never versioned, nothing is cached.
    content_version = models.BigIntegerField(default=0, editable=False)
    success_text = RichTextField(
        _("text when passed"), blank=True, features=["bold", "italic", "link"]
    )
    failure_text = RichTextField(
        _("text when not passed"), blank=True, features=["bold", "italic", "link"]
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        InlinePanel("slots", heading=_("Fixed questions"), label=_("Question")),
        InlinePanel("draws", heading=_("Random questions"), label=_("Random draw")),
        MultiFieldPanel(
            [
                FieldPanel("shuffle_questions"),
                FieldPanel("shuffle_choices"),
                FieldPanel("layout"),
                FieldPanel("feedback_timing"),
            ],
            heading=_("Presentation"),
        ),
    ]
    rules_panels = [
        FieldPanel("required"),
        FieldPanel("pass_mark"),
        FieldPanel("time_limit_minutes"),
        FieldPanel("opens_at"),
        FieldPanel("closes_at"),
        FieldPanel("attempts_allowed"),
        FieldPanel("grading_method"),
        FieldPanel("delay_minutes"),
        FieldPanel("ignore_diacritics"),
        MultiFieldPanel(
            [
                FieldPanel("review_score"),
                FieldPanel("review_right_wrong"),
                FieldPanel("review_correct_answers"),
                FieldPanel("review_feedback"),
                FieldPanel("closed_review_correct_answers"),
            ],
            heading=_("After submitting, the learner sees"),
        ),
        FieldPanel("success_text"),
        FieldPanel("failure_text"),
    ]
    parent_page_types = ["lms_courses.CoursePage"]
    subpage_types: list[str] = []
    template = "lms_quizzes/quiz_page.html"
    base_form_class = QuizPageForm
    step_kind_label = _("Quiz")
    tests_lessons = True

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    @classmethod
    def get_edit_handler(cls):
        from wagtail.admin.panels import ObjectList, TabbedInterface

        return TabbedInterface(
            [
                ObjectList(cls.content_panels, heading=_("Content")),
                ObjectList(cls.rules_panels, heading=_("Rules")),
                ObjectList(cls.promote_panels, heading=_("Promote")),
                ObjectList(cls.settings_panels, heading=_("Settings")),
            ],
            base_form_class=cls.base_form_class,
        ).bind_to_model(cls)

    @classmethod
    def learner_rows(cls, *, user, step_ids):
        rows = QuizGrade.objects.filter(user=user, quiz_id__in=step_ids, passed=True)
        return rows, "quiz_id", None

    @classmethod
    def done_counts_by_user(
        cls, *, steps, user_ids, school_year_id=None
    ) -> dict[int, int]:
        from django.db.models import Count

        # Done = the grade under the quiz's grading method passes, as for the
        # learner's own pages (learner_rows; courses.selectors).
        rows = QuizGrade.objects.filter(
            quiz_id__in=[step.pk for step in steps],
            user_id__in=user_ids,
            passed=True,
        )
        if school_year_id is not None:
            rows = rows.filter(school_year_id=school_year_id)
        rows = (
            rows.values("user_id")
            .annotate(done=Count("quiz_id", distinct=True))
            .values_list("user_id", "done")
        )
        return dict(rows)

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return (self.opens_at is None or now >= self.opens_at) and (
            self.closes_at is None or now < self.closes_at
        )

    def serve(self, request, *args, **kwargs):
        from . import views

        return views.quiz_serve(request, self, *args, **kwargs)


class QuizSlot(Orderable):
    """A question every attempt of the quiz shows."""

    quiz = ParentalKey(QuizPage, on_delete=models.CASCADE, related_name="slots")
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="+"
    )

    panels = [FieldPanel("question")]

    def clean(self):
        super().clean()
        # Attempts draw live questions only: a question still waiting for its
        # first approval would silently be left out of the quiz.
        question = self.question if self.question_id else None
        never_published = question is not None and not question.first_published_at
        if never_published and not question.live:
            raise ValidationError(
                {
                    "question": _(
                        "The question “%(question)s” has never been published:"
                        " it can join a quiz once the school's admin approves it."
                    )
                    % {"question": question}
                }
            )


class QuizRandomDraw(Orderable):
    """N questions drawn at random for each attempt from a category (and/or a tag)."""

    quiz = ParentalKey(QuizPage, on_delete=models.CASCADE, related_name="draws")
    category = models.ForeignKey(
        QuestionCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Questions of this category and its sub-categories."),
    )
    legal_reference = models.ForeignKey(
        LegalReference,
        verbose_name=_("only questions on this legal article"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    count = models.PositiveSmallIntegerField(_("number of questions"), default=10)

    panels = [
        FieldPanel("category"),
        FieldPanel("legal_reference"),
        FieldPanel("count"),
    ]


class AttemptState(models.TextChoices):
    IN_PROGRESS = "in_progress", pgettext_lazy("quiz attempt", "In progress")
    NEEDS_GRADING = "needs_grading", _("Needs grading")
    FINISHED = "finished", _("Finished")


class QuizAttempt(models.Model):
    """One try at a quiz, with the frozen questions it showed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="lms_quiz_attempts",
    )
    quiz = models.ForeignKey(
        QuizPage,
        verbose_name=_("quiz"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="attempts",
    )
    quiz_title = models.CharField(_("quiz title"), max_length=255)
    course = models.ForeignKey(
        CoursePage,
        verbose_name=_("course"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    number = models.PositiveSmallIntegerField(_("attempt number"))
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=AttemptState.choices,
        default=AttemptState.IN_PROGRESS,
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    snapshot = models.JSONField(_("questions shown"), default=list)
    current_page = models.PositiveSmallIntegerField(default=0)
    # The sum of the question marks, kept to 5 places as Moodle keeps it.
    score = models.DecimalField(
        _("score"), max_digits=12, decimal_places=5, null=True, blank=True
    )
    max_score = models.DecimalField(
        _("maximum score"), max_digits=8, decimal_places=2, default=Decimal("0")
    )
    percent = models.DecimalField(
        _("percent"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    passed = models.BooleanField(_("passed"), default=False)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"), default=70)
    # The learner's school year when the attempt started: in a course
    # required every school year only this year's attempts count.
    school_year = models.ForeignKey(
        SchoolYear,
        verbose_name=_("school year"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "quiz", "number"],
                condition=Q(quiz__isnull=False),
                name="lms_quizzes_attempt_number_unique",
            ),
            models.UniqueConstraint(
                fields=["user", "quiz"],
                condition=Q(state="in_progress", quiz__isnull=False),
                name="lms_quizzes_one_open_attempt",
            ),
        ]
        indexes = [
            models.Index(fields=["quiz", "state"]),
            models.Index(fields=["user", "quiz"]),
            # The reports ask whether an unfinished enrolment has an attempt
            # started in its year, as the lesson progress index lets them.
            models.Index(
                fields=["course", "user"],
                include=["school_year"],
                name="lms_quizzes_att_course_user",
            ),
            # The school report's quiz pass rates: a school's learners' finished
            # attempts, read from the index alone (on PostgreSQL; SQLite
            # builds it without the included columns).
            models.Index(
                fields=["user", "course"],
                include=["quiz", "school_year"],
                condition=Q(state="finished"),
                name="lms_quizzes_att_finished_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.quiz_title} #{self.number}"


class QuestionResponse(models.Model):
    """The learner's answer to one question of an attempt, saved as they go."""

    attempt = models.ForeignKey(
        QuizAttempt, on_delete=models.CASCADE, related_name="responses"
    )
    key = models.CharField(max_length=16)
    answer = models.JSONField(null=True, blank=True)
    saved_at = models.DateTimeField(default=timezone.now)
    # Set when the learner checked this answer (feedback after each question);
    # a checked answer is graded at once and never changes again.
    checked_at = models.DateTimeField(null=True, blank=True)
    # Full precision: points (2 places) times the fraction (7 places, as
    # Moodle keeps it), never rounded; the attempt is summed from these.
    score = models.DecimalField(max_digits=18, decimal_places=9, null=True, blank=True)
    teacher_comment = models.TextField(_("teacher's comment"), blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    graded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "key"], name="lms_quizzes_response_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}/{self.key}"


class Regrade(models.Model):
    """A record of an attempt graded again after its answer key was fixed."""

    attempt = models.ForeignKey(
        QuizAttempt, on_delete=models.CASCADE, related_name="regrades"
    )
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(default=timezone.now)
    old_score = models.DecimalField(max_digits=12, decimal_places=5, null=True)
    new_score = models.DecimalField(max_digits=12, decimal_places=5, null=True)
    reason = models.CharField(max_length=255, blank=True)
    # Which version of each question the regrade applied: {question id: version}.
    question_versions = models.JSONField(_("question versions used"), default=dict)

    class Meta:
        verbose_name = _("regrade")
        verbose_name_plural = _("regrades")

    def __str__(self) -> str:
        return f"{self.attempt}: {self.old_score} → {self.new_score}"


class EssayRemark(models.Model):
    """A record of an essay mark changed after it was first given."""

    response = models.ForeignKey(
        QuestionResponse, on_delete=models.CASCADE, related_name="remarks"
    )
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(default=timezone.now)
    old_score = models.DecimalField(max_digits=18, decimal_places=9, null=True)
    new_score = models.DecimalField(max_digits=18, decimal_places=9, null=True)
    old_graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("essay re-mark")
        verbose_name_plural = _("essay re-marks")

    def __str__(self) -> str:
        return f"{self.response}: {self.old_score} → {self.new_score}"


class QuizGrade(models.Model):
    """A learner's grade for a quiz under its grading method; kept up to date."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="lms_quiz_grades",
    )
    quiz = models.ForeignKey(QuizPage, on_delete=models.CASCADE, related_name="grades")
    percent = models.DecimalField(max_digits=5, decimal_places=2)
    passed = models.BooleanField(default=False)
    ever_passed = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)
    # The school year whose attempts the grade is worked out from (a course
    # required every school year), else the learner's year when last updated.
    school_year = models.ForeignKey(
        SchoolYear,
        verbose_name=_("school year"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The school year's id for a course required every school year, else 0.
    cycle = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("quiz grade")
        verbose_name_plural = _("quiz grades")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "quiz", "cycle"], name="lms_quizzes_grade_unique"
            )
        ]
        indexes = [
            # The school report's "passed the quiz": a learner's passing grade
            # for a quiz, read from the index alone (PostgreSQL).
            models.Index(
                fields=["user", "quiz"],
                include=["cycle"],
                condition=Q(passed=True),
                name="lms_quizzes_grade_passed_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.quiz_id}: {self.percent}%"


class GradeRecompute(models.Model):
    """The audit record of a quiz's grades worked out again after its grading
    method or pass mark changed (see docs/quizzes.md, "Scores as Moodle computes them").

    A course completion recorded from a pass that no longer holds is kept, not
    withdrawn: it is listed here for staff to review.
    """

    quiz = models.ForeignKey(
        QuizPage, on_delete=models.CASCADE, related_name="grade_recomputes"
    )
    done_at = models.DateTimeField(default=timezone.now)
    # {"grading_method": [old, new], "pass_mark": [old, new]}: what changed.
    changes = models.JSONField(default=dict)
    grades_changed = models.PositiveIntegerField(default=0)
    # [{"user": id, "course": id}]: completions kept although the pass is gone.
    completions_kept = models.JSONField(default=list)
    # Empty while a background recompute waits for the worker (see
    # `quizzes.jobs`); the figures above are filled in when it finishes.
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("grade recompute")
        verbose_name_plural = _("grade recomputes")

    def __str__(self) -> str:
        return f"{self.quiz_id} @ {self.done_at:%Y-%m-%d %H:%M}"
