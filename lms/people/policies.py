"""Who may do what to whom, for people and organisations.

This is the one place that answers "may this person act at that school in
that school year", "may this person manage that account" and "may this person
grant that role". Views, forms, choosers, querysets, exports and the access
suite call it; nothing else re-derives roles.

Two rules run through everything here:

- **Powers follow the school year.** A management power needs a role at the
  school (or the Department) in a school year that has not ended. When the
  year's end date passes, the power lapses; reading that year's records stays
  for those who held a role in it (`school_years_readable_by`).
- **Nobody acts above their role.** Accounts are ranked (superuser >
  Department officer > school admin > everyone else); one manages only people
  of a strictly lower rank who belong to a school one manages, never oneself,
  and grants only roles below one's own.
"""

from __future__ import annotations

import datetime
from enum import IntEnum

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from .models import Membership, Role, RosterImportJob, School, SchoolYear
from .roles import ROLE_GROUPS

User = get_user_model()

# Roles whose holders manage a school's people, content and certificates.
MANAGER_ROLES = {Role.SCHOOL_ADMIN, Role.DEPARTMENT_OFFICER}


class Rank(IntEnum):
    """How powerful an account is; one acts only on lower ranks."""

    MEMBER = 1
    SCHOOL_ADMIN = 2
    DEPARTMENT_OFFICER = 3
    SUPERUSER = 4


ROLE_RANK: dict[str, Rank] = {
    Role.STUDENT: Rank.MEMBER,
    Role.COLLABORATOR: Rank.MEMBER,
    Role.CONTENT_AUTHOR: Rank.MEMBER,
    Role.TEACHER: Rank.MEMBER,
    Role.HOMEROOM_TEACHER: Rank.MEMBER,
    Role.SCHOOL_ADMIN: Rank.SCHOOL_ADMIN,
    Role.DEPARTMENT_OFFICER: Rank.DEPARTMENT_OFFICER,
}


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def open_years_q(*, today: datetime.date | None = None, prefix: str = "") -> Q:
    """Filter for school years that have not ended on `today`."""
    return Q(**{f"{prefix}ends_on__gte": _today(today)})


def school_year_is_open(
    school_year: SchoolYear, *, today: datetime.date | None = None
) -> bool:
    return school_year.ends_on >= _today(today)


def current_school_year(*, today: datetime.date | None = None) -> SchoolYear | None:
    """The school year containing `today`, else the next one to start."""
    day = _today(today)
    years = SchoolYear.objects.all()
    return (
        years.filter(starts_on__lte=day, ends_on__gte=day).first()
        or years.filter(starts_on__gt=day).order_by("starts_on").first()
    )


