"""Starting a new school year at one school ("Sang năm học mới").

`school_year_plan` works out what would happen and changes nothing;
`school_year_start` makes the same plan again inside its transaction and
carries it out, so the preview (a dry run) and the run can never disagree.

The rules, kept simple on purpose:

- The new year is named NNNN-NNNN; the year carried from is the one before
  it (2027-2028 carries from 2026-2027), which must exist. A missing new
  year is created, 5 September to 31 May like every other year.
- A class is promoted by its leading grade number: 10A1 → 11A1, 6/1 → 7/1.
  Classes of the school's last grade (`School.last_grade`, 12 by default)
  leave: their students get no membership in the new year. A class whose
  name starts with no number is not carried, and is listed as such.
- Students get a student membership in their promoted class, unless they
  already have a class in the new year (they keep it). Homeroom teachers
  follow their class only when asked (`carry_homeroom`).
- The school's admins keep their role in the new year, so the school is not
  locked out; every other staff role of last year ends with it and is
  listed, to be granted again. Rows of earlier years are never changed.
- Other apps carry what hangs on a class (a course assigned to it) through
  the ``lms_school_year_rollover`` hook (see `RolloverPart`), since this app
  imports none of them.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass, field
from typing import Protocol

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from wagtail import hooks

from .models import Membership, Role, School, SchoolClass, SchoolYear
from .services import membership_ensure

User = get_user_model()

ROLLOVER_HOOK = "lms_school_year_rollover"

YEAR_NAME = re.compile(r"^(\d{4})-(\d{4})$")
# The grade is the number a class name starts with: "10A1", "6/1", "12 Toán".
CLASS_GRADE = re.compile(r"^(\d+)(.*)$", re.DOTALL)


class RolloverRefused(Exception):
    """The new year cannot start as asked; nothing was changed."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Person:
    user_id: int
    name: str
    username: str


@dataclass(frozen=True)
class PersonMove:
    person: Person
    old_class: str
    new_class: str = ""


@dataclass(frozen=True)
class ClassPromotion:
    old_class_id: int
    old_name: str
    new_name: str
    students: int
    # The class already exists in the new year (it is used, not created).
    exists: bool


@dataclass(frozen=True)
class ClassLeaving:
    name: str
    students: int


@dataclass(frozen=True)
class RoleEnding:
    person: Person
    role: str
    where: str = ""

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)


@dataclass(frozen=True)
class Succession:
    """What an old class becomes, for the parts other apps carry."""

    old_name: str
    new_name: str
    # The new class, when it already exists.
    new_class_id: int | None


@dataclass(frozen=True)
class CarriedItem:
    """One thing another app carries from an old class to its successor."""

    part: str
    ref: int
    title: str
    old_class: str
    new_class: str


class RolloverPart(Protocol):
    """What an app registers under ``lms_school_year_rollover``.

    `plan` reads only; `apply` writes, in the rollover's transaction, the
    items its own `plan` returned, once the new classes exist.
    """

    name: str

    def plan(
        self, *, school: School, successions: dict[int, Succession]
    ) -> list[CarriedItem]: ...

    def apply(
        self,
        *,
        items: list[CarriedItem],
        new_classes: dict[str, SchoolClass],
        actor: User | None,
    ) -> None: ...


