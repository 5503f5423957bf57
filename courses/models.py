"""Courses as Wagtail pages, and the learner activity recorded against them."""

import re

from django import forms
from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import (
    FieldPanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageViewRestriction, get_page_models
from wagtail.search import index
from wagtail.utils.decorators import cached_classmethod

from lms import sqlcache
from lms.people.models import SchoolClass, SchoolYear
from lms.routing import child_by_slug, known_unrestricted

from .blocks import LessonBodyBlock, ObjectivesBlock
from .panels import SupersededLawPanel
from .steps import CourseStep


class Audience(models.TextChoices):
    STUDENTS = "students", _("Students")
    TEACHERS = "teachers", _("Teachers")
    COLLABORATORS = "collaborators", _("Collaborators")


class EnrolmentMode(models.TextChoices):
    AUTOMATIC = "automatic", _("Automatic for its audience")
    SELF = "self", _("Learners enrol themselves")
    ASSIGNED = "assigned", _("Assigned to classes")


class LegalDocument(index.Indexed, models.Model):
    """A legal document (law, decree, decision…) with the dates it applies."""

    class Kind(models.TextChoices):
        LAW = "law", _("Law")
        DECREE = "decree", _("Decree")
        CIRCULAR = "circular", _("Circular")
        DECISION = "decision", _("Decision")
        OTHER = "other", _("Other")

    number = models.CharField(
        _("document number"),
        max_length=40,
        unique=True,
        help_text=_("e.g. 116/2025/QH15"),
    )
    title = models.CharField(
        _("document title"), max_length=255, help_text=_("e.g. Luật An ninh mạng")
    )
    kind = models.CharField(
        _("document kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    in_force_from = models.DateField(_("in force from"), null=True, blank=True)
    # The first day the document no longer applies, as Vietnamese texts state
    # it ("hết hiệu lực kể từ ngày …"); empty while it is in force.
    out_of_force_from = models.DateField(
        _("no longer in force from"),
        null=True,
        blank=True,
        help_text=_("The first day on which the document no longer applies."),
    )
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("replaced by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
    )
    note = models.TextField(_("note"), blank=True)
    source_url = models.URLField(
        _("official source"),
        blank=True,
        help_text=_("Address of the official text, e.g. on vbpl.vn."),
    )

    search_fields = [
        index.SearchField("title"),
        index.AutocompleteField("number"),
    ]

    class Meta:
        verbose_name = _("legal document")
        verbose_name_plural = _("legal documents")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.title} {self.number}"


class LegalReferenceManager(models.Manager):
    def get_queryset(self):
        # A reference is named after its document: listings, choosers and
        # tags read both.
        return super().get_queryset().select_related("document")


class LegalReference(index.Indexed, models.Model):
    """An article of a legal document that lessons and questions can cover."""

    document = models.ForeignKey(
        LegalDocument,
        verbose_name=_("legal document"),
        on_delete=models.PROTECT,
        related_name="references",
    )
    article = models.CharField(_("article"), max_length=20, help_text=_("e.g. 8"))
    # The article's number as a number, so that lists read 1, 2, 16 rather
    # than 1, 16, 2; set on save from the article's leading digits ("8a": 8),
    # 0 when it has none (first, on every database).
    article_number = models.PositiveIntegerField(default=0, editable=False)
    title = models.CharField(_("article title"), max_length=255, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("replaced by the article"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
        help_text=_(
            "The article that took over; it applies from its document's in-force date."
        ),
    )
    quote = models.TextField(
        _("quoted text"),
        blank=True,
        help_text=_("The words of the article, as lessons quote them."),
    )
    quote_source = models.CharField(
        _("quote checked against"),
        max_length=255,
        blank=True,
        help_text=_("Where the words were checked, e.g. the official gazette."),
    )

    objects = LegalReferenceManager()

    search_fields = [
        index.SearchField("title"),
        index.RelatedFields(
            "document",
            [index.SearchField("title"), index.AutocompleteField("number")],
        ),
    ]

    class Meta:
        verbose_name = _("legal reference")
        verbose_name_plural = _("legal references")
        ordering = ["document__number", "article_number", "article"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "article"],
                name="lms_courses_legalref_unique_article",
            )
        ]

    def __str__(self) -> str:
        document = self.document
        label = f"Điều {self.article} {document.title} {document.number}"
        return f"{label} – {self.title}" if self.title else label

    def save(self, *args, **kwargs):
        self.article_number = self.number_of(self.article) or 0
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "article" in update_fields:
            kwargs["update_fields"] = {*update_fields, "article_number"}
        super().save(*args, **kwargs)

    @staticmethod
    def number_of(article: str) -> int | None:
        """The leading digits of an article ("16" -> 16, "8a" -> 8), else None."""
        digits = re.match(r"\s*(\d+)", article or "")
        return int(digits.group(1)) if digits else None


class ConductPrinciple(index.Indexed, models.Model):
    """A principle of the social-network code of conduct (Decision 874/QĐ-BTTTT)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("code-of-conduct principle")
        verbose_name_plural = _("code-of-conduct principles")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OneQueryViewRestrictionsMixin:
    """Look up view restrictions of the page and its ancestors in one query.

    Wagtail first loads the ancestors to resolve aliases, then the
    restrictions; the ancestors' paths follow from our own path, so one query
    with a subquery for aliased ancestors gives the same answer.
    """

    def get_view_restrictions(self):
        if known_unrestricted(self):
            # Routing read with this page that none applies.
            return PageViewRestriction.objects.none()
        paths = [
            self.path[:end]
            for end in range(self.steplen, len(self.path) + 1, self.steplen)
        ]
        # Its SQL compiled once per process and depth (lms.sqlcache): Wagtail
        # reads it on every page it serves.
        return sqlcache.cached_queryset(
            "courses.get_view_restrictions",
            _view_restrictions,
            model=PageViewRestriction,
            values={"paths": paths},
        )


def _view_restrictions(values):
    paths = values["paths"]
    aliased = Page.objects.filter(path__in=paths, alias_of__isnull=False).values(
        "alias_of_id"
    )
    return PageViewRestriction.objects.filter(
        Q(page__path__in=paths) | Q(page_id__in=aliased)
    )


class CatalogueForm(WagtailAdminPageForm):
    """The owner can only be a school the editor manages; empty (the
    Department library) only for Department managers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("school")
        user = self.for_user
        if field is None or user is None:
            return
        from .policies import catalogue_owner_choices, may_own_library_catalogue

        field.queryset = catalogue_owner_choices(user=user)
        field.required = not may_own_library_catalogue(user=user)
        if field.required:
            field.help_text = ""  # the library is not theirs to choose


class CoursePageForm(WagtailAdminPageForm):
    """The course editor; apps that add a tab check their part of it through
    the ``lms_course_form_clean`` hook, called as ``fn(form)``."""

    def clean(self):
        cleaned = super().clean()
        for fn in hooks.get_hooks("lms_course_form_clean"):
            fn(self)
        return cleaned


class CourseIndexPage(OneQueryViewRestrictionsMixin, Page):
    """The course catalogue."""

    intro = RichTextField(
        _("introduction"), blank=True, features=["bold", "italic", "link"]
    )
    # Who owns the catalogue and every course in it: one school, or (empty) the
    # Department's shared library.
    school = models.ForeignKey(
        "lms_people.School",
        verbose_name=_("owner school"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="course_catalogues",
        help_text=_("Empty: the Department's shared library."),
    )

    content_panels = [*Page.content_panels, FieldPanel("school"), FieldPanel("intro")]
    base_form_class = CatalogueForm
    subpage_types = ["lms_courses.CoursePage"]
    template = "lms_courses/course_index_page.html"

    class Meta:
        verbose_name = _("course catalogue")
        verbose_name_plural = _("course catalogues")

    def route(self, request, path_components):
        # Look courses up by their own model: one query instead of two.
        if not path_components:
            return super().route(request, path_components)
        slug, *rest = path_components
        course = child_by_slug(CoursePage, self, slug, last=not rest)
        if course is None:
            raise Http404
        request.lms_catalogue = self
        return course.route(request, rest)

    def serve(self, request, *args, **kwargs):
        from .page_cache import anonymous_cacheable

        response = super().serve(request, *args, **kwargs)
        if not request.user.is_authenticated and not getattr(
            request, "is_preview", False
        ):
            anonymous_cacheable(response)
        return response

    def get_context(self, request, *args, **kwargs):
        from .selectors import catalogue_for

        context = super().get_context(request, *args, **kwargs)
        context["cards"] = catalogue_for(user=request.user, catalogue=self)
        return context


class CoursePage(OneQueryViewRestrictionsMixin, Page):
    base_form_class = CoursePageForm
    # The identifier of the course pack this course was imported from (or
    # exported as): importing the same pack again updates this course.
    pack_id = models.CharField(
        _("course pack identifier"), max_length=100, blank=True, db_index=True
    )
    summary = models.TextField(_("summary"), max_length=600)
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    objectives = StreamField(
        ObjectivesBlock(), blank=True, verbose_name=_("learning objectives")
    )
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"), default=30
    )
    for_students = models.BooleanField(_("students"), default=True)
    for_teachers = models.BooleanField(_("teachers"), default=False)
    for_collaborators = models.BooleanField(_("collaborators"), default=False)
    school_years = ParentalManyToManyField(
        SchoolYear,
        verbose_name=_("school years"),
        blank=True,
        help_text=_("Leave empty to run the course in every school year."),
    )
    enrolment_mode = models.CharField(
        _("enrolment"),
        max_length=16,
        choices=EnrolmentMode.choices,
        default=EnrolmentMode.AUTOMATIC,
    )
    sequential = models.BooleanField(
        _("steps in order"),
        default=False,
        help_text=_("Learners must finish each required step before the next one."),
    )
    lessons_before_quizzes = models.BooleanField(
        _("lessons before quizzes"),
        default=True,
        help_text=_(
            "Learners finish the required lessons that come before a quiz "
            "before they can start it. Recommended for student courses."
        ),
    )
    # Recertification: what a learner did in an earlier school year is kept
    # but no longer counts (courses.progress, docs/school-year.md).
    required_every_year = models.BooleanField(
        _("required every school year"),
        default=False,
        help_text=_(
            "Learners take the course again every school year: a completion, "
            "quiz grade or certificate of an earlier year stays in their "
            "history but no longer counts, and certificates are valid until "
            "the end of their school year."
        ),
    )

    # A fresh number each time the course's structure may have changed (the
    # course, a step or its catalogue saved, moved or deleted: courses.structure),
    # read with the learner's state so a cached structure is never stale.
    structure_version = models.BigIntegerField(default=0, editable=False)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        FieldPanel("objectives"),
        FieldPanel("estimated_minutes"),
    ]
    course_panels = [
        MultiFieldPanel(
            [
                FieldPanel("for_students"),
                FieldPanel("for_teachers"),
                FieldPanel("for_collaborators"),
            ],
            heading=_("Audience"),
        ),
        FieldPanel("school_years", widget=forms.CheckboxSelectMultiple),
        FieldPanel("enrolment_mode"),
        FieldPanel("sequential"),
        FieldPanel("lessons_before_quizzes"),
        FieldPanel("required_every_year"),
    ]
    parent_page_types = ["lms_courses.CourseIndexPage"]
    # A copy is another course: importing the pack again updates the original.
    exclude_fields_in_copy = ["pack_id"]
    template = "lms_courses/course_page.html"
    search_fields = [*Page.search_fields, index.SearchField("summary")]

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    @cached_classmethod
    def get_edit_handler(cls):
        """Content, course rules, and tabs other apps add (e.g. certificates).

        Another app adds a tab with the ``lms_course_edit_tabs`` hook, which
        returns ``(heading, [panels])``.
        """
        tabs = [
            ObjectList(cls.content_panels, heading=_("Content")),
            ObjectList(cls.course_panels, heading=_("Learners")),
        ]
        for fn in hooks.get_hooks("lms_course_edit_tabs"):
            heading, panels = fn()
            tabs.append(ObjectList(panels, heading=heading))
        tabs += [
            ObjectList(cls.promote_panels, heading=_("Promote")),
            ObjectList(cls.settings_panels, heading=_("Settings")),
        ]
        return TabbedInterface(tabs, base_form_class=cls.base_form_class).bind_to_model(
            cls
        )

    @classmethod
    def clean_subpage_models(cls):
        # A course's children are its steps, of whichever app defines them.
        return [model for model in get_page_models() if issubclass(model, CourseStep)]

    @property
    def audiences(self) -> set[str]:
        return {
            audience
            for audience, flag in (
                (Audience.STUDENTS, self.for_students),
                (Audience.TEACHERS, self.for_teachers),
                (Audience.COLLABORATORS, self.for_collaborators),
            )
            if flag
        }

    def audience_labels(self) -> list[str]:
        return [label for value, label in Audience.choices if value in self.audiences]

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        slug, *rest = path_components
        for model in self._step_models_for(slug):
            step = child_by_slug(model, self, slug, last=not rest)
            if step is not None:
                request.lms_course = self
                return step.route(request, rest)
        raise Http404

    def _step_models_for(self, slug: str) -> list:
        """The page types to look `slug` up in: the live step's own type when
        the course's cached structure (courses.structure, under the version
        this row was just read with) knows it, one query instead of one per
        step type; else every type a course may hold."""
        if self.pk and self.structure_version:
            from .structure import structures_for

            structure = structures_for(
                [self], versions={self.pk: (self.structure_version, self.path)}
            )[self.pk]
            for step in structure.steps:
                if step.slug == slug:
                    return [type(step)]
        return self.clean_subpage_models()

    def serve(self, request, *args, **kwargs):
        from . import views

        return views.course_serve(request, self, *args, **kwargs)