def active_memberships(
    *, user: User, today: datetime.date | None = None
) -> QuerySet[Membership]:
    """The user's memberships in school years that have not ended."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(
        open_years_q(today=today, prefix="school_year__"), user=user
    )


def _is_effective_superuser(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def user_rank(user: User, *, today: datetime.date | None = None) -> Rank:
    """The highest rank `user` holds now (superuser, officer, school admin)."""
    if user.is_superuser:
        return Rank.SUPERUSER
    roles = set(
        active_memberships(user=user, today=today).values_list("role", flat=True)
    )
    return max((ROLE_RANK[r] for r in roles), default=Rank.MEMBER)


def account_rank(person: User) -> Rank:
    """The highest rank `person` has ever held: lapsed roles still protect.

    An account that was a school admin last year is not fair game for this
    year's school admins; only someone above it may change it.
    """
    if person.is_superuser or person.is_staff:
        return Rank.SUPERUSER
    roles = set(Membership.objects.filter(user=person).values_list("role", flat=True))
    return max((ROLE_RANK[r] for r in roles), default=Rank.MEMBER)


def managed_school_years(
    *, user: User, today: datetime.date | None = None
) -> list[tuple[int, int]]:
    """(school id, school year id) pairs where `user` holds a management power now.

    Department officers manage every school of their Department in the years
    they are officers.
    """
    if not user.is_authenticated or not user.is_active:
        return []
    # Asked many times per request (menus, forms, querysets): work it out once
    # per user object and day. A request loads its user afresh.
    cache = user.__dict__.setdefault("_lms_managed_school_years", {})
    key = _today(today)
    if key not in cache:
        cache[key] = _managed_school_years(user=user, today=today)
    return cache[key]


def _manager_memberships(
    *, user: User, today: datetime.date | None
) -> list[tuple[str, int | None, int | None, int]]:
    """(role, school id, department id, year id) of `user`'s management roles
    in years not yet ended: read once per user object and day, for
    `managed_school_years` and `is_department_manager` (the admin menu asks
    both on every page)."""
    cache = user.__dict__.setdefault("_lms_manager_memberships", {})
    key = _today(today)
    if key not in cache:
        cache[key] = list(
            active_memberships(user=user, today=today)
            .filter(role__in=MANAGER_ROLES)
            .values_list("role", "school_id", "department_id", "school_year_id")
        )
    return cache[key]


def _managed_school_years(
    *, user: User, today: datetime.date | None
) -> list[tuple[int, int]]:
    pairs: set[tuple[int, int]] = set()
    department_years: list[tuple[int, int]] = []
    for role, school_id, department_id, year_id in _manager_memberships(
        user=user, today=today
    ):
        if role == Role.SCHOOL_ADMIN:
            pairs.add((school_id, year_id))
        else:
            department_years.append((department_id, year_id))
    for department_id, year_id in department_years:
        for school_id in School.objects.filter(department_id=department_id).values_list(
            "pk", flat=True
        ):
            pairs.add((school_id, year_id))
    return sorted(pairs)


def schools_managed_by(
    *, viewer: User, today: datetime.date | None = None
) -> QuerySet[School]:
    """Schools where `viewer` holds a management power in a year not yet ended."""
    schools = School.objects.select_related("department")
    if _is_effective_superuser(viewer):
        return schools
    if not viewer.is_authenticated or not viewer.is_active:
        return schools.none()
    memberships = active_memberships(user=viewer, today=today)
    return schools.filter(
        Q(pk__in=memberships.filter(role=Role.SCHOOL_ADMIN).values("school_id"))
        | Q(
            department_id__in=memberships.filter(role=Role.DEPARTMENT_OFFICER).values(
                "department_id"
            )
        )
    )


def managed_school_ids(*, user: User) -> frozenset[int]:
    """The ids of `schools_managed_by(viewer=user)` today, for an active user:
    every school for a superuser, else worked out from `managed_school_years`
    (no query of its own once that is known for this request)."""
    if _is_effective_superuser(user):
        return frozenset(School.objects.values_list("pk", flat=True))
    return frozenset(school_id for school_id, _year in managed_school_years(user=user))


def schools_authored_by(
    *, viewer: User, today: datetime.date | None = None
) -> QuerySet[School]:
    """Schools where `viewer` holds the content role ("soạn bài") in a school
    year not yet ended: they write drafts in those schools' catalogues and
    submit them for review, never publish. Managing a school is not
    authoring; see `schools_managed_by` for those who also publish."""
    schools = School.objects.select_related("department")
    if not viewer.is_authenticated or not viewer.is_active:
        return schools.none()
    memberships = active_memberships(user=viewer, today=today)
    return schools.filter(
        pk__in=memberships.filter(role=Role.CONTENT_AUTHOR).values("school_id")
    )


def may_manage_school(
    *,
    user: User,
    school: School | int,
    school_year: SchoolYear | int | None = None,
    today: datetime.date | None = None,
) -> bool:
    """Whether `user` may change `school`'s people, content or certificates.

    With `school_year`, the power must be held in that year, and the year must
    not have ended; without it, in any year not yet ended.
    """
    if _is_effective_superuser(user):
        return True
    school_id = school if isinstance(school, int) else school.pk
    year_id = (
        school_year
        if isinstance(school_year, int) or school_year is None
        else school_year.pk
    )
    return any(
        s == school_id and (year_id is None or y == year_id)
        for s, y in managed_school_years(user=user, today=today)
    )


def may_start_school_year(
    *,
    user: User,
    school: School | int,
    source_year: SchoolYear | None = None,
    target_year: SchoolYear | None = None,
    today: datetime.date | None = None,
) -> bool:
    """Whether `user` may start a new school year at `school` (the rollover).

    A management power at the school now: its school admin, an officer of its
    Department, a superuser. Given the years, the power must be held in the
    year carried from or in the new one, and that year must not have ended:
    an admin whose year is over (from 1 June) no longer rolls the school over;
    the Department does, or first gives them the role in the new year.
    """
    years = [y for y in (source_year, target_year) if y is not None]
    if not years:
        return may_manage_school(user=user, school=school, today=today)
    return any(
        may_manage_school(user=user, school=school, school_year=year, today=today)
        for year in years
    )


def may_follow_roster_job(*, user: User, job: RosterImportJob) -> bool:
    """Whether `user` may see how a background roster import went.

    Whoever may import rosters into the job's school in its school year (the
    importer among them, while their power lasts); the page names no one.
    """
    return may_import_rosters(user=user) and may_manage_school(
        user=user, school=job.school_id, school_year=job.school_year_id
    )


def roster_jobs_followable_by(
    *, user: User, today: datetime.date | None = None
) -> QuerySet[RosterImportJob]:
    """The roster jobs `may_follow_roster_job` lets `user` see, as a queryset."""
    jobs = RosterImportJob.objects.all()
    if not may_import_rosters(user=user, today=today):
        return jobs.none()
    if _is_effective_superuser(user):
        return jobs
    where = Q(pk__in=[])
    for school_id, year_id in managed_school_years(user=user, today=today):
        where |= Q(school_id=school_id, school_year_id=year_id)
    return jobs.filter(where)


def staff_passwords_reissuable(
    *,
    actor: User,
    school: School,
    school_year: SchoolYear,
    today: datetime.date | None = None,
) -> QuerySet[User]:
    """Staff of `school` in `school_year` whose initial password `actor` may
    issue again: any role but student, and only people `actor` may manage, so
    a school admin never resets a peer's or a superior's password.
    """
    if not may_import_rosters(user=actor, today=today) or not may_manage_school(
        user=actor, school=school, school_year=school_year, today=today
    ):
        return User.objects.none()
    return people_manageable_by(actor=actor, today=today).filter(
        pk__in=Membership.objects.filter(school=school, school_year=school_year)
        .exclude(role=Role.STUDENT)
        .values("user_id")
    )


def is_department_manager(*, user: User, today: datetime.date | None = None) -> bool:
    """Superusers and Department officers in a year not yet ended.

    They maintain the Department's shared library. Asked by several admin
    menu items and hooks on every admin page: for today, answered once per
    user object (that is, once per request).
    """
    if _is_effective_superuser(user):
        return True
    if today is not None:
        return (
            active_memberships(user=user, today=today)
            .filter(role=Role.DEPARTMENT_OFFICER)
            .exists()
        )
    if not user.is_authenticated:
        return False
    return any(
        role == Role.DEPARTMENT_OFFICER
        for role, *_rest in _manager_memberships(user=user, today=None)
    )


def school_years_readable_by(
    *, user: User, school: School | int
) -> QuerySet[SchoolYear]:
    """School years of `school` whose records `user` may read.

    Those in which they held any staff role at the school (or were an officer
    of its Department), lapsed or not.
    """
    years = SchoolYear.objects.all()
    if _is_effective_superuser(user):
        return years
    if not user.is_authenticated or not user.is_active:
        return years.none()
    school_id = school if isinstance(school, int) else school.pk
    staff_roles = [r for r in Role.values if r != Role.STUDENT]
    memberships = Membership.objects.filter(user=user, role__in=staff_roles)
    return years.filter(
        Q(pk__in=memberships.filter(school_id=school_id).values("school_year_id"))
        | Q(
            pk__in=memberships.filter(
                role=Role.DEPARTMENT_OFFICER,
                department__schools=school_id,
            ).values("school_year_id")
        )
    )


def people_manageable_by(
    *, actor: User, today: datetime.date | None = None
) -> QuerySet[User]:
    """Accounts `actor` may edit, reset, deactivate or erase.

    Superusers: everyone but other superusers' peers are still theirs to manage.
    Others: people of a strictly lower rank who hold a role at a school and in
    a year where `actor` has a management power now; never `actor` themself.
    """
    users = User.objects.all()
    if _is_effective_superuser(actor):
        return users
    if not actor.is_authenticated or not actor.is_active:
        return users.none()
    pairs = managed_school_years(user=actor, today=today)
    if not pairs:
        return users.none()
    where = Q(pk__in=[])
    for school_id, year_id in pairs:
        where |= Q(school_id=school_id, school_year_id=year_id)
    rank = user_rank(actor, today=today)
    protected_roles = [r for r, k in ROLE_RANK.items() if k >= rank]
    return (
        users.filter(
            pk__in=Membership.objects.filter(where).values("user_id"),
            is_superuser=False,
            is_staff=False,
        )
        .exclude(pk=actor.pk)
        .exclude(
            pk__in=Membership.objects.filter(role__in=protected_roles).values("user_id")
        )
    )


def may_manage_person(
    *, actor: User, person: User, today: datetime.date | None = None
) -> bool:
    """Whether `actor` may edit, copy, reset, deactivate or erase `person`."""
    if _is_effective_superuser(actor):
        return True
    return people_manageable_by(actor=actor, today=today).filter(pk=person.pk).exists()


def grantable_roles(
    *,
    actor: User,
    school: School | None = None,
    school_year: SchoolYear | None = None,
    today: datetime.date | None = None,
) -> list[str]:
    """Roles `actor` may give someone else at `school` in `school_year`.

    Only roles strictly below the actor's own rank, only where the actor holds
    a management power in that (not yet ended) year.
    """
    if _is_effective_superuser(actor):
        return list(Role.values)
    rank = user_rank(actor, today=today)
    below = [r for r, k in ROLE_RANK.items() if k < rank]
    if school_year is not None and not school_year_is_open(school_year, today=today):
        return []
    if school is not None and not may_manage_school(
        user=actor, school=school, school_year=school_year, today=today
    ):
        return []
    return [r for r in Role.values if r in below]


def may_grant_membership(
    *,
    actor: User,
    person: User,
    role: str,
    school: School | None,
    school_year: SchoolYear,
    department_id: int | None = None,
    today: datetime.date | None = None,
) -> bool:
    """Whether `actor` may give `person` `role` at `school` in `school_year`."""
    if _is_effective_superuser(actor):
        return True
    if not actor.is_authenticated or person.pk == actor.pk:
        return False
    if role == Role.DEPARTMENT_OFFICER or school is None:
        return False
    if role not in grantable_roles(
        actor=actor, school=school, school_year=school_year, today=today
    ):
        return False
    # A person already above the actor (or a superuser) is not theirs to change.
    return account_rank(person) < user_rank(actor, today=today)


def grantable_groups(*, actor: User) -> QuerySet[Group]:
    """Groups `actor` may put someone into: the LMS role groups of roles below theirs.

    Superusers grant any group. Nobody else ever grants a non-LMS group
    (Wagtail's "Moderators", "Editors"...), whatever their permissions.
    """
    if _is_effective_superuser(actor):
        return Group.objects.all()
    if not actor.is_authenticated or not managed_school_years(user=actor):
        return Group.objects.none()
    names = [
        ROLE_GROUPS[role]
        for role in grantable_roles(actor=actor)
        if role != Role.DEPARTMENT_OFFICER
    ]
    return Group.objects.filter(name__in=names)


def may_manage_person_data(
    *, actor: User, person: User, today: datetime.date | None = None
) -> bool:
    """Whether `actor` may export or erase `person`'s data (Decree 13/2023).

    The same rule as any other change to the person: a power at one of
    their schools in a year not yet ended, over a lower rank, never oneself.
    """
    if not actor.is_authenticated or not actor.is_active:
        return False
    return may_manage_person(actor=actor, person=person, today=today)


def may_import_rosters(*, user: User, today: datetime.date | None = None) -> bool:
    """Whether `user` manages any school in a year not yet ended (roster, passwords)."""
    if _is_effective_superuser(user):
        return True
    return user.has_perm("lms_people.add_user") and bool(
        managed_school_years(user=user, today=today)
    )


def schools_visible_to(*, viewer: User) -> QuerySet[School]:
    """Schools `viewer` may read about: any where they ever held a role.

    Past years included (reading stays); officers see their Department's.
    """
    schools = School.objects.select_related("department")
    if _is_effective_superuser(viewer):
        return schools
    if not viewer.is_authenticated or not viewer.is_active:
        return schools.none()
    memberships = Membership.objects.filter(user=viewer)
    return schools.filter(
        Q(pk__in=memberships.values("school_id"))
        | Q(
            department_id__in=memberships.filter(role=Role.DEPARTMENT_OFFICER).values(
                "department_id"
            )
        )
    )


# Families ------------------------------------------------------------------


def guardian_contact_of(user: User):
    """The guardian contact `user`'s account belongs to, or None (no query when
    the sign-in backend loaded it with the user: lms.people.backends)."""
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return user.guardian_contact
    except (ObjectDoesNotExist, AttributeError):
        return None


def children_of(*, parent: User) -> QuerySet[User]:
    """The learners whose learning `parent` may see: the active children of the
    guardian contact their account belongs to, in name order. Nobody else's,
    whatever else the account may be."""
    if not parent.is_authenticated or not parent.is_active:
        return User.objects.none()
    guardian = guardian_contact_of(parent)
    if guardian is None:
        return User.objects.none()
    return (
        User.objects.filter(
            is_active=True,
            guardian_links__guardian=guardian,
            guardian_links__guardian__user=parent,
        )
        .select_related("lms_profile")
        .distinct()
        .order_by("lms_profile__sort_name", "pk")
    )


def may_view_child(*, parent: User, learner: User) -> bool:
    """Whether `parent` may see `learner`'s courses, progress and certificates."""
    if learner is None or learner.pk is None:
        return False
    return children_of(parent=parent).filter(pk=learner.pk).exists()