@dataclass
class RolloverPlan:
    school: School
    source_year: SchoolYear
    year_name: str
    year_starts_on: datetime.date
    year_ends_on: datetime.date
    year_exists: bool
    carry_homeroom: bool
    promotions: list[ClassPromotion] = field(default_factory=list)
    leaving_classes: list[ClassLeaving] = field(default_factory=list)
    unpromotable_classes: list[ClassLeaving] = field(default_factory=list)
    students_carried: list[PersonMove] = field(default_factory=list)
    # Already in their promoted class (an earlier run): nothing to do.
    students_in_place: int = 0
    # Already given another class in the new year: they keep it.
    students_placed_elsewhere: list[PersonMove] = field(default_factory=list)
    leavers: list[PersonMove] = field(default_factory=list)
    homeroom_carried: list[PersonMove] = field(default_factory=list)
    admins_carried: list[Person] = field(default_factory=list)
    roles_ending: list[RoleEnding] = field(default_factory=list)
    carried: list[CarriedItem] = field(default_factory=list)

    @property
    def classes_to_create(self) -> list[str]:
        return [p.new_name for p in self.promotions if not p.exists]

    @property
    def nothing_to_do(self) -> bool:
        return not (
            not self.year_exists
            or self.classes_to_create
            or self.students_carried
            or self.homeroom_carried
            or self.admins_carried
            or self.carried
        )

    @property
    def digest(self) -> str:
        """A fingerprint of every change the plan makes: a confirmation
        carries the preview's, and is refused if the plan has changed since."""
        changes = (
            self.school.pk,
            self.year_name,
            self.year_exists,
            self.classes_to_create,
            [(m.person.user_id, m.new_class) for m in self.students_carried],
            [(m.person.user_id, m.new_class) for m in self.homeroom_carried],
            [p.user_id for p in self.admins_carried],
            [(c.part, c.ref, c.new_class) for c in self.carried],
        )
        return hashlib.sha256(repr(changes).encode()).hexdigest()[:32]


def year_name_parse(value: str) -> tuple[int, int]:
    """(first, second) of "2027-2028"; refused unless the years follow on."""
    match = YEAR_NAME.match((value or "").strip())
    if not match or int(match[2]) != int(match[1]) + 1:
        raise RolloverRefused(
            _(
                "“%(value)s” is not a school year: write it as NNNN-NNNN, "
                "for example 2027-2028."
            )
            % {"value": value}
        )
    return int(match[1]), int(match[2])


def school_year_dates(first: int) -> tuple[datetime.date, datetime.date]:
    """A school year's dates, as every year has them: 5 September to 31 May."""
    return datetime.date(first, 9, 5), datetime.date(first + 1, 5, 31)


def class_name_promote(name: str) -> tuple[int, str] | None:
    """(grade, next year's name) of a class, e.g. "10A1" -> (10, "11A1");
    None when the name starts with no grade number."""
    match = CLASS_GRADE.match(name)
    if not match:
        return None
    grade = int(match[1])
    return grade, f"{grade + 1}{match[2]}"


def source_year_of(year_name: str) -> SchoolYear | None:
    first, _second = year_name_parse(year_name)
    return SchoolYear.objects.filter(name=f"{first - 1}-{first}").first()


def _person(membership: Membership) -> Person:
    user = membership.user
    return Person(
        user_id=user.pk,
        name=user.lms_profile.full_name or user.get_username(),
        username=user.get_username(),
    )


def _memberships(**filters):
    return (
        Membership.objects.filter(**filters)
        .select_related("user__lms_profile", "school_class")
        .order_by("school_class__name", "user__lms_profile__sort_name", "user_id")
    )


def _class_order(school_class: SchoolClass) -> tuple:
    promoted = class_name_promote(school_class.name)
    return (promoted[0] if promoted else 99, school_class.name)


