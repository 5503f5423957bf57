"""Reads about people and organisations.

`learners_visible_to` is the one rule for "whose learning may this person
see". Every view, report and export asks it rather than filtering on its own.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils import timezone

from . import policies
from .models import (
    CONSENT_AGE,
    Consent,
    Membership,
    Role,
    School,
    SchoolClass,
    SchoolYear,
)

User = get_user_model()


def _memberships_of(
    user: User, school_year: SchoolYear | None = None
) -> list[Membership]:
    memberships = Membership.objects.filter(user=user)
    if school_year is not None:
        memberships = memberships.filter(
            Q(school_year=school_year) | Q(role=Role.DEPARTMENT_OFFICER)
        )
    return list(
        memberships.only(
            "role", "department_id", "school_id", "school_year_id", "school_class_id"
        )
    )


def visible_membership_scope(
    *, viewer: User, school_year: SchoolYear | None = None
) -> Q | None:
    """The memberships whose holders `viewer` may see, as a filter.

    None means everything (superusers); an always-false filter means nobody
    but the viewer themself.
    """
    if not viewer.is_authenticated or not viewer.is_active:
        return Q(pk__in=[])
    if viewer.is_superuser:
        return None
    scope = Q(pk__in=[])
    for membership in _memberships_of(viewer, school_year):
        if membership.role == Role.DEPARTMENT_OFFICER:
            scope |= Q(school__department_id=membership.department_id)
        elif membership.role == Role.SCHOOL_ADMIN:
            scope |= Q(
                school_id=membership.school_id, school_year_id=membership.school_year_id
            )
        elif membership.role == Role.HOMEROOM_TEACHER:
            scope |= Q(school_class_id=membership.school_class_id, role=Role.STUDENT)
    return scope


def learners_visible_to(
    *, viewer: User, school_year: SchoolYear | None = None
) -> QuerySet[User]:
    """People whose learning records `viewer` may see.

    A student sees only themself; a homeroom teacher the students of their
    own classes; a school admin everyone at their school in the years they
    administer it; a department officer everyone at the Department's schools;
    a superuser everyone. With `school_year`, only memberships of that year
    count (for the viewer's roles and for the people seen).
    """
    users = User.objects.all()
    if not viewer.is_authenticated:
        return users.none()
    scope = visible_membership_scope(viewer=viewer, school_year=school_year)
    if scope is None:
        if school_year is None:
            return users
        return users.filter(memberships__school_year=school_year).distinct()
    seen = Membership.objects.filter(scope, user=OuterRef("pk"))
    if school_year is not None:
        seen = seen.filter(school_year=school_year)
    return users.filter(Q(pk=viewer.pk) | Exists(seen))


def learner_is_visible_to(*, viewer: User, learner: User) -> bool:
    if viewer.pk == learner.pk and viewer.is_authenticated:
        return True
    return learners_visible_to(viewer=viewer).filter(pk=learner.pk).exists()


def memberships_visible_to(*, viewer: User) -> QuerySet[Membership]:
    memberships = Membership.objects.select_related(
        "user", "school", "school_year", "school_class", "department"
    )
    scope = visible_membership_scope(viewer=viewer)
    if scope is None:
        return memberships
    return memberships.filter(scope | Q(user=viewer))


def schools_managed_by(*, viewer: User) -> QuerySet[School]:
    """Schools whose classes and people `viewer` may change now.

    The rule lives in `policies.schools_managed_by` (powers lapse with the
    school year); this name stays for the apps that read through selectors.
    """
    return policies.schools_managed_by(viewer=viewer)


def _schools_ever_managed_by(*, viewer: User) -> QuerySet[School]:
    """Schools `viewer` manages or once managed: their records stay readable."""
    memberships = Membership.objects.filter(user=viewer)
    return School.objects.filter(
        Q(pk__in=memberships.filter(role=Role.SCHOOL_ADMIN).values("school_id"))
        | Q(
            department_id__in=memberships.filter(role=Role.DEPARTMENT_OFFICER).values(
                "department_id"
            )
        )
    )


def classes_visible_to(*, viewer: User) -> QuerySet[SchoolClass]:
    classes = SchoolClass.objects.select_related("school", "school_year")
    if viewer.is_superuser:
        return classes
    memberships = Membership.objects.filter(user=viewer)
    return classes.filter(
        Q(school__in=_schools_ever_managed_by(viewer=viewer))
        | Q(
            pk__in=memberships.filter(role=Role.HOMEROOM_TEACHER).values(
                "school_class_id"
            )
        )
    )


# Bumped whenever a membership is saved or deleted in this process (signals),
# so a request's memo of its user's roles never outlives a change it made.
_membership_generation = [0]


def membership_generation_bump() -> None:
    _membership_generation[0] += 1


def request_memo_enable(user) -> None:
    """Let the signed-in user of this request remember its roles until the
    request ends (lms.people.middleware): the page, its panels and the layout
    ask for them several times. Other user objects (a test's, a task's)
    always query."""
    user._lms_roles_memo = None


def roles_memo_generation() -> int:
    """The generation to pass to `roles_memo_prime`, taken before the read."""
    return _membership_generation[0]


def roles_memo_prime(user, roles, *, generation: int) -> None:
    """Remember the roles of a request's user read with other data (every
    membership of theirs, e.g. in courses.selectors' learner state), so
    `roles_of` need not ask again; `generation` as before the read (a
    membership changed since makes `roles_of` query). A no-op for users
    without the request memo."""
    if getattr(user, "_lms_roles_memo", False) is None:
        user._lms_roles_memo = (generation, frozenset(roles))


def roles_of(*, user: User) -> set[str]:
    memo_enabled = hasattr(user, "_lms_roles_memo")
    if memo_enabled and user._lms_roles_memo is not None:
        generation, roles = user._lms_roles_memo
        if generation == _membership_generation[0]:
            return set(roles)
    generation = _membership_generation[0]
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    if memo_enabled:
        user._lms_roles_memo = (generation, frozenset(roles))
    return roles


# Consent (Decree 13/2023/NĐ-CP art. 20; Personal Data Protection Law 2025):
# every learner's own, plus a parent's or guardian's while under 16. An
# unknown birth date counts as under 16, so a missing date never lowers the bar.

GUARDIAN_GIVERS = [Consent.GivenBy.PARENT, Consent.GivenBy.GUARDIAN]


def consent_age_cutoff(*, today: datetime.date | None = None) -> datetime.date:
    """The latest birth date of someone who is 16 or older on `today`."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year - CONSENT_AGE)
    except ValueError:  # 29 February
        return today.replace(year=today.year - CONSENT_AGE, day=28)


def consent_needs_guardian(
    *, birth_date: datetime.date | None, today: datetime.date | None = None
) -> bool:
    """True when a parent's or guardian's consent is needed too."""
    return birth_date is None or birth_date > consent_age_cutoff(today=today)


def consent_is_complete(
    *,
    birth_date: datetime.date | None,
    own: bool,
    guardian: bool,
    today: datetime.date | None = None,
) -> bool:
    """The consent rule, given which valid consents exist."""
    if not own:
        return False
    return guardian or not consent_needs_guardian(birth_date=birth_date, today=today)


def consent_exists(
    *, learner, guardian: bool, today: datetime.date | None = None
) -> Exists:
    """Whether `learner` (a user or an OuterRef) has a valid consent of that kind."""
    today = today or timezone.localdate()
    givers = GUARDIAN_GIVERS if guardian else [Consent.GivenBy.LEARNER]
    return Exists(
        Consent.objects.filter(learner=learner, given_by__in=givers).filter(
            Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=today)
        )
    )


