"""Who may do what in the question bank, and who may grade whom.

The one place for "may this person use, change or delete that question or
category" and "may this person grade that answer". The Wagtail snippet and
model viewsets, the choosers, the import and export forms, the quiz page
form, the grading views and services all ask here.

Ownership: a category belongs to one school, or (no school) to the
Department's shared library; a question belongs to its category's owner.

- Using (seeing, choosing in a quiz, drawing from, exporting): the
  Department library, and the categories of schools one belongs to or
  manages.
- Changing, deleting, adding into: only where one manages the owner school
  now (`lms.people.policies.may_manage_school`); the Department library only
  for Department managers (superusers and officers, `is_department_manager`).
- Writing for review: holders of the content role at a school
  (`schools_authored_by`) may also add questions into its categories and
  change them, as drafts; publishing (and approving in the review, and
  importing, which publishes) and deleting stay with those who manage the
  owner. Categories stay with the managers.

Django model permissions held through role groups do not widen any of this:
the policy decides from memberships and school years.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from wagtail.permission_policies.base import BasePermissionPolicy

from lms.people.models import Membership, Role, School
from lms.people.policies import (
    is_department_manager,
    managed_school_ids,
    managed_school_years,
    open_years_q,
)

from .models import (
    AttemptState,
    Question,
    QuestionCategory,
    QuestionResponse,
    QuestionType,
)

USE_ACTIONS = frozenset({"view", "choose"})
# Authors may write (drafts); the rest is for those who manage the owner.
WRITE_ACTIONS = frozenset({"add", "change"})
CHANGE_ACTIONS = frozenset({"add", "change", "delete", "publish", "unpublish"})


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


@dataclass(frozen=True)
class BankScope:
    """What one user may do in the bank, worked out once per user object
    (the admin menu, listings and forms of one request ask many times)."""

    use: bool
    library_manager: bool
    managed_school_ids: frozenset[int]
    used_school_ids: frozenset[int]
    authored_school_ids: frozenset[int] = frozenset()


_SCOPE_CACHE = "_lms_question_bank_scope"


def bank_scope(user) -> BankScope:
    cached = getattr(user, _SCOPE_CACHE, None)
    if cached is not None:
        return cached
    if not _active(user):
        scope = BankScope(False, False, frozenset(), frozenset())
    else:
        managed = managed_school_ids(user=user)
        staff_roles = [Role.TEACHER, Role.HOMEROOM_TEACHER, Role.SCHOOL_ADMIN]
        # Staff use their school's bank while they hold a role there: someone
        # who left keeps no access to what the school wrote since.
        # One query for both: the schools where the user is staff, and those
        # where they write for review (the rule of `schools_authored_by`).
        held = Membership.objects.filter(
            open_years_q(prefix="school_year__"),
            user=user,
            role__in=[*staff_roles, Role.CONTENT_AUTHOR],
            school__isnull=False,
        ).values_list("school_id", "role")
        member_of = frozenset(school for school, role in held if role in staff_roles)
        authored = frozenset(
            school for school, role in held if role == Role.CONTENT_AUTHOR
        )
        library_manager = is_department_manager(user=user)
        scope = BankScope(
            use=bool(
                user.is_superuser
                or library_manager
                or managed
                or authored
                or user.has_perm("lms_quizzes.view_question")
            ),
            library_manager=library_manager,
            managed_school_ids=managed,
            used_school_ids=managed | member_of | authored,
            authored_school_ids=authored,
        )
    setattr(user, _SCOPE_CACHE, scope)
    return scope


def schools_used_by(user) -> QuerySet[School]:
    """Schools whose question bank `user` may use: where they hold a staff
    role in a school year not yet ended, or a management power now."""
    return School.objects.filter(pk__in=bank_scope(user).used_school_ids)


def may_use_question_bank(user) -> bool:
    """Whether `user` may see the question bank at all (some of it)."""
    return bank_scope(user).use


def may_change_question_bank(user) -> bool:
    """Whether `user` may change some part of the bank (own school or library)."""
    scope = bank_scope(user)
    return scope.library_manager or bool(scope.managed_school_ids)


def may_write_question_bank(user) -> bool:
    """Whether `user` may add or change some questions, if only as drafts."""
    return may_change_question_bank(user) or bool(bank_scope(user).authored_school_ids)


def _writable_ids(scope: BankScope, action: str) -> frozenset[int]:
    if action in WRITE_ACTIONS:
        return scope.managed_school_ids | scope.authored_school_ids
    return scope.managed_school_ids


def owner_q(user, action: str, *, prefix: str = "") -> Q | None:
    """A filter on categories (`prefix` "" ) or questions (`prefix` "category__")
    for what `user` may do `action` to; None means everything."""
    if _active(user) and user.is_superuser:
        return None
    scope = bank_scope(user)
    school = f"{prefix}school"
    if action in USE_ACTIONS:
        if not scope.use:
            return Q(pk__in=[])
        return Q(**{f"{school}__isnull": True}) | Q(
            **{f"{school}__in": sorted(scope.used_school_ids)}
        )
    if action in CHANGE_ACTIONS:
        where = Q(**{f"{school}__in": sorted(_writable_ids(scope, action))})
        if scope.library_manager:
            where |= Q(**{f"{school}__isnull": True})
        return where
    return Q(pk__in=[])


def may_act_on_owner(user, action: str, school_id: int | None) -> bool:
    """Whether `user` may do `action` to content owned by `school_id` (None:
    the Department library)."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    scope = bank_scope(user)
    if action in USE_ACTIONS:
        return scope.use and (school_id is None or school_id in scope.used_school_ids)
    if action in CHANGE_ACTIONS:
        if school_id is None:
            return scope.library_manager
        return school_id in _writable_ids(scope, action)
    return False