class LessonPage(OneQueryViewRestrictionsMixin, CourseStep, Page):
    body = StreamField(LessonBodyBlock(), verbose_name=_("lesson"))
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"), default=10
    )
    required = models.BooleanField(
        _("required"),
        default=True,
        help_text=_("Optional lessons never block completing the course."),
    )
    legal_references = ParentalManyToManyField(
        LegalReference, verbose_name=_("legal articles covered"), blank=True
    )
    principles = ParentalManyToManyField(
        ConductPrinciple,
        verbose_name=_("code-of-conduct principles covered"),
        blank=True,
    )

    content_panels = [
        SupersededLawPanel(),
        *Page.content_panels,
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("estimated_minutes"), FieldPanel("required")],
            heading=_("Lesson"),
        ),
        MultiFieldPanel(
            [FieldPanel("legal_references"), FieldPanel("principles")],
            heading=_("Tags"),
        ),
    ]
    parent_page_types = ["lms_courses.CoursePage"]
    subpage_types: list[str] = []
    template = "lms_courses/lesson_page.html"
    search_fields = [*Page.search_fields, index.SearchField("body")]
    step_kind_label = _("Lesson")

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    @classmethod
    def learner_rows(cls, *, user, step_ids):
        rows = LessonProgress.objects.filter(user=user, lesson_id__in=step_ids)
        return rows, "lesson_id", Q(completed_at__isnull=False)

    @classmethod
    def done_counts_by_user(
        cls, *, steps, user_ids, school_year_id=None
    ) -> dict[int, int]:
        rows = LessonProgress.objects.filter(
            lesson_id__in=[step.pk for step in steps],
            user_id__in=user_ids,
            completed_at__isnull=False,
        )
        if school_year_id is not None:
            rows = rows.filter(school_year_id=school_year_id)
        rows = (
            rows.values("user_id")
            .annotate(done=Count("id"))
            .values_list("user_id", "done")
        )
        return dict(rows)

    @cached_property
    def course(self) -> CoursePage:
        return CoursePage.objects.parent_of(self).get()

    def serve(self, request, *args, **kwargs):
        from . import views

        return views.lesson_serve(request, self, *args, **kwargs)


