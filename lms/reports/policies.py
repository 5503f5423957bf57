"""Who may read which training reports.

Reports are reading: a role held in a school year keeps that year's reports
readable after the year ends, and gives nothing for the years after it. The
figures themselves are limited by `lms.people.selectors.members_in_scope`'s
rule (`visible_membership_scope`), which already follows the year chosen;
this module answers "may this person open the reports at all", "which
schools may they filter on" and "may they have this school's annual report
for that year".
"""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from lms.people.models import Membership, Role, School, SchoolYear

User = get_user_model()

REPORT_ROLES = [Role.HOMEROOM_TEACHER, Role.SCHOOL_ADMIN, Role.DEPARTMENT_OFFICER]
# The annual implementation report is the school's, signed by its head.
ANNUAL_REPORT_ROLES = [Role.SCHOOL_ADMIN, Role.DEPARTMENT_OFFICER]


def _is_superuser(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def _reading_memberships(user: User, roles: list[str]) -> QuerySet[Membership]:
    if not user.is_authenticated or not user.is_active:
        return Membership.objects.none()
    return Membership.objects.filter(user=user, role__in=roles)


def may_view_reports(*, user: User) -> bool:
    """Homeroom teachers, school admins and officers of any year; superusers."""
    if _is_superuser(user):
        return True
    return _reading_memberships(user, REPORT_ROLES).exists()


def request_may_view_reports(request) -> bool:
    """`may_view_reports`, asked once per request (the admin menu asks it too)."""
    if not hasattr(request, "_lms_may_view_reports"):
        request._lms_may_view_reports = may_view_reports(user=request.user)
    return request._lms_may_view_reports


def _schools_of(memberships: QuerySet[Membership]) -> Q:
    return Q(pk__in=memberships.values("school_id")) | Q(
        department_id__in=memberships.filter(role=Role.DEPARTMENT_OFFICER).values(
            "department_id"
        )
    )


def report_schools(*, viewer: User) -> QuerySet[School]:
    """Schools whose figures `viewer` may filter on, in any year they held a role."""
    schools = School.objects.all()
    if _is_superuser(viewer):
        return schools
    return schools.filter(_schools_of(_reading_memberships(viewer, REPORT_ROLES)))


def annual_report_schools(*, viewer: User) -> QuerySet[School]:
    """Schools whose annual report `viewer` may have, for some year."""
    schools = School.objects.all()
    if _is_superuser(viewer):
        return schools
    return schools.filter(
        _schools_of(_reading_memberships(viewer, ANNUAL_REPORT_ROLES))
    )


def may_read_annual_report(
    *, viewer: User, school: School, school_year: SchoolYear
) -> bool:
    """School admins of `school` and officers of its Department, in that year.

    Lapsed or not: last year's admin keeps last year's report, and gets
    nothing for the years they held no role in.
    """
    if _is_superuser(viewer):
        return True
    memberships = _reading_memberships(viewer, ANNUAL_REPORT_ROLES).filter(
        school_year=school_year
    )
    return memberships.filter(
        Q(role=Role.SCHOOL_ADMIN, school=school)
        | Q(role=Role.DEPARTMENT_OFFICER, department_id=school.department_id)
    ).exists()
