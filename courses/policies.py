"""Who may edit, use and assign which course catalogues and courses.

A course belongs to its catalogue's owner: one school, or (no school) the
Department's shared library. A school's managers edit their own school's
catalogues; the Department managers (officers, superusers) maintain the
library. Every school uses library courses (takes them, assigns them to its
classes) but cannot edit them. Wagtail's page permissions carry the same rule
into the page editor (see `services.catalogue_permissions_sync`); the admin
views, forms and the access suite ask this module.

Powers follow the school year (`lms.people.policies`): a lapsed school admin
edits and assigns nothing.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from wagtail.models import Page

from lms.people.models import School, SchoolClass
from lms.people.policies import (
    is_department_manager,
    managed_school_years,
    open_years_q,
    schools_authored_by,
    schools_managed_by,
)

from .models import CourseIndexPage, CoursePage

User = get_user_model()


def _is_superuser(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def _owned_q(*, user: User, today: datetime.date | None, usable: bool) -> Q:
    """Catalogues whose owner is a school `user` manages (and the library if
    `usable`, or if `user` is a Department manager)."""
    schools = schools_managed_by(viewer=user, today=today)
    where = Q(school__in=schools)
    if usable or is_department_manager(user=user, today=today):
        where |= Q(school__isnull=True)
    return where


def catalogues_editable_by(
    *, user: User, today: datetime.date | None = None
) -> QuerySet[CourseIndexPage]:
    """Catalogues whose pages `user` may add, change and publish."""
    catalogues = CourseIndexPage.objects.all()
    if _is_superuser(user):
        return catalogues
    if not user.is_authenticated or not user.is_active:
        return catalogues.none()
    return catalogues.filter(_owned_q(user=user, today=today, usable=False))


def catalogues_authorable_by(
    *, user: User, today: datetime.date | None = None
) -> QuerySet[CourseIndexPage]:
    """Catalogues where `user` may write drafts for review: those they edit,
    and their schools' as a content author ("soạn bài", add and change
    without publish in Wagtail's page permissions)."""
    catalogues = CourseIndexPage.objects.all()
    if _is_superuser(user):
        return catalogues
    if not user.is_authenticated or not user.is_active:
        return catalogues.none()
    authored = schools_authored_by(viewer=user, today=today)
    return catalogues.filter(
        _owned_q(user=user, today=today, usable=False) | Q(school__in=authored)
    )


def may_author_course(
    *, user: User, course: Page, today: datetime.date | None = None
) -> bool:
    """Whether `user` may draft changes to `course` (or a lesson, a quiz)."""
    return _catalogue_among(course, catalogues_authorable_by(user=user, today=today))


def catalogues_usable_by(
    *, user: User, today: datetime.date | None = None
) -> QuerySet[CourseIndexPage]:
    """Catalogues whose courses `user` may assign: their own and the library."""
    catalogues = CourseIndexPage.objects.all()
    if _is_superuser(user):
        return catalogues
    if not user.is_authenticated or not user.is_active:
        return catalogues.none()
    return catalogues.filter(_owned_q(user=user, today=today, usable=True))


def _courses_under(catalogues: QuerySet[CourseIndexPage]) -> QuerySet[CoursePage]:
    paths = list(catalogues.values_list("path", flat=True))
    if not paths:
        return CoursePage.objects.none()
    where = Q()
    for path in paths:
        where |= Q(path__startswith=path)
    return CoursePage.objects.filter(where)


def courses_editable_by(
    *, user: User, today: datetime.date | None = None
) -> QuerySet[CoursePage]:
    return _courses_under(catalogues_editable_by(user=user, today=today))


def courses_usable_by(
    *, user: User, today: datetime.date | None = None
) -> QuerySet[CoursePage]:
    return _courses_under(catalogues_usable_by(user=user, today=today))


def catalogue_of(page: Page) -> CourseIndexPage | None:
    """The catalogue a course (or a lesson, quiz) sits in."""
    step = page.steplen
    return CourseIndexPage.objects.filter(
        path__in=[page.path[:end] for end in range(step, len(page.path) + 1, step)]
    ).first()


def course_owner(course: Page) -> School | None:
    """The school that owns `course`; None for the Department library."""
    catalogue = catalogue_of(course)
    return catalogue.school if catalogue is not None else None


def _catalogue_among(course: Page, catalogues: QuerySet) -> bool:
    catalogue = catalogue_of(course)
    return catalogue is not None and catalogues.filter(pk=catalogue.pk).exists()


def may_edit_course(
    *, user: User, course: Page, today: datetime.date | None = None
) -> bool:
    return _catalogue_among(course, catalogues_editable_by(user=user, today=today))


def may_use_course(
    *, user: User, course: Page, today: datetime.date | None = None
) -> bool:
    return _catalogue_among(course, catalogues_usable_by(user=user, today=today))