class Enrolment(models.Model):
    class Source(models.TextChoices):
        AUTOMATIC = "automatic", _("Automatic")
        SELF = "self", _("Self-enrolled")
        ASSIGNED = "assigned", _("Assigned with a class")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="lms_enrolments",
    )
    course = models.ForeignKey(
        CoursePage,
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="enrolments",
    )
    source = models.CharField(_("how"), max_length=16, choices=Source.choices)
    enrolled_at = models.DateTimeField(_("enrolled at"), default=timezone.now)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"], name="lms_courses_enrolment_unique"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.course}"


class LessonProgress(models.Model):
    """A learner's progress through one lesson; kept if the lesson is deleted."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="lms_lesson_progress",
    )
    lesson = models.ForeignKey(
        LessonPage,
        verbose_name=_("lesson"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="progress",
    )
    course = models.ForeignKey(
        CoursePage,
        verbose_name=_("course"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="lesson_progress",
    )
    lesson_title = models.CharField(_("lesson title"), max_length=255)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # The learner's school year when the row was written (see
    # lms.people.selectors.learning_year_for); what "this year" counts.
    school_year = models.ForeignKey(
        SchoolYear,
        verbose_name=_("school year"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The uniqueness key of a course required every school year: the school
    # year's id for such a course, 0 for a course taken once (the default).
    cycle = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson", "cycle"],
                condition=Q(lesson__isnull=False),
                name="lms_courses_lessonprogress_unique",
            )
        ]
        indexes = [
            # The reports ask whether an unfinished enrolment has a lesson
            # opened in its year: the school year is in the index, so the
            # look-up reads no table row (PostgreSQL; elsewhere a plain index).
            models.Index(
                fields=["course", "user"],
                include=["school_year"],
                name="lms_courses_lp_course_user",
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.lesson_title}"


class CourseCompletion(models.Model):
    """The record that a learner completed a course: written once, never undone.

    One per learner and course; for a course required every school year, one
    per learner, course and school year (`cycle`).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="lms_course_completions",
    )
    course = models.ForeignKey(
        CoursePage,
        verbose_name=_("course"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="completions",
    )
    course_title = models.CharField(_("course title"), max_length=255)
    completed_at = models.DateTimeField(_("completed at"), default=timezone.now)
    # The learner's school year when the row was written (see
    # lms.people.selectors.learning_year_for); what "this year" counts.
    school_year = models.ForeignKey(
        SchoolYear,
        verbose_name=_("school year"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The uniqueness key of a course required every school year: the school
    # year's id for such a course, 0 for a course taken once (the default).
    cycle = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("course completion")
        verbose_name_plural = _("course completions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course", "cycle"],
                condition=Q(course__isnull=False),
                name="lms_courses_completion_unique",
            )
        ]
        indexes = [
            models.Index(fields=["course", "completed_at"]),
            models.Index(fields=["course", "school_year"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.course_title}"


class ClassAssignment(models.Model):
    """A course assigned by a school admin to a whole class."""

    course = models.ForeignKey(
        CoursePage,
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="class_assignments",
    )
    school_class = models.ForeignKey(
        SchoolClass,
        verbose_name=_("class"),
        on_delete=models.CASCADE,
        related_name="lms_course_assignments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now)

    class Meta:
        verbose_name = _("class assignment")
        verbose_name_plural = _("class assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "school_class"], name="lms_courses_assignment_unique"
            )
        ]

    def __str__(self):
        return f"{self.school_class} – {self.course}"
