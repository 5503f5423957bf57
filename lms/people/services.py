"""Writes about people and organisations."""

from django.contrib.auth.models import Group
from django.db import transaction

from .models import Membership, Role, School, SchoolClass, SchoolYear, User
from .roles import ROLE_GROUPS
from .text import normalize_text


def user_groups_sync(*, user: User) -> None:
    """Make the user's LMS groups match the roles they hold."""
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    wanted = set(Group.objects.filter(name__in=[ROLE_GROUPS[r] for r in roles]))
    managed = set(Group.objects.filter(name__in=ROLE_GROUPS.values()))
    current = set(user.groups.filter(pk__in=[g.pk for g in managed]))
    if to_add := wanted - current:
        user.groups.add(*to_add)
    if to_remove := current - wanted:
        user.groups.remove(*to_remove)


@transaction.atomic
def user_create(
    *,
    username: str,
    full_name: str,
    password: str | None = None,
    email: str = "",
    phone: str = "",
    student_code: str = "",
    must_change_password: bool = False,
) -> User:
    user = User(
        username=normalize_text(username),
        full_name=full_name,
        email=email,
        phone=phone,
        student_code=student_code,
        must_change_password=must_change_password,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def membership_ensure(
    *,
    user: User,
    role: str,
    school_year: SchoolYear,
    school: School | None = None,
    school_class: SchoolClass | None = None,
    department=None,
) -> Membership:
    """Give `user` the role; safe to call again with the same arguments."""
    if school_class is not None and school is None:
        school = school_class.school
    if role == Role.DEPARTMENT_OFFICER:
        lookup = {"department": department, "school": None, "school_class": None}
    else:
        lookup = {"school": school, "school_class": school_class, "department": None}
    if role == Role.STUDENT:
        # A student has one class a year; moving them updates that membership.
        membership = Membership.objects.filter(
            user=user, role=role, school_year=school_year
        ).first()
        if membership is not None:
            for field, value in lookup.items():
                setattr(membership, field, value)
            membership.full_clean()
            membership.save()
            return membership
    membership = Membership.objects.filter(
        user=user, role=role, school_year=school_year, **lookup
    ).first()
    if membership is None:
        membership = Membership(user=user, role=role, school_year=school_year, **lookup)
        membership.full_clean()
        membership.save()
    return membership


def password_changed(*, user: User) -> None:
    """Called after a person sets their own password."""
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])
