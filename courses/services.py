"""Writes for courses: enrolment, lesson progress, completion, assignment."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.actions.move_page import MovePageAction
from wagtail.models import Page

from lms.people.models import Membership, Role, SchoolClass
from lms.people.selectors import learning_year_for
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
from .signals import course_completed, course_copied_to_library, enrolments_added


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


def enrolment_ensure(
    *, user, course: CoursePage, source: str, new: bool = False
) -> Enrolment:
    """Enrol `user` in `course` if not yet enrolled; safe to call again (one
    atomic insert: what listeners record commits or rolls back with it).

    `new`: the caller saw no enrolment, so one is inserted at once (an
    existing one, made meanwhile, is returned as it is)."""
    if new:
        enrolment, _created = _create_or_get(
            Enrolment,
            lookup={"user": user, "course": course},
            defaults={"source": source},
        )
    else:
        enrolment, _created = _get_or_create(
            Enrolment, user=user, course=course, defaults={"source": source}
        )
    return enrolment


def course_open(*, user, course: CoursePage, status=None) -> Enrolment | None:
    """A learner opens a course: enrol automatically where the course says so.

    `status`: the learner's course status if the caller just read it (its
    access is not checked again; not enrolled there, the enrolment is
    inserted at once).
    """
    if not user.is_authenticated:
        return None
    access = status.access if status is not None else None
    if access is None:
        access = course_access_for(user=user, course=course)
    if not access:
        return None
    new = status is not None and not status.enrolled
    if course.enrolment_mode == EnrolmentMode.AUTOMATIC:
        return enrolment_ensure(
            user=user, course=course, source=Enrolment.Source.AUTOMATIC, new=new
        )
    if course.enrolment_mode == EnrolmentMode.ASSIGNED:
        return enrolment_ensure(
            user=user, course=course, source=Enrolment.Source.ASSIGNED, new=new
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


def _year_id(user, school_year_id: int | None | bool) -> int | None:
    """The learner's school year id; `school_year_id` when the caller has it
    (False: not known yet, look it up)."""
    if school_year_id is not False:
        return school_year_id
    year = learning_year_for(user=user)
    return year.pk if year else None


def _create_or_get(model, *, lookup: dict, defaults: dict):
    """For a row that is most likely new: insert first (one statement), and
    take the existing row if a concurrent insert (or an earlier one) won."""
    try:
        with transaction.atomic():
            return model.objects.create(**lookup, **defaults), True
    except IntegrityError:
        return model.objects.get(**lookup), False


def cycle_for(course: CoursePage, school_year_id: int | None) -> int:
    """The uniqueness key of a learner's rows for `course`: the school year's
    id for a course required every school year, else 0 (once ever)."""
    if course.required_every_year and school_year_id:
        return school_year_id
    return 0


def lesson_start(
    *,
    user,
    lesson: LessonPage,
    course: CoursePage,
    school_year_id=False,
    completed_at=None,
    new=False,
) -> LessonProgress:
    """The learner's progress row for the lesson (this school year's, for a
    course required every year); `school_year_id`: theirs, when known.

    `new`: the caller saw no row (the course status says the lesson was not
    opened), so it is inserted at once rather than looked for first; a row
    that exists after all is returned as it is. `completed_at`: the time to
    record in a new row (a lesson marked done before it was ever shown).
    """
    year_id = _year_id(user, school_year_id)
    lookup = {"user": user, "lesson": lesson, "cycle": cycle_for(course, year_id)}
    defaults = {
        "course": course,
        "lesson_title": lesson.title,
        "school_year_id": year_id,
        "completed_at": completed_at,
    }
    if new:
        progress, _created = _create_or_get(
            LessonProgress, lookup=lookup, defaults=defaults
        )
    else:
        progress, _created = _get_or_create(LessonProgress, **lookup, defaults=defaults)
    return progress


def lesson_complete(
    *, user, lesson: LessonPage, course: CoursePage, status=None
) -> LessonProgress:
    """Record that `user` finished `lesson`; safe to call twice, or at once.

    `status`: the learner's course status if the caller already has it. The
    returned progress row carries the course status read after the change as
    `course_status` (the completion rule was evaluated on it).
    """
    # No transaction around it all: each write is one statement (the
    # conditional update) or makes its own transaction (a new row with its
    # outbox row, a completion with what its listeners record), so the usual
    # mark-as-done sends no BEGIN and COMMIT of its own.
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
    now = timezone.now()
    year_id = status.school_year_id
    progress = None
    if getattr(step.page, "step_started", None) is not False:
        progress = LessonProgress.objects.filter(
            user=user, lesson=lesson, cycle=cycle_for(course, year_id)
        ).first()
    if progress is None:
        # Never shown: one insert, the row done already (or the row a
        # concurrent request made, as it is).
        progress = lesson_start(
            user=user,
            lesson=lesson,
            course=course,
            school_year_id=year_id,
            completed_at=now,
            new=True,
        )
    if progress.completed_at is None:
        # A conditional update: of two simultaneous requests only one sets
        # the time; the other reads it.
        if LessonProgress.objects.filter(
            pk=progress.pk, completed_at__isnull=True
        ).update(completed_at=now):
            progress.completed_at = now
        else:
            progress.refresh_from_db()
    progress.course_status = _completion_evaluate(user=user, course=course, row=False)[
        1
    ]
    return progress


def course_completion_evaluate(*, user, course: CoursePage) -> CourseCompletion | None:
    """Record the completion once the rule is met; never undo one.

    A course required every school year is completed once per school year
    (the learner's, `learning_year_for`); earlier years' completions stay.
    """
    return _completion_evaluate(user=user, course=course)[0]


def _completion_evaluate(*, user, course: CoursePage, row: bool = True):
    """`course_completion_evaluate`, and the course status it read (with the
    completion's time when it records one). `row`: read a completion made
    earlier (else None is returned for it: `CourseStatus.completed` says)."""
    status = course_status_for(user=user, course=course)
    year_id = status.school_year_id
    if status.completed:
        if not row:
            return None, status
        counted = CourseCompletion.objects.filter(user=user, course=course)
        if course.required_every_year:
            counted = counted.filter(school_year_id=year_id)
        return counted.first(), status
    if not status.enrolled or not requirements_met(status.steps):
        return None, status
    # In the completion's own transaction (the caller's, when it has one), so
    # what listeners record (the certificate's outbox row) commits or rolls
    # back with it.
    with transaction.atomic(savepoint=False):
        completion, created = _create_or_get(
            CourseCompletion,
            lookup={
                "user": user,
                "course": course,
                "cycle": cycle_for(course, year_id),
            },
            defaults={"course_title": course.title, "school_year_id": year_id},
        )
        if created:
            course_completed.send(sender=CourseCompletion, completion=completion)
    status.completed_at = completion.completed_at
    return completion, status


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

# What a school's content authors ("soạn bài") hold on its catalogues: they
# write drafts and submit them for review, never publish.
AUTHOR_CATALOGUE_PERMISSIONS = ["add_page", "change_page"]


@transaction.atomic
def catalogue_permissions_sync(*, catalogue: Page) -> None:
    """Give the catalogue's page rights to its owner only; safe to call again.

    A school's catalogue: that school's admin group and the Department
    officers (add, change, publish), the school's content authors (add and
    change only), and the school's review workflow. The Department library
    (no school): the officers only. Any other LMS group loses what it held
    on the catalogue.
    """
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q
    from wagtail.models import GroupPagePermission

    from lms.people.roles import ROLE_GROUPS, SCHOOL_GROUP_PREFIXES
    from lms.people.services import (
        content_author_group_ensure,
        school_admin_group_ensure,
    )

    school = getattr(catalogue.specific_deferred, "school", None)
    grants: list[tuple[Group, list[str]]] = [
        (
            Group.objects.get_or_create(name=ROLE_GROUPS[Role.DEPARTMENT_OFFICER])[0],
            CATALOGUE_PERMISSIONS,
        )
    ]
    if school is not None:
        grants.append((school_admin_group_ensure(school=school), CATALOGUE_PERMISSIONS))
        grants.append(
            (content_author_group_ensure(school=school), AUTHOR_CATALOGUE_PERMISSIONS)
        )
    ours = Q(group__name__in=ROLE_GROUPS.values())
    for prefix in SCHOOL_GROUP_PREFIXES:
        ours |= Q(group__name__startswith=prefix)
    GroupPagePermission.objects.filter(page=catalogue).filter(ours).exclude(
        group__in=[group for group, _codenames in grants]
    ).delete()
    permissions = {
        p.codename: p
        for p in Permission.objects.filter(
            content_type__app_label="wagtailcore", codename__in=CATALOGUE_PERMISSIONS
        )
    }
    for group, codenames in grants:
        GroupPagePermission.objects.filter(page=catalogue, group=group).exclude(
            permission__codename__in=codenames
        ).delete()
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=group, page=catalogue, permission=permissions[codename]
            )
    catalogue_workflow_sync(catalogue=catalogue)
    if school is not None:
        school_media_permissions_sync(school=school)


def school_review_workflow_ensure(*, school):
    """The school's review workflow: one task, approved by the school's admins.

    Found by its task's group (the school's admin group), so it is made once
    per school whatever its name becomes; the names are Vietnamese, as staff
    read them in the admin.
    """
    from wagtail.models import GroupApprovalTask, Workflow, WorkflowTask

    from lms.people.services import school_admin_group_ensure

    group = school_admin_group_ensure(school=school)
    workflow = (
        Workflow.objects.filter(
            workflow_tasks__task__in=GroupApprovalTask.objects.filter(groups=group)
        )
        .order_by("pk")
        .first()
    )
    if workflow is not None:
        return workflow
    task = GroupApprovalTask.objects.create(name=f"Quản trị trường {school.code} duyệt")
    task.groups.set([group])
    workflow = Workflow.objects.create(name=f"Duyệt bài – {school.code}")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    return workflow


# What a school's content authors hold on the school's media collection (the
# one course packs and question imports fill): upload and choose; Wagtail
# lets an uploader edit and delete their own files with "add".
AUTHOR_MEDIA_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "choose_document"),
]


def school_media_permissions_sync(*, school) -> None:
    """The school's content authors may upload images and documents into the
    school's own collection (and choose from it), no other; safe to call
    again. Without a root collection (no media set up) nothing is done."""
    from django.contrib.auth.models import Permission
    from wagtail.models import Collection, GroupCollectionPermission

    from lms.people.services import content_author_group_ensure
    from quizzes.import_files import school_collection

    if Collection.get_first_root_node() is None:
        return
    group = content_author_group_ensure(school=school)
    collection = school_collection(school)
    wanted = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in AUTHOR_MEDIA_PERMISSIONS
    ]
    GroupCollectionPermission.objects.filter(group=group).exclude(
        collection=collection, permission__in=wanted
    ).delete()
    for permission in wanted:
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=collection, permission=permission
        )


def library_review_workflow_ensure():
    """The Department library's workflow: one task, approved by the Department
    officers. Found by its task's group, like a school's (made once)."""
    from django.contrib.auth.models import Group
    from wagtail.models import GroupApprovalTask, Workflow, WorkflowTask

    from lms.people.roles import ROLE_GROUPS

    group = Group.objects.get_or_create(name=ROLE_GROUPS[Role.DEPARTMENT_OFFICER])[0]
    workflow = (
        Workflow.objects.filter(
            workflow_tasks__task__in=GroupApprovalTask.objects.filter(groups=group)
        )
        .order_by("pk")
        .first()
    )
    if workflow is not None:
        return workflow
    task = GroupApprovalTask.objects.create(name="Cán bộ Sở duyệt")
    task.groups.set([group])
    workflow = Workflow.objects.create(name=LIBRARY_WORKFLOW_NAME)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    return workflow


LIBRARY_WORKFLOW_NAME = "Duyệt thư viện Sở"


def catalogue_workflow_sync(*, catalogue: Page) -> None:
    """A school's catalogue follows its school's review workflow (see
    `school_review_workflow_ensure`); the Department library follows the
    library's (`library_review_workflow_ensure`)."""
    from wagtail.models import WorkflowPage

    school = getattr(catalogue.specific_deferred, "school", None)
    if school is None:
        workflow = library_review_workflow_ensure()
    else:
        workflow = school_review_workflow_ensure(school=school)
    WorkflowPage.objects.update_or_create(
        page=catalogue, defaults={"workflow": workflow}
    )