def classes_assignable(
    *, user: User, course: Page, today: datetime.date | None = None
) -> QuerySet[SchoolClass]:
    """Classes `user` may assign `course` to.

    Classes of a school `user` manages in that class's school year, which has
    not ended; a school's own course only to that school's classes, a library
    course to any of them.
    """
    classes = SchoolClass.objects.filter(
        open_years_q(today=today, prefix="school_year__")
    ).select_related("school", "school_year")
    catalogue = catalogue_of(course)
    if catalogue is None:
        return classes.none()
    if catalogue.school_id is not None:
        classes = classes.filter(school_id=catalogue.school_id)
    if _is_superuser(user):
        return classes
    pairs = managed_school_years(user=user, today=today)
    if not pairs:
        return classes.none()
    where = Q(pk__in=[])
    for school_id, year_id in pairs:
        where |= Q(school_id=school_id, school_year_id=year_id)
    return classes.filter(where)


def may_assign_course(
    *, user: User, course: Page, today: datetime.date | None = None
) -> bool:
    return classes_assignable(user=user, course=course, today=today).exists()


# -- Course packs (issue 22) ---------------------------------------------------


def catalogues_importable_by(
    *, user: User, today: datetime.date | None = None
) -> QuerySet[CourseIndexPage]:
    """Catalogues `user` may import a course pack into: those whose pages they
    may edit (a school admin: their school's; the Department: the library
    and its schools'; a superuser: all), where Wagtail also lets them add a
    page."""
    catalogues = catalogues_editable_by(user=user, today=today)
    if _is_superuser(user):
        return catalogues
    allowed = [
        catalogue.pk
        for catalogue in catalogues
        if catalogue.permissions_for_user(user).can_add_subpage()
    ]
    return catalogues.filter(pk__in=allowed)


def _manages_a_school(*, user: User, today: datetime.date | None) -> bool:
    return schools_managed_by(viewer=user, today=today).exists()


def courses_exportable_by(
    *, user: User, today: datetime.date | None = None
) -> QuerySet[CoursePage]:
    """Courses `user` may download as a pack: the ones they may edit and, for
    whoever manages a school now, the Department library's (shared with every
    school: a school takes a copy to adapt it in its own catalogue)."""
    if not _manages_a_school(user=user, today=today):
        return courses_editable_by(user=user, today=today)
    return courses_usable_by(user=user, today=today)


def may_export_course(
    *, user: User, course: Page, today: datetime.date | None = None
) -> bool:
    catalogue = catalogue_of(course)
    if catalogue is None:
        return False
    if catalogue.school_id is None and _manages_a_school(user=user, today=today):
        return True
    return (
        may_edit_course(user=user, course=course, today=today)
        and course.permissions_for_user(user).can_edit()
    )


def may_import_packs(*, user: User, today: datetime.date | None = None) -> bool:
    return catalogues_importable_by(user=user, today=today).exists()


def catalogue_owner_choices(
    *, user: User, today: datetime.date | None = None
) -> QuerySet[School]:
    """Schools `user` may name as a catalogue's owner."""
    return schools_managed_by(viewer=user, today=today)


def may_own_library_catalogue(
    *, user: User, today: datetime.date | None = None
) -> bool:
    """Only Department managers may leave a catalogue's owner empty."""
    return is_department_manager(user=user, today=today)


def lessons_editable_by(*, user: User, today: datetime.date | None = None):
    """Lessons in the catalogues `user` may edit."""
    from .models import LessonPage

    paths = list(
        catalogues_editable_by(user=user, today=today).values_list("path", flat=True)
    )
    if not paths:
        return LessonPage.objects.none()
    where = Q()
    for path in paths:
        where |= Q(path__startswith=path)
    return LessonPage.objects.filter(where)


def may_see_superseded_law_report(*, user: User) -> bool:
    """Those who keep or use the legal references: school admins, the
    Department and superusers (the report then lists what each may edit)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.has_perm("lms_courses.view_legalreference")
    )


def may_publish_in(*, user: User, catalogue: CourseIndexPage) -> bool:
    """Whether what `user` imports into `catalogue` goes live at once; else it
    waits as draft revisions for someone who may publish (Wagtail's page
    permissions, so moderation rules apply to imports too)."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return catalogue.permissions_for_user(user).can_publish_subpage()


def library_catalogues() -> QuerySet[CourseIndexPage]:
    """The Department library's catalogues (no owner school)."""
    return CourseIndexPage.objects.filter(school__isnull=True).order_by("path")


def may_propose_for_library(
    *, user: User, course: Page, today: datetime.date | None = None
) -> bool:
    """Whether `user` may propose `course` for the Department library: a
    course of a school catalogue, proposed by someone who manages that school
    now (its admins, the Department), when there is a library to take it.
    Publishing in the library stays with the Department (page permissions)."""
    if not isinstance(course.specific_deferred, CoursePage):
        return False
    catalogue = catalogue_of(course)
    if catalogue is None or catalogue.school_id is None:
        return False
    if (
        not schools_managed_by(viewer=user, today=today)
        .filter(pk=catalogue.school_id)
        .exists()
    ):
        return False
    return library_catalogues().exists()