class QuestionBankPermissionPolicy(BasePermissionPolicy):
    """Wagtail permission policy for `QuestionCategory` and `Question`."""

    def __init__(self, model, *, owner_prefix: str):
        super().__init__(model)
        self.owner_prefix = owner_prefix

    def _owner_id(self, instance) -> int | None:
        if isinstance(instance, QuestionCategory):
            return instance.school_id
        category = getattr(instance, "category", None)
        return category.school_id if category is not None else None

    def user_has_permission(self, user, action):
        if action in USE_ACTIONS:
            return may_use_question_bank(user)
        if action in WRITE_ACTIONS and self.model is Question:
            return may_write_question_bank(user)
        if action in CHANGE_ACTIONS:
            return may_change_question_bank(user)
        return False

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        if isinstance(instance, QuestionCategory) and action in WRITE_ACTIONS:
            # Categories stay with those who manage the owner.
            return may_act_on_owner(user, "delete", instance.school_id)
        # Anyone who may change an item may also see it.
        if action in USE_ACTIONS and may_act_on_owner(
            user, "change", self._owner_id(instance)
        ):
            return True
        return may_act_on_owner(user, action, self._owner_id(instance))

    def instances_user_has_any_permission_for(self, user, actions):
        items = self.model._default_manager.all()
        where = Q(pk__in=[])
        for action in {*actions, *(["change"] if set(actions) & USE_ACTIONS else [])}:
            if self.model is QuestionCategory and action in WRITE_ACTIONS:
                action = "delete"  # categories stay with the managers
            q = owner_q(user, action, prefix=self.owner_prefix)
            if q is None:
                return items
            where |= q
        return items.filter(where)

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True)
        managers = Membership.objects.filter(
            open_years_q(prefix="school_year__"),
            user=OuterRef("pk"),
            role__in=[Role.SCHOOL_ADMIN, Role.DEPARTMENT_OFFICER],
        )
        return users.filter(Q(is_superuser=True) | Exists(managers))


question_policy = QuestionBankPermissionPolicy(Question, owner_prefix="category__")
category_policy = QuestionBankPermissionPolicy(QuestionCategory, owner_prefix="")


def questions_usable_by(user) -> QuerySet[Question]:
    return question_policy.instances_user_has_permission_for(user, "choose")


def categories_usable_by(user) -> QuerySet[QuestionCategory]:
    return category_policy.instances_user_has_permission_for(user, "choose")


def categories_changeable_by(user) -> QuerySet[QuestionCategory]:
    """Categories `user` may change (and add sub-categories to): managers only."""
    where = owner_q(user, "delete")
    items = QuestionCategory.objects.all()
    return items if where is None else items.filter(where)


def categories_writable_by(user) -> QuerySet[QuestionCategory]:
    """Categories `user` may put questions into, as drafts at least."""
    where = owner_q(user, "add")
    items = QuestionCategory.objects.all()
    return items if where is None else items.filter(where)


def may_publish_question(user, question) -> bool:
    """Whether `user` may publish `question`, or approve it in its review:
    those who manage its owner school now (`may_manage_school`), the
    Department's managers for the Department library."""
    category = getattr(question, "category", None)
    return may_act_on_owner(
        user, "publish", category.school_id if category is not None else None
    )


def question_reviewers(question, *, superusers: bool = True):
    """The people who may approve `question` in its review (`may_publish_question`):
    the admins of its owner school, the Department's managers for the library;
    superusers only if `superusers`."""
    users = question_policy.users_with_any_permission(["publish"])
    if not superusers:
        users = users.filter(is_superuser=False)
    return [user for user in users if may_publish_question(user, question)]


def questions_publishable_by(user) -> QuerySet[Question]:
    return question_policy.instances_user_has_permission_for(user, "publish")


def category_owner_choices(user) -> tuple[QuerySet[School], bool]:
    """Schools `user` may give a new category to, and whether the Department
    library (no school) is allowed."""
    scope = bank_scope(user)
    schools = School.objects.filter(pk__in=scope.managed_school_ids)
    return schools, scope.library_manager


def may_import_questions(user) -> bool:
    # An import publishes what it makes: for those who manage an owner.
    return may_change_question_bank(user)


def may_export_questions(user) -> bool:
    return may_use_question_bank(user)