def consent_required_exists(*, learner) -> Exists:
    """Whether a school where `learner` studies asks for consent before learning."""
    return Exists(
        Membership.objects.filter(
            user=learner, role=Role.STUDENT, school__learning_needs_consent=True
        )
    )


def consent_complete_q(*, today: datetime.date | None = None) -> Q:
    """Filter for users annotated by `learners_with_consent_status`."""
    return Q(consent_own=True) & (
        Q(consent_guardian=True)
        | Q(lms_profile__birth_date__lte=consent_age_cutoff(today=today))
    )


def learners_with_consent_status(
    *, viewer: User, today: datetime.date | None = None
) -> QuerySet[User]:
    """Students `viewer` may see, each with `consent_complete` (and its parts)."""
    students = Membership.objects.filter(user=OuterRef("pk"), role=Role.STUDENT)
    return (
        learners_visible_to(viewer=viewer)
        .filter(Exists(students))
        .annotate(
            consent_own=consent_exists(
                learner=OuterRef("pk"), guardian=False, today=today
            ),
            consent_guardian=consent_exists(
                learner=OuterRef("pk"), guardian=True, today=today
            ),
        )
    )


def consents_visible_to(*, viewer: User) -> QuerySet[Consent]:
    consents = Consent.objects.select_related("learner", "recorded_by")
    if viewer.is_superuser:
        return consents
    return consents.filter(learner__in=learners_visible_to(viewer=viewer))


