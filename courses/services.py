"""Writes for courses: enrolment, lesson progress, completion, assignment."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.models import Page

from lms.people.models import Membership, Role, SchoolClass
from lms.transactions import atomic_retrying_once

from .models import (
    ClassAssignment,
    CourseCompletion,
    CoursePage,
    Enrolment,
    EnrolmentMode,
    LessonPage,
    LessonProgress,
)
from .selectors import course_access_for, course_status_for, requirements_met
from .signals import course_completed, enrolments_added


class CourseActionRefused(Exception):
    """A learner action the course rules do not allow; `reason` says which."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _get_or_create(model, **lookup):
    """get_or_create that survives a concurrent insert of the same row."""
    try:
        with transaction.atomic():
            return model.objects.get_or_create(**lookup)
    except IntegrityError:
        lookup.pop("defaults", None)
        return model.objects.get(**lookup), False


@transaction.atomic
def enrolment_ensure(*, user, course: CoursePage, source: str) -> Enrolment:
    """Enrol `user` in `course` if not yet enrolled; safe to call again."""
    enrolment, _created = _get_or_create(
        Enrolment, user=user, course=course, defaults={"source": source}
    )
    return enrolment


def course_open(*, user, course: CoursePage) -> Enrolment | None:
    """A learner opens a course: enrol automatically where the course says so."""
    if not user.is_authenticated or not course_access_for(user=user, course=course):
        return None
    if course.enrolment_mode == EnrolmentMode.AUTOMATIC:
        return enrolment_ensure(
            user=user, course=course, source=Enrolment.Source.AUTOMATIC
        )
    if course.enrolment_mode == EnrolmentMode.ASSIGNED:
        return enrolment_ensure(
            user=user, course=course, source=Enrolment.Source.ASSIGNED
        )
    return Enrolment.objects.filter(user=user, course=course).first()


def course_self_enrol(*, user, course: CoursePage) -> Enrolment:
    access = course_access_for(user=user, course=course)
    if not access:
        raise CourseActionRefused(access.reason)
    source = {
        EnrolmentMode.AUTOMATIC: Enrolment.Source.AUTOMATIC,
        EnrolmentMode.ASSIGNED: Enrolment.Source.ASSIGNED,
    }.get(course.enrolment_mode, Enrolment.Source.SELF)
    return enrolment_ensure(user=user, course=course, source=source)


def lesson_start(*, user, lesson: LessonPage, course: CoursePage) -> LessonProgress:
    progress, _created = _get_or_create(
        LessonProgress,
        user=user,
        lesson=lesson,
        defaults={"course": course, "lesson_title": lesson.title},
    )
    return progress


@transaction.atomic
def lesson_complete(
    *, user, lesson: LessonPage, course: CoursePage, status=None
) -> LessonProgress:
    """Record that `user` finished `lesson`; safe to call twice, or at once.

    `status`: the learner's course status if the caller already has it.
    """
    if status is None:
        status = course_status_for(user=user, course=course)
    if not status.access:
        raise CourseActionRefused(status.access.reason)
    if not status.enrolled:
        raise CourseActionRefused("not_enrolled")
    step = status.step_for(lesson.pk)
    if step is None:
        raise CourseActionRefused("not_a_step")
    if not step.available:
        raise CourseActionRefused("order")
    progress = lesson_start(user=user, lesson=lesson, course=course)
    # A conditional update: of two simultaneous requests only one sets the time.
    LessonProgress.objects.filter(pk=progress.pk, completed_at__isnull=True).update(
        completed_at=timezone.now()
    )
    progress.refresh_from_db()
    course_completion_evaluate(user=user, course=course)
    return progress


def course_completion_evaluate(*, user, course: CoursePage) -> CourseCompletion | None:
    """Record the completion once the rule is met; never undo one."""
    status = course_status_for(user=user, course=course)
    if status.completed:
        return CourseCompletion.objects.filter(user=user, course=course).first()
    if not status.enrolled or not requirements_met(status.steps):
        return None
    completion, created = _get_or_create(
        CourseCompletion,
        user=user,
        course=course,
        defaults={"course_title": course.title},
    )
    if created:
        # In the completion's own transaction, so what listeners record (the
        # certificate's outbox row) commits or rolls back with it.
        course_completed.send(sender=CourseCompletion, completion=completion)
    return completion


@atomic_retrying_once
def course_assign_to_classes(
    *, course: CoursePage, classes: list[SchoolClass], assigned_by
) -> int:
    """Assign the course to whole classes and enrol their students now.

    Returns the number of new enrolments.
    """
    for school_class in classes:
        _get_or_create(
            ClassAssignment,
            course=course,
            school_class=school_class,
            defaults={"assigned_by": assigned_by},
        )
    student_ids = set(
        Membership.objects.filter(
            school_class__in=classes, role=Role.STUDENT
        ).values_list("user_id", flat=True)
    )
    already = set(
        Enrolment.objects.filter(course=course, user_id__in=student_ids).values_list(
            "user_id", flat=True
        )
    )
    new = [
        Enrolment(user_id=user_id, course=course, source=Enrolment.Source.ASSIGNED)
        for user_id in sorted(student_ids - already)
    ]
    Enrolment.objects.bulk_create(new, ignore_conflicts=True)
    enrolments_added.send(
        sender=Enrolment, course=course, user_ids=[e.user_id for e in new]
    )
    return len(new)


# Page permissions on a course catalogue (and so on every course, lesson and
# quiz below it), given to the owner school's admin group and to the
# Department officers' group. Other roles only read courses as learners.
CATALOGUE_PERMISSIONS = [
    "add_page",
    "change_page",
    "publish_page",
    "lock_page",
    "unlock_page",
]


@transaction.atomic
def catalogue_permissions_sync(*, catalogue: Page) -> None:
    """Give the catalogue's page rights to its owner only; safe to call again.

    A school's catalogue: that school's admin group and the Department
    officers. The Department library (no school): the officers only. Any
    other LMS group loses what it held on the catalogue.
    """
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q
    from wagtail.models import GroupPagePermission

    from lms.people.roles import ROLE_GROUPS, SCHOOL_ADMIN_GROUP_PREFIX
    from lms.people.services import school_admin_group_ensure

    school = getattr(catalogue.specific_deferred, "school", None)
    wanted = [Group.objects.get_or_create(name=ROLE_GROUPS[Role.DEPARTMENT_OFFICER])[0]]
    if school is not None:
        wanted.append(school_admin_group_ensure(school=school))
    GroupPagePermission.objects.filter(page=catalogue).filter(
        Q(group__name__in=ROLE_GROUPS.values())
        | Q(group__name__startswith=SCHOOL_ADMIN_GROUP_PREFIX)
    ).exclude(group__in=wanted).delete()
    permissions = list(
        Permission.objects.filter(
            content_type__app_label="wagtailcore", codename__in=CATALOGUE_PERMISSIONS
        )
    )
    for group in wanted:
        for permission in permissions:
            GroupPagePermission.objects.get_or_create(
                group=group, page=catalogue, permission=permission
            )


@transaction.atomic
def school_catalogues_permissions_sync(*, school) -> None:
    """A school's group gets the rights on the catalogues it owns."""
    from .models import CourseIndexPage

    for catalogue in CourseIndexPage.objects.filter(school=school):
        catalogue_permissions_sync(catalogue=catalogue)