def may_regrade_quiz(user, quiz) -> bool:
    """Regrading follows a fixed answer key: for those who manage a school now.

    Which attempts it touches is `attempts_regradable_by`.
    """
    return _active(user) and (
        user.is_superuser or bool(managed_school_years(user=user))
    )


def may_view_quiz_report(user, quiz) -> bool:
    """The report lists only learners the viewer may see (selectors); staff only."""
    return _active(user) and user.has_perm("wagtailadmin.access_admin")


# --- Grading -------------------------------------------------------------


def learners_gradable_by(grader, *, today: datetime.date | None = None):
    """People whose answers `grader` may grade now, never `grader` themself.

    A homeroom teacher grades the students of their classes, a school admin
    (or Department officer) people of the schools they manage, in school years
    that have not ended; superusers grade anyone.
    """
    users = get_user_model().objects.all()
    if not _active(grader):
        return users.none()
    if grader.is_superuser:
        return users.exclude(pk=grader.pk)
    scope = Q(pk__in=[])
    for school_id, year_id in managed_school_years(user=grader, today=today):
        scope |= Q(school_id=school_id, school_year_id=year_id)
    classes = Membership.objects.filter(
        open_years_q(today=today, prefix="school_year__"),
        user=grader,
        role=Role.HOMEROOM_TEACHER,
        school_class__isnull=False,
    ).values_list("school_class_id", "school_year_id")
    for class_id, year_id in classes:
        scope |= Q(school_class_id=class_id, school_year_id=year_id, role=Role.STUDENT)
    seen = Membership.objects.filter(scope, user=OuterRef("pk"))
    return users.filter(Exists(seen)).exclude(pk=grader.pk)


def may_grade_learner(grader, learner, *, today: datetime.date | None = None) -> bool:
    if not _active(grader) or learner.pk == grader.pk:
        return False
    return learners_gradable_by(grader, today=today).filter(pk=learner.pk).exists()


def snapshot_question(attempt, key: str) -> dict | None:
    return next((q for q in attempt.snapshot if q["key"] == key), None)


def response_is_gradable(response: QuestionResponse, *, remark: bool = False) -> bool:
    """An essay answer of a submitted attempt waiting for a grade; with
    `remark`, also one already graded (re-marking is an explicit action)."""
    attempt = response.attempt
    question = snapshot_question(attempt, response.key)
    if question is None or question["qtype"] != QuestionType.ESSAY:
        return False
    if attempt.submitted_at is None or attempt.state == AttemptState.IN_PROGRESS:
        return False
    if response.graded_by_id is not None or response.graded_at is not None:
        return remark
    return attempt.state == AttemptState.NEEDS_GRADING


def may_grade_response(grader, response: QuestionResponse, *, remark=False) -> bool:
    """Whether `grader` may grade (or, with `remark`, re-mark) `response`."""
    return response_is_gradable(response, remark=remark) and may_grade_learner(
        grader, response.attempt.user
    )


def responses_gradable_by(grader) -> QuerySet[QuestionResponse]:
    """Answers waiting for `grader`'s grade (essay type is checked per row
    against the snapshot by the caller, or with `response_is_gradable`)."""
    return (
        QuestionResponse.objects.filter(
            attempt__state=AttemptState.NEEDS_GRADING,
            attempt__submitted_at__isnull=False,
            graded_by__isnull=True,
            attempt__user__in=learners_gradable_by(grader),
        )
        .exclude(answer=None)
        .select_related("attempt", "attempt__user")
        .order_by("attempt__submitted_at")
    )


def attempts_regradable_by(user, quiz):
    """The quiz's own submitted attempts of learners `user` may grade."""
    from .models import QuizAttempt

    return (
        QuizAttempt.objects.filter(quiz=quiz, submitted_at__isnull=False)
        .exclude(state=AttemptState.IN_PROGRESS)
        .filter(user__in=learners_gradable_by(user))
    )


# --- Grade recomputes ------------------------------------------------------


def may_view_grade_recomputes(user) -> bool:
    """The audit of recomputed grades: for those who manage a school now, or
    the Department (officers see every quiz's, school admins their school's)."""
    return _active(user) and (
        user.is_superuser
        or is_department_manager(user=user)
        or bool(managed_school_years(user=user))
    )


def grade_recomputes_visible_to(user):
    """The recompute records `user` may read: all for the Department's
    managers; for a school admin, those of quizzes in courses their school
    owns (`courses.policies.courses_editable_by`)."""
    from courses.policies import courses_editable_by

    from .models import GradeRecompute, QuizPage

    records = GradeRecompute.objects.all()
    if not may_view_grade_recomputes(user):
        return records.none()
    if user.is_superuser or is_department_manager(user=user):
        return records
    paths = list(courses_editable_by(user=user).values_list("path", flat=True))
    if not paths:
        return records.none()
    where = Q()
    for path in paths:
        where |= Q(path__startswith=path)
    return records.filter(quiz__in=QuizPage.objects.filter(where))