@transaction.atomic
def school_catalogues_permissions_sync(*, school) -> None:
    """A school's group gets the rights on the catalogues it owns."""
    from .models import CourseIndexPage

    for catalogue in CourseIndexPage.objects.filter(school=school):
        catalogue_permissions_sync(catalogue=catalogue)


# -- Proposing a school's course for the Department library (issue 14) --------

PROPOSE_LOG_ACTION = "lms_courses.propose_for_library"


@transaction.atomic
def course_propose_for_library(*, course: Page, library: Page, user):
    """Copy a school's course into the Department library as a draft and
    submit it to the library's workflow; returns the copy.

    What is copied is what the school has approved: the course and its live
    lessons and quizzes as they are published (no draft revisions), all kept
    unpublished in the library. The officers' approval publishes the course,
    and `library_course_approved` publishes the pages copied with it. Page
    permissions are not asked here: the proposer holds none on the library;
    the caller checks `policies.may_propose_for_library`.
    """
    from wagtail.coreutils import find_available_slug
    from wagtail.log_actions import log

    course = course.specific
    copy = course.copy(
        to=library,
        recursive=False,
        keep_live=False,
        copy_revisions=False,
        user=user,
        update_attrs={"slug": find_available_slug(library, course.slug)},
    )
    for child in course.get_children().live().specific().order_by("path"):
        child.copy(
            to=copy,
            recursive=True,
            keep_live=False,
            copy_revisions=False,
            user=user,
        )
    copy = Page.objects.get(pk=copy.pk).specific
    # Questions and certificate templates of the school become the library's.
    course_copied_to_library.send(
        sender=type(copy), source=course, copy=copy, user=user
    )
    copy = Page.objects.get(pk=copy.pk).specific
    data = {
        "source": {"id": course.pk, "title": course.title},
        "copy": {"id": copy.pk, "title": copy.title},
    }
    log(instance=course, action=PROPOSE_LOG_ACTION, user=user, data=data)
    log(instance=copy, action=PROPOSE_LOG_ACTION, user=user, data=data)
    library_review_workflow_ensure().start(copy, user)
    return copy


