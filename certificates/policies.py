"""Who may issue, revoke, reissue and batch certificates, and use which templates.

Powers follow the school year (`lms.people.policies`): issuing needs a
management power at the certificate's school in the school year it is issued
under, and that year must not have ended; revoking and reissuing need one at
the certificate's school in a year not yet ended. A lapsed school admin, or
another school's, may do none of it. Reading a past year's certificates stays
with those who held a role then (`selectors.certificates_visible_to`).

Templates belong to one school or (no school) to the Department's shared
library: every school uses library templates, only Department managers edit
them; a school's own templates are its managers' to edit.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from wagtail.permission_policies import ModelPermissionPolicy

from lms.people.models import Membership, School, SchoolClass, SchoolYear
from lms.people.policies import (
    is_department_manager,
    managed_school_years,
    may_manage_school,
    open_years_q,
    schools_managed_by,
)

from .models import Certificate, CertificateTemplate, IssueBatch

User = get_user_model()


def _is_superuser(user: User | None) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_superuser
    )


def may_manage_certificates(*, user: User, today: datetime.date | None = None) -> bool:
    """Whether `user` holds any certificate power now (menus, buttons)."""
    return _is_superuser(user) or bool(managed_school_years(user=user, today=today))


def may_issue(
    *,
    user: User,
    school: School | None,
    school_year: SchoolYear | None,
    today: datetime.date | None = None,
) -> bool:
    """Issue a certificate under `school` and `school_year` (its holder's)."""
    if _is_superuser(user):
        return True
    if school is None or school_year is None:
        # Issued under no school: the Department's to issue.
        return is_department_manager(user=user, today=today)
    return may_manage_school(
        user=user, school=school, school_year=school_year, today=today
    )


def issuing_membership(holder: User) -> Membership | None:
    """The school membership of `holder`'s latest school year: a new
    certificate is issued under its school and year."""
    return (
        Membership.objects.filter(user=holder, school__isnull=False)
        .select_related("school", "school_year")
        .order_by("-school_year__starts_on", "-pk")
        .first()
    )


def may_issue_to(
    *, user: User, holder: User, today: datetime.date | None = None
) -> bool:
    membership = issuing_membership(holder)
    return may_issue(
        user=user,
        school=membership.school if membership else None,
        school_year=membership.school_year if membership else None,
        today=today,
    )


def issue_filter(*, user: User, today: datetime.date | None = None):
    """A test of eligibility rows (bulk issue): may `user` issue under the
    row's school and year? Computed once for many rows."""
    if user is None or _is_superuser(user):
        # No one: the system itself (the `issue_certificates` command).
        return lambda row: True
    pairs = set(managed_school_years(user=user, today=today))
    department = is_department_manager(user=user, today=today)

    def allowed(row) -> bool:
        membership = row.membership
        if membership is None:
            return department
        return (membership.school_id, membership.school_year_id) in pairs

    return allowed


def may_change_certificate(
    *, user: User, certificate: Certificate, today: datetime.date | None = None
) -> bool:
    """Revoke, reissue, or issue again after a revocation."""
    if _is_superuser(user):
        return True
    if certificate.school_id is None:
        return is_department_manager(user=user, today=today)
    return may_manage_school(user=user, school=certificate.school_id, today=today)


def bulk_issue_schools(
    *, user: User, today: datetime.date | None = None
) -> QuerySet[School]:
    return schools_managed_by(viewer=user, today=today)


def bulk_issue_classes(
    *, user: User, today: datetime.date | None = None
) -> QuerySet[SchoolClass]:
    """Classes of a school `user` manages in that class's (open) school year."""
    classes = SchoolClass.objects.filter(
        open_years_q(today=today, prefix="school_year__")
    ).select_related("school", "school_year")
    if _is_superuser(user):
        return classes
    where = Q(pk__in=[])
    for school_id, year_id in managed_school_years(user=user, today=today):
        where |= Q(school_id=school_id, school_year_id=year_id)
    return classes.filter(where)


def may_see_batch(
    *, user: User, batch: IssueBatch, today: datetime.date | None = None
) -> bool:
    """See a batch's progress and run it again: a power at its school now."""
    if _is_superuser(user):
        return True
    if batch.school_id is not None:
        return may_manage_school(user=user, school=batch.school_id, today=today)
    return batch.created_by_id == user.pk and may_manage_certificates(
        user=user, today=today
    )


def batches_visible_to(
    *, user: User, today: datetime.date | None = None
) -> QuerySet[IssueBatch]:
    batches = IssueBatch.objects.select_related("course", "school", "school_class")
    if _is_superuser(user):
        return batches
    if not may_manage_certificates(user=user, today=today):
        return batches.none()
    return batches.filter(
        Q(school__in=schools_managed_by(viewer=user, today=today))
        | Q(school__isnull=True, created_by=user)
    )


# Templates -----------------------------------------------------------------


def templates_usable_by(
    *, user: User, today: datetime.date | None = None
) -> QuerySet[CertificateTemplate]:
    """Templates `user` may use and preview: their schools' and the library."""
    templates = CertificateTemplate.objects.all()
    if _is_superuser(user):
        return templates
    if not may_manage_certificates(user=user, today=today):
        return templates.none()
    return templates.filter(
        Q(school__isnull=True) | Q(school__in=schools_managed_by(viewer=user))
    )


def templates_editable_by(
    *, user: User, today: datetime.date | None = None
) -> QuerySet[CertificateTemplate]:
    """Templates `user` may change or delete: the library is the Department's."""
    templates = CertificateTemplate.objects.all()
    if _is_superuser(user):
        return templates
    if not user.is_authenticated or not user.is_active:
        return templates.none()
    where = Q(school__in=schools_managed_by(viewer=user, today=today))
    if is_department_manager(user=user, today=today):
        where |= Q(school__isnull=True)
    return templates.filter(where)


def may_preview_template(
    *, user: User, template: CertificateTemplate, today: datetime.date | None = None
) -> bool:
    return templates_usable_by(user=user, today=today).filter(pk=template.pk).exists()


class CertificateTemplatePermissionPolicy(ModelPermissionPolicy):
    """Wagtail's model permissions, narrowed per template to its owner.

    The model-level answer (may this person change templates at all) stays
    Wagtail's; for one template, viewing and choosing need it to be usable
    (own school or library), changing and deleting need it to be editable.
    """

    def __init__(self):
        super().__init__(CertificateTemplate)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        if not self.user_has_any_permission(user, actions):
            return False
        return (
            self.instances_user_has_any_permission_for(user, actions)
            .filter(pk=instance.pk)
            .exists()
        )

    def instances_user_has_permission_for(self, user, action):
        return self.instances_user_has_any_permission_for(user, [action])

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return CertificateTemplate.objects.none()
        if set(actions) - {"change", "delete", "publish", "lock", "unlock"}:
            return templates_usable_by(user=user)
        return templates_editable_by(user=user)