def school_year_plan(
    *, school: School, year_name: str, carry_homeroom: bool = False
) -> RolloverPlan:
    """What starting `year_name` at `school` would do; changes nothing.

    Raises RolloverRefused (naming the value or the class) when it cannot
    start as asked.
    """
    first, second = year_name_parse(year_name)
    year_name = f"{first}-{second}"
    source = SchoolYear.objects.filter(name=f"{first - 1}-{first}").first()
    if source is None:
        raise RolloverRefused(
            _(
                "There is no school year %(source)s to carry into %(year)s; "
                "nothing was changed."
            )
            % {"source": f"{first - 1}-{first}", "year": year_name}
        )
    target = SchoolYear.objects.filter(name=year_name).first()
    starts_on, ends_on = (
        (target.starts_on, target.ends_on) if target else school_year_dates(first)
    )
    plan = RolloverPlan(
        school=school,
        source_year=source,
        year_name=year_name,
        year_starts_on=starts_on,
        year_ends_on=ends_on,
        year_exists=target is not None,
        carry_homeroom=carry_homeroom,
    )

    old_classes = sorted(
        SchoolClass.objects.filter(school=school, school_year=source),
        key=_class_order,
    )
    new_classes = {
        c.name: c for c in SchoolClass.objects.filter(school=school, school_year=target)
    }
    students_by_class: dict[int, list[Membership]] = {c.pk: [] for c in old_classes}
    homeroom_by_class: dict[int, list[Membership]] = {c.pk: [] for c in old_classes}
    for membership in _memberships(
        school_class__in=old_classes,
        role__in=[Role.STUDENT, Role.HOMEROOM_TEACHER],
    ):
        by_class = (
            students_by_class if membership.role == Role.STUDENT else homeroom_by_class
        )
        by_class[membership.school_class_id].append(membership)

    # Who already holds what in the new year.
    new_year_students: dict[int, Membership] = {}
    new_class_students: dict[str, set[int]] = {name: set() for name in new_classes}
    held: set[tuple[int, str, int | None]] = set()
    if target is not None:
        source_students = [
            m.user_id for members in students_by_class.values() for m in members
        ]
        # Students of the school's new classes, and wherever the old year's
        # students already are.
        for membership in Membership.objects.filter(
            Q(school_class__in=list(new_classes.values()))
            | Q(user_id__in=source_students),
            school_year=target,
            role=Role.STUDENT,
        ).select_related("school_class"):
            new_year_students[membership.user_id] = membership
            if membership.school_class.school_id == school.pk:
                new_class_students.setdefault(membership.school_class.name, set()).add(
                    membership.user_id
                )
        held = set(
            Membership.objects.filter(school=school, school_year=target)
            .exclude(role=Role.STUDENT)
            .values_list("user_id", "role", "school_class__name")
        )

    successions: dict[int, Succession] = {}
    seen_names: dict[str, str] = {}
    for old in old_classes:
        students = students_by_class[old.pk]
        promoted = class_name_promote(old.name)
        if promoted is None:
            plan.unpromotable_classes.append(ClassLeaving(old.name, len(students)))
            _roles_end(plan, homeroom_by_class[old.pk], held)
            continue
        grade, new_name = promoted
        if grade >= school.last_grade:
            plan.leaving_classes.append(ClassLeaving(old.name, len(students)))
            plan.leavers += [PersonMove(_person(m), old.name) for m in students]
            _roles_end(plan, homeroom_by_class[old.pk], held)
            continue
        if new_name in seen_names:
            raise RolloverRefused(
                _(
                    "Classes %(first)s and %(second)s would both become "
                    "%(new)s; rename one of them first. Nothing was changed."
                )
                % {"first": seen_names[new_name], "second": old.name, "new": new_name}
            )
        seen_names[new_name] = old.name
        existing = new_classes.get(new_name)
        ours = {m.user_id for m in students}
        to_carry = []
        for membership in students:
            placed = new_year_students.get(membership.user_id)
            if placed is None:
                to_carry.append(membership)
            elif placed.school_class_id == getattr(existing, "pk", None):
                plan.students_in_place += 1
            else:
                plan.students_placed_elsewhere.append(
                    PersonMove(_person(membership), old.name, placed.school_class.name)
                )
        others = new_class_students.get(new_name, set()) - ours
        if to_carry and others:
            raise RolloverRefused(
                _(
                    "Class %(new)s of school year %(year)s already has "
                    "%(count)d students who were not in %(old)s; carrying "
                    "%(old)s into it would mix two classes. Rename or empty "
                    "%(new)s first. Nothing was changed."
                )
                % {
                    "new": new_name,
                    "year": year_name,
                    "count": len(others),
                    "old": old.name,
                }
            )
        plan.promotions.append(
            ClassPromotion(
                old_class_id=old.pk,
                old_name=old.name,
                new_name=new_name,
                students=len(students),
                exists=existing is not None,
            )
        )
        successions[old.pk] = Succession(
            old.name, new_name, existing.pk if existing else None
        )
        plan.students_carried += [
            PersonMove(_person(m), old.name, new_name) for m in to_carry
        ]
        if carry_homeroom:
            plan.homeroom_carried += [
                PersonMove(_person(m), old.name, new_name)
                for m in homeroom_by_class[old.pk]
                if (m.user_id, Role.HOMEROOM_TEACHER, new_name) not in held
            ]
        else:
            _roles_end(plan, homeroom_by_class[old.pk], held, new_name=new_name)

    for membership in _memberships(
        school=school, school_year=source, school_class__isnull=True
    ).exclude(role=Role.STUDENT):
        if membership.role == Role.SCHOOL_ADMIN:
            if (membership.user_id, Role.SCHOOL_ADMIN, None) not in held:
                plan.admins_carried.append(_person(membership))
        elif (membership.user_id, membership.role, None) not in held:
            plan.roles_ending.append(RoleEnding(_person(membership), membership.role))
    plan.roles_ending.sort(key=lambda r: (r.role, r.where, r.person.name))

    for part in hooks.get_hooks(ROLLOVER_HOOK):
        plan.carried += part.plan(school=school, successions=successions)
    return plan


