"""A course's structure, computed once per version and kept in the cache.

The structure is what every learner sees the same: the live steps in page
order (page instances without their stream fields), the school owning the
course (its catalogue's) and the school years it runs in. It is stored under
the course's `structure_version`, a fresh random number written whenever the
structure may have changed: the course, one of its steps or a catalogue above
it saved (published, unpublished, edited), a step or course moved or deleted,
the course's school years changed. The version is read from the database with
the learner's state (courses.selectors), never from a cache, so a structure
cached by any process under an older version is simply never asked for again:
correct with a per-process cache as well as a shared one.

What changes outside publishing (class assignments, the catalogue being
unpublished, memberships) is not part of the structure: the learner's state
query reads it every time.
"""

import secrets
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, get_page_models
from wagtail.signals import post_page_move

from . import progress
from .models import CourseIndexPage, CoursePage
from .steps import CourseStep

CACHE_PREFIX = "lms:course-structure:v1"
CACHE_SECONDS = 24 * 3600


@dataclass
class CourseStructure:
    steps: list[Page]
    owner_school_id: int | None
    school_year_ids: frozenset[int]


def new_version() -> int:
    return secrets.randbits(62) + 1


def structure_key(course_id: int, version: int, path: str) -> str:
    return f"{CACHE_PREFIX}:{course_id}:{version}:{path}"


def step_models() -> list[type[Page]]:
    return [model for model in get_page_models() if issubclass(model, CourseStep)]


def _build(courses: list[CoursePage]) -> dict[int, CourseStructure]:
    """The structures of `courses` from the database (one query per step type,
    one for the school years, one for the owners)."""
    if not courses:
        return {}
    by_path = {course.path: course.pk for course in courses}
    steps: dict[int, list[Page]] = {course.pk: [] for course in courses}
    found: list[Page] = []
    for model in step_models():
        found.extend(
            model.objects.live().filter(_children_q(courses)).defer_streamfields()
        )
    found.sort(key=lambda page: page.path)
    for page in found:
        course_id = by_path.get(page.path[: -Page.steplen])
        if course_id is not None:
            steps[course_id].append(page)
    years: dict[int, set[int]] = {course.pk: set() for course in courses}
    through = CoursePage.school_years.through
    for course_id, year_id in through.objects.filter(
        coursepage_id__in=list(steps)
    ).values_list("coursepage_id", "schoolyear_id"):
        years[course_id].add(year_id)
    owners = progress.course_owners(
        [course for course in courses if not hasattr(course, "owner_school_id")]
    )
    owners.update(
        {
            course.pk: course.owner_school_id
            for course in courses
            if hasattr(course, "owner_school_id")
        }
    )
    return {
        course.pk: CourseStructure(
            steps=steps[course.pk],
            owner_school_id=owners[course.pk],
            school_year_ids=frozenset(years[course.pk]),
        )
        for course in courses
    }


def _children_q(courses):
    return reduce(
        or_,
        (Q(path__startswith=c.path, depth=c.depth + 1) for c in courses),
    )


def structures_for(
    courses: list[CoursePage], *, versions: dict[int, tuple[int, str]]
) -> dict[int, CourseStructure]:
    """Each course's structure; `versions`: course id -> (structure_version,
    path) as the database has them now (courses.selectors reads them with the
    learner's state). Courses missing from `versions` are built afresh."""
    keys = {
        course.pk: structure_key(course.pk, *versions[course.pk])
        for course in courses
        if course.pk in versions
    }
    cached = cache.get_many(list(keys.values())) if keys else {}
    result: dict[int, CourseStructure] = {}
    missing = []
    for course in courses:
        key = keys.get(course.pk)
        if key is not None and key in cached:
            result[course.pk] = cached[key]
        else:
            missing.append(course)
    built = _build(missing)
    to_store = {}
    for course_id, structure in built.items():
        result[course_id] = structure
        if course_id in keys:
            to_store[keys[course_id]] = structure
    if to_store:
        cache.set_many(to_store, timeout=CACHE_SECONDS)
    return result


def course_steps(course: CoursePage) -> list[Page]:
    """The live steps of one course in page order, from its cached structure
    (for staff and issuing paths that need the steps, not a learner's state;
    the version is the one on `course` as it was read). Version 0 is "not
    read": a course object made in this process before its version was
    written (the version is set by a queryset update), so its structure is
    built afresh and not stored, or it would be stored under a key another
    course may later have (same id and path after a rollback)."""
    if not course.structure_version:
        return structures_for([course], versions={})[course.pk].steps
    versions = {course.pk: (course.structure_version, course.path)}
    return structures_for([course], versions=versions)[course.pk].steps


# Invalidation: a fresh version on the rows of the courses concerned. Each is
# one UPDATE, run when the change is saved and again once the transaction
# commits (a structure read between the two, from the old rows, cannot be
# stored under the final version).


def _bump(courses) -> None:
    """Give the courses of the CoursePage queryset `courses` a new version."""

    def bump():
        courses.update(structure_version=new_version())

    bump()
    transaction.on_commit(bump)


def bump_course_paths(paths) -> None:
    paths = [path for path in paths if path]
    if paths:
        _bump(CoursePage.objects.filter(path__in=paths))


def bump_under(path: str) -> None:
    """Every course at or below `path` (a catalogue, the home page)."""
    _bump(CoursePage.objects.filter(path__startswith=path))


def _is_step(instance) -> bool:
    if isinstance(instance, CourseStep):
        return True
    specific = getattr(instance, "specific_class", None)
    return specific is not None and issubclass(specific, CourseStep)


def _page_changed(instance) -> None:
    path = getattr(instance, "path", "") or ""
    if not path:
        return
    if isinstance(instance, CoursePage):
        bump_course_paths([path])
    elif isinstance(instance, CourseIndexPage):
        bump_under(path)
    elif _is_step(instance):
        bump_course_paths([path[: -Page.steplen]])


@receiver(post_save)
def page_saved(sender, instance, raw=False, **kwargs):
    if raw or not isinstance(instance, Page):
        return
    _page_changed(instance)


@receiver(post_delete)
def page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        _page_changed(instance)


@receiver(post_page_move)
def page_moved(sender, instance, parent_page_before, parent_page_after, **kwargs):
    # A moved course or catalogue changes path (part of the key); a moved
    # step changes its course, or its place in it.
    _page_changed(instance)
    if _is_step(instance):
        bump_course_paths([parent_page_before.path, parent_page_after.path])


def _years_changed(sender, instance, **kwargs):
    course_id = getattr(instance, "coursepage_id", None)
    if course_id is not None:
        _bump(CoursePage.objects.filter(pk=course_id))


post_save.connect(
    _years_changed,
    sender=CoursePage.school_years.through,
    dispatch_uid="course_structure_years_saved",
)
post_delete.connect(
    _years_changed,
    sender=CoursePage.school_years.through,
    dispatch_uid="course_structure_years_deleted",
)
