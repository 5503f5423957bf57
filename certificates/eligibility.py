"""Who may receive a course's certificate: a chain of small named checks.

Each check either passes or says why it refused; the first refusal is the
answer. Staff see it in the bulk preview and learners see the same words on
"My learning" ("what is left to earn this certificate"). Everything is
computed for many learners at once, with a query count that grows with the
course's steps, never with the number of learners.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from courses.models import Audience, CourseCompletion, CoursePage
from courses.selectors import AUDIENCE_ROLES
from courses.structure import course_steps
from lms import sqlcache
from lms.people.models import Membership
from lms.people.selectors import learning_years_for, roles_of

from .models import Certificate, CertificateStatus, CourseCertificateSetting

AUDIENCE_ORDER = [Audience.STUDENTS, Audience.TEACHERS, Audience.COLLABORATORS]


@dataclass(frozen=True)
class Refusal:
    check: str
    message: str
    missing: tuple[str, ...] = ()


@dataclass
class Eligibility:
    user: object
    audience: str = ""
    setting: CourseCertificateSetting | None = None
    completion: CourseCompletion | None = None
    certificate: Certificate | None = None
    refusal: Refusal | None = None
    # The school membership a new certificate is issued under (latest year).
    membership: Membership | None = None

    @property
    def eligible(self) -> bool:
        return self.refusal is None

    @property
    def holds(self) -> bool:
        return self.certificate is not None


@dataclass
class CourseFacts:
    """What the checks read, loaded once for a course and a set of learners."""

    course: CoursePage
    settings: dict[str, CourseCertificateSetting]
    roles: dict[int, set[str]]
    completions: dict[int, CourseCompletion]
    held: dict[int, Certificate]
    required_steps: list
    # The revoked certificate of each person whose certificate was revoked.
    revoked: dict[int, Certificate] = field(default_factory=dict)
    done_steps: dict[int, set[int]] = field(default_factory=dict)
    issuing_memberships: dict[int, Membership] = field(default_factory=dict)


def check_audience(e: Eligibility, facts: CourseFacts) -> Refusal | None:
    roles = facts.roles.get(e.user.pk, set())
    for audience in AUDIENCE_ORDER:
        if audience in facts.course.audiences and roles & set(AUDIENCE_ROLES[audience]):
            e.audience = audience
            return None
    return Refusal(
        "audience", str(_("This course is not meant for this person's role."))
    )


def check_certificate_offered(e: Eligibility, facts: CourseFacts) -> Refusal | None:
    e.setting = facts.settings.get(e.audience)
    if e.setting is None:
        return Refusal(
            "no_certificate",
            str(_("This course gives no certificate to this audience.")),
        )
    return None


def check_not_already_held(e: Eligibility, facts: CourseFacts) -> Refusal | None:
    e.certificate = facts.held.get(e.user.pk)
    if e.certificate is not None:
        return Refusal(
            "already_holds",
            str(_("Already holds certificate %(serial)s."))
            % {"serial": e.certificate.serial},
        )
    return None


def check_not_revoked(e: Eligibility, facts: CourseFacts) -> Refusal | None:
    """Revoked stays revoked: no automatic, bulk or one-off issue brings it
    back. An authorised admin may issue again from the revoked certificate's
    page, stating a reason (audited)."""
    revoked = facts.revoked.get(e.user.pk)
    if revoked is not None:
        return Refusal(
            "revoked",
            str(_("Certificate %(serial)s was revoked: %(reason)s"))
            % {"serial": revoked.serial, "reason": revoked.status_reason or "–"},
        )
    return None


def check_completed(e: Eligibility, facts: CourseFacts) -> Refusal | None:
    e.completion = facts.completions.get(e.user.pk)
    if e.completion is not None:
        return None
    done = facts.done_steps.get(e.user.pk, set())
    missing = tuple(step.title for step in facts.required_steps if step.pk not in done)
    if not missing:
        return Refusal(
            "not_completed", str(_("The course has not been completed yet."))
        )
    return Refusal(
        "not_completed",
        ngettext(
            "%(count)d required step left: %(steps)s.",
            "%(count)d required steps left: %(steps)s.",
            len(missing),
        )
        % {"count": len(missing), "steps": ", ".join(missing)},
        missing,
    )


# The chain, in order; a project may extend it (e.g. a minimum score).
CHECKS: list[Callable[[Eligibility, CourseFacts], Refusal | None]] = [
    check_audience,
    check_certificate_offered,
    check_not_already_held,
    check_not_revoked,
    check_completed,
]


def _held_and_revoked(
    certificates, *, key: str
) -> tuple[dict[int, Certificate], dict[int, Certificate]]:
    """The valid and the revoked certificates among `certificates`, by `key`
    (the latest of each kind wins), in one query."""
    held: dict[int, Certificate] = {}
    revoked: dict[int, Certificate] = {}
    for certificate in certificates.filter(
        status__in=[CertificateStatus.VALID, CertificateStatus.REVOKED]
    ).order_by("status_changed_at", "pk"):
        target = held if certificate.status == CertificateStatus.VALID else revoked
        target[getattr(certificate, key)] = certificate
    return held, revoked


def _held_and_revoked_of(
    certificates: list[Certificate], *, user, course_ids, yearly: dict[int, int]
) -> tuple[dict[int, Certificate], dict[int, Certificate]]:
    """`_held_and_revoked` of the learner's certificates already loaded: the
    same filter (these courses, this cycle of a yearly course) and the same
    order (status_changed_at with NULLs where the database puts them, pk)."""
    from django.db import connection

    nulls_last = connection.features.nulls_order_largest
    wanted = set(course_ids)
    kept = [
        certificate
        for certificate in certificates
        if certificate.holder_id == user.pk
        and certificate.course_id in wanted
        and certificate.status in (CertificateStatus.VALID, CertificateStatus.REVOKED)
        and (
            certificate.course_id not in yearly
            or certificate.cycle == yearly[certificate.course_id]
        )
    ]
    kept.sort(
        key=lambda c: (
            (c.status_changed_at is None) == nulls_last,
            c.status_changed_at or 0,
            c.pk,
        )
    )
    held: dict[int, Certificate] = {}
    revoked: dict[int, Certificate] = {}
    for certificate in kept:
        target = held if certificate.status == CertificateStatus.VALID else revoked
        target[certificate.course_id] = certificate
    return held, revoked


def _settings_queryset(values: dict):
    return CourseCertificateSetting.objects.filter(
        course_id=values["course"]
    ).select_related("template")


def _memberships_queryset(values: dict):
    """The learners' memberships, latest school year first: their roles, and
    the school a certificate is issued under."""
    return (
        Membership.objects.filter(user_id__in=values["users"])
        .select_related("school", "school_year")
        .only(
            "user_id",
            "role",
            "school",
            "school_year",
            "school__code",
            "school__name",
            "school_year__name",
            "school_year__starts_on",
        )
        .order_by("user_id", "-school_year__starts_on", "-pk")
    )


def _completions_queryset(values: dict):
    """The learners' completions of the course, each saying whether its
    learner has any valid or revoked certificate of the course (any year)."""
    return (
        CourseCompletion.objects.filter(
            course_id=values["course"], user_id__in=values["users"]
        )
        .select_related("school_year")  # the certificate's year and validity
        .annotate(
            has_certificate=Exists(
                Certificate.objects.filter(
                    course_id=values["course"],
                    holder_id=OuterRef("user_id"),
                    status__in=[CertificateStatus.VALID, CertificateStatus.REVOKED],
                )
            )
        )
    )


def _instances(key: str, build, *, model, values: dict) -> list:
    """`list(build(values))`; for one learner (an issue, "My learning") with
    its SQL compiled once per process (lms.sqlcache). Many learners (a bulk
    preview) go through the ORM: each number of them would be a shape."""
    if len(values["users"]) == 1:
        return sqlcache.cached_instances(
            f"certificates.eligibility.{key}", build, model=model, values=values
        )
    return list(build(values))


def course_facts_for(*, course: CoursePage, user_ids: Iterable[int]) -> CourseFacts:
    user_ids = list(user_ids)
    values = {"course": course.pk, "users": user_ids}
    settings = {
        s.audience: s
        for s in _instances(
            "settings",
            _settings_queryset,
            model=CourseCertificateSetting,
            values=values,
        )
    }
    roles: dict[int, set[str]] = {}
    # One query gives both the roles and the school a certificate is issued
    # under: the school membership of the latest school year.
    issuing: dict[int, Membership] = {}
    memberships = _instances(
        "memberships", _memberships_queryset, model=Membership, values=values
    )
    for membership in memberships:
        roles.setdefault(membership.user_id, set()).add(membership.role)
        if membership.school_id is not None:
            issuing.setdefault(membership.user_id, membership)
    # Each completion says whether its learner has any valid or revoked
    # certificate of the course (any year): those learners' certificates
    # are read below, and a learner who completed the course and has none
    # (everyone a new certificate is issued to) costs no second query.
    completions_found = _instances(
        "completions", _completions_queryset, model=CourseCompletion, values=values
    )
    certificate_holders = set(user_ids) - {
        c.user_id for c in completions_found if not c.has_certificate
    }
    certificates_found = Certificate.objects.filter(
        course=course, holder_id__in=certificate_holders
    )
    years: dict[int, int | None] = {}
    if course.required_every_year:
        # Each learner's own school year: only its completion and its
        # certificate count; earlier years' stay in the ledger.
        years = learning_years_for(user_ids=user_ids)
        completions_found = [
            c for c in completions_found if c.school_year_id == years.get(c.user_id)
        ]
        certificates_found = certificates_found.filter(
            cycle__in={pk or 0 for pk in years.values()}
        )
    completions = {c.user_id: c for c in completions_found}
    # One query for the valid certificates and the revoked ones.
    held, revoked = (
        _held_and_revoked(certificates_found, key="holder_id")
        if certificate_holders
        else ({}, {})
    )
    if course.required_every_year:
        held = {k: c for k, c in held.items() if c.cycle == (years.get(k) or 0)}
        revoked = {k: c for k, c in revoked.items() if c.cycle == (years.get(k) or 0)}
    facts = CourseFacts(
        course=course,
        settings=settings,
        roles=roles,
        completions=completions,
        held=held,
        revoked=revoked,
        required_steps=[],
        issuing_memberships=issuing,
    )
    pending = [uid for uid in user_ids if uid not in completions]
    if pending:
        steps = course_steps(course)
        facts.required_steps = [s for s in steps if s.step_is_required()]
        # One query per required step, whatever the number of learners.
        for step in facts.required_steps:
            for user_id in type(step).done_counts_by_user(
                steps=[step], user_ids=pending
            ):
                facts.done_steps.setdefault(user_id, set()).add(step.pk)
    return facts


def eligibility_for_many(*, course: CoursePage, users: Iterable) -> list[Eligibility]:
    users = list(users)
    facts = course_facts_for(course=course, user_ids=[u.pk for u in users])
    results = []
    for user in users:
        result = Eligibility(
            user=user, membership=facts.issuing_memberships.get(user.pk)
        )
        for check in CHECKS:
            refusal = check(result, facts)
            if refusal is not None:
                result.refusal = refusal
                break
        results.append(result)
    return results


def eligibility_for(*, user, course: CoursePage) -> Eligibility:
    return eligibility_for_many(course=course, users=[user])[0]


def eligibility_from_statuses(
    *, user, statuses: list, certificates: list[Certificate] | None = None
) -> dict[int, Eligibility]:
    """The same checks for one learner over many courses, from `CourseStatus`es.

    "My learning" has already computed each course's steps; this reuses them
    and adds three queries whatever the number of courses (two when the
    caller passes `certificates`, every certificate the learner holds, which
    it has loaded anyway).
    """
    course_ids = [status.course.pk for status in statuses]
    if not course_ids:
        return {}
    settings_by_course: dict[int, dict] = {}
    for setting in CourseCertificateSetting.objects.filter(course_id__in=course_ids):
        settings_by_course.setdefault(setting.course_id, {})[setting.audience] = setting
    roles = {user.pk: roles_of(user=user)}
    yearly = {
        status.course.pk: status.school_year_id or 0
        for status in statuses
        if status.course.required_every_year
    }
    if certificates is not None:
        held, revoked = _held_and_revoked_of(
            certificates, user=user, course_ids=course_ids, yearly=yearly
        )
        found = None
    else:
        found = Certificate.objects.filter(holder=user, course_id__in=course_ids)
    if found is not None and yearly:
        # A course required every year: only this school year's certificate.
        found = found.exclude(
            reduce(
                or_,
                (Q(course_id=pk) & ~Q(cycle=cycle) for pk, cycle in yearly.items()),
            )
        )
    if found is not None:
        held, revoked = _held_and_revoked(found, key="course_id")
    results = {}
    for status in statuses:
        course = status.course
        facts = CourseFacts(
            course=course,
            settings=settings_by_course.get(course.pk, {}),
            roles=roles,
            # Only presence matters to the check; the record itself is not needed.
            completions={user.pk: True} if status.completed else {},
            held={user.pk: held[course.pk]} if course.pk in held else {},
            revoked=({user.pk: revoked[course.pk]} if course.pk in revoked else {}),
            required_steps=[step.page for step in status.steps if step.required],
            done_steps={user.pk: {step.page.pk for step in status.steps if step.done}},
        )
        result = Eligibility(user=user)
        for check in CHECKS:
            refusal = check(result, facts)
            if refusal is not None:
                result.refusal = refusal
                break
        results[course.pk] = result
    return results