def learners_missing_consent(
    *, viewer: User, school: School, today: datetime.date | None = None
) -> QuerySet[User]:
    """Students of `school` that `viewer` may see whose consent is not complete.

    The same people the consent status page lists for that school under
    "Missing".
    """
    return (
        learners_with_consent_status(viewer=viewer, today=today)
        .filter(
            Exists(
                Membership.objects.filter(
                    user=OuterRef("pk"), school=school, role=Role.STUDENT
                )
            )
        )
        .annotate(
            consent_complete=ExpressionWrapper(
                consent_complete_q(today=today), output_field=BooleanField()
            )
        )
        .filter(consent_complete=False)
        .exclude(username__startswith="deleted-")
    )


# -- The school year a learner is in (recertification, docs/school-year.md) ---


def learning_year_subquery(*, user, today: datetime.date | None = None):
    """The id of the school year `user` learns in on `today`, as an SQL
    expression (NULL when no school year exists); `learning_year_for` in Python.

    The latest school year that has started among the learner's memberships;
    else the latest school year that has started; else the first to come.
    What a learner records gets this year, and a course required every school
    year counts only the rows of it.
    """
    from django.db.models import Subquery
    from django.db.models.functions import Coalesce

    day = today or timezone.localdate()
    started = SchoolYear.objects.filter(starts_on__lte=day).order_by("-starts_on")
    coming = SchoolYear.objects.filter(starts_on__gt=day).order_by("starts_on")
    choices = [
        Subquery(started.values("pk")[:1]),
        Subquery(coming.values("pk")[:1]),
    ]
    if getattr(user, "pk", None) is not None:
        mine = Membership.objects.filter(
            user_id=user.pk, school_year__starts_on__lte=day
        ).order_by("-school_year__starts_on")
        choices.insert(0, Subquery(mine.values("school_year_id")[:1]))
    return Coalesce(*choices, output_field=BigIntegerField())


def learning_year_for(*, user, today: datetime.date | None = None) -> SchoolYear | None:
    """The school year `user` learns in on `today` (see `learning_year_subquery`)."""
    return SchoolYear.objects.filter(
        pk=learning_year_subquery(user=user, today=today)
    ).first()


def school_year_of_date(
    day: datetime.date, *, years: list[SchoolYear] | None = None
) -> SchoolYear | None:
    """The school year a date belongs to for rows without a learner's year:
    the latest started by then, else the first (the migrations' backfill)."""
    years = sorted(
        years if years is not None else SchoolYear.objects.all(),
        key=lambda year: year.starts_on,
    )
    started = [year for year in years if year.starts_on <= day]
    return started[-1] if started else (years[0] if years else None)


def learning_years_for(
    *, user_ids, today: datetime.date | None = None
) -> dict[int, int | None]:
    """`learning_year_for` of many learners at once (two queries): user id ->
    school year id."""
    day = today or timezone.localdate()
    fallback = learning_year_for(user=None, today=day)
    years: dict[int, int | None] = {}
    for user_id, year_id in (
        Membership.objects.filter(user_id__in=user_ids, school_year__starts_on__lte=day)
        .order_by("user_id", "-school_year__starts_on")
        .values_list("user_id", "school_year_id")
    ):
        years.setdefault(user_id, year_id)
    return {
        user_id: years.get(user_id, fallback.pk if fallback else None)
        for user_id in user_ids
    }