def guardians_manageable_by(
    *, user: User, today: datetime.date | None = None
) -> QuerySet:
    """Guardian contacts `user` may see and change: those of schools they
    manage, for those whose role carries the guardian permissions (school
    admins; not Department officers)."""
    from .models import Guardian

    if not user.has_perm("lms_people.change_guardian"):
        return Guardian.objects.none()
    return Guardian.objects.filter(
        school__in=schools_managed_by(viewer=user, today=today)
    ).select_related("school", "user")


def may_manage_guardian(
    *, user: User, guardian, today: datetime.date | None = None
) -> bool:
    """Whether `user` may change `guardian` or issue them an activation code."""
    return (
        guardians_manageable_by(user=user, today=today).filter(pk=guardian.pk).exists()
    )


def family_letter_classes(
    *, user: User, today: datetime.date | None = None
) -> QuerySet:
    """Classes whose families' letters `user` may print, issuing their one-time
    activation codes: those of a school where they are school admin in the
    class's school year, and their homeroom class, while that year has not
    ended. Like the guardian contacts (`guardians_manageable_by`), not
    Department officers."""
    from .models import SchoolClass

    if _is_effective_superuser(user):
        return SchoolClass.objects.all()
    memberships = active_memberships(user=user, today=today)
    return SchoolClass.objects.filter(
        Q(
            pk__in=memberships.filter(role=Role.HOMEROOM_TEACHER).values(
                "school_class_id"
            )
        )
        | Q(
            Exists(
                memberships.filter(
                    role=Role.SCHOOL_ADMIN,
                    school_id=OuterRef("school_id"),
                    school_year_id=OuterRef("school_year_id"),
                )
            )
        )
    )


def may_print_family_letters(
    *, user: User, school_class, today: datetime.date | None = None
) -> bool:
    """Whether `user` may print the letters to `school_class`'s families
    (`family_letter_classes`)."""
    return (
        family_letter_classes(user=user, today=today)
        .filter(pk=school_class.pk)
        .exists()
    )