def library_course_approved(*, page: Page, user) -> None:
    """The officers approved a course in the Department library: the pages
    below it that were never published (those a proposal copied with it) go
    live with it, each from its latest revision."""
    from .models import CoursePage
    from .policies import catalogue_of

    page = page.specific_deferred
    if not isinstance(page, CoursePage):
        return
    catalogue = catalogue_of(page)
    if catalogue is None or catalogue.school_id is not None:
        return
    below = page.get_descendants().filter(live=False, first_published_at__isnull=True)
    for child in below.specific().order_by("path"):
        if child.workflow_in_progress:
            continue
        child.get_latest_revision().publish(user=user)


def step_place_before_closing_quizzes(*, step: Page, user=None) -> bool:
    """Put a new lesson before the quizzes that close its course.

    A course's steps follow the page tree and Wagtail adds a new page as its
    parent's last child, so a lesson added to a course ending in its final
    quiz would come after it (and only someone who may publish can reorder
    pages). A step that tests lessons (a quiz) stays where it was added; so
    does a lesson added to a course whose last step is a lesson. Returns
    whether the step moved. The move is the system's placement, not a
    reorder by `user` (who is named in the page's history), so it skips
    Wagtail's move permission.
    """
    if getattr(step.specific_class, "tests_lessons", False):
        return False
    course = step.get_parent()
    if course is None or not issubclass(course.specific_class, CoursePage):
        return False
    before = course.get_children().filter(path__lt=step.path).order_by("-path")
    closing = None
    for sibling in before:
        if not getattr(sibling.specific_class, "tests_lessons", False):
            break
        closing = sibling
    if closing is None:
        return False
    MovePageAction(step, closing, pos="left", user=user).execute(
        skip_permission_checks=True
    )
    step.path = Page.objects.values_list("path", flat=True).get(pk=step.pk)
    return True