def _roles_end(
    plan: RolloverPlan,
    homerooms: list[Membership],
    held: set,
    *,
    new_name: str | None = None,
) -> None:
    for membership in homerooms:
        if new_name and (membership.user_id, membership.role, new_name) in held:
            continue  # already given the class in the new year
        where = membership.school_class.name
        plan.roles_ending.append(
            RoleEnding(_person(membership), membership.role, where)
        )


@transaction.atomic
def school_year_start(
    *,
    school: School,
    year_name: str,
    carry_homeroom: bool = False,
    actor: User | None = None,
    expected_digest: str | None = None,
) -> RolloverPlan:
    """Start `year_name` at `school` as `school_year_plan` says; all or nothing.

    Safe to run again: a second run finds nothing to do. With
    `expected_digest` (the preview's), refused if the plan has changed since.
    """
    from .signals import people_changing

    # Two runs for one school wait for each other (as roster imports do).
    School.objects.select_for_update().filter(pk=school.pk).first()
    plan = school_year_plan(
        school=school, year_name=year_name, carry_homeroom=carry_homeroom
    )
    if plan.nothing_to_do:
        return plan  # a second run (or a second click): nothing changes
    if expected_digest is not None and plan.digest != expected_digest:
        raise RolloverRefused(
            _(
                "The school's classes or roles have changed since the preview; "
                "look at the new preview before confirming. Nothing was changed."
            )
        )
    if plan.year_exists:
        target = SchoolYear.objects.get(name=plan.year_name)
    else:
        target = SchoolYear(
            name=plan.year_name,
            starts_on=plan.year_starts_on,
            ends_on=plan.year_ends_on,
        )
        target.full_clean()
        target.save()
    new_classes = {
        c.name: c for c in SchoolClass.objects.filter(school=school, school_year=target)
    }
    for promotion in plan.promotions:
        if promotion.new_name not in new_classes:
            new_classes[promotion.new_name] = SchoolClass.objects.create(
                school=school,
                school_year=target,
                name=promotion.new_name,
                grade=class_name_promote(promotion.new_name)[0],
            )
    people = sorted(
        {m.person.user_id for m in plan.students_carried + plan.homeroom_carried}
        | {p.user_id for p in plan.admins_carried}
    )
    # Lock the people in ascending order before any write (see roster import).
    locked = list(
        User.objects.select_for_update()
        .filter(pk__in=people)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    people_changing.send(sender=Membership, user_ids=locked)
    users = User.objects.in_bulk(people)
    # Each membership saved syncs its holder's groups (signals.py).
    for move in plan.students_carried:
        membership_ensure(
            user=users[move.person.user_id],
            role=Role.STUDENT,
            school_year=target,
            school=school,
            school_class=new_classes[move.new_class],
        )
    for move in plan.homeroom_carried:
        membership_ensure(
            user=users[move.person.user_id],
            role=Role.HOMEROOM_TEACHER,
            school_year=target,
            school=school,
            school_class=new_classes[move.new_class],
        )
    for person in plan.admins_carried:
        membership_ensure(
            user=users[person.user_id],
            role=Role.SCHOOL_ADMIN,
            school_year=target,
            school=school,
        )
    for part in hooks.get_hooks(ROLLOVER_HOOK):
        items = [item for item in plan.carried if item.part == part.name]
        if items:
            part.apply(items=items, new_classes=new_classes, actor=actor)
    return plan
