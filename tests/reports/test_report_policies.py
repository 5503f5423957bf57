"""Reports follow the school year: a lapsed role reads its own year only."""

import pytest
from django.urls import reverse

from lms.people.models import Role
from lms.reports import policies
from tests.people.factories import (
    MembershipFactory,
    SchoolClassFactory,
    SchoolFactory,
    SchoolYearFactory,
    UserFactory,
    previous_school_year_name,
)

pytestmark = pytest.mark.django_db

ANNUAL = reverse("lms_reports:annual")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def years():
    now = SchoolYearFactory()
    last = SchoolYearFactory(name=previous_school_year_name(now))
    return now, last


@pytest.fixture
def lapsed_admin(years):
    _now, last = years
    school = SchoolFactory(code="AL")
    admin = UserFactory(username="qt_cu")
    MembershipFactory(
        user=admin, role=Role.SCHOOL_ADMIN, school=school, school_class=None,
        school_year=last,
    )  # fmt: skip
    return admin, school


def test_lapsed_school_admin_reads_last_years_annual_report(
    client, years, lapsed_admin
):
    now, last = years
    admin, school = lapsed_admin
    client.force_login(admin)
    response = client.get(
        ANNUAL, {"school": school.pk, "school_year": last.pk, "format": "xlsx"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX


def test_lapsed_school_admin_gets_no_annual_report_for_this_year(
    client, years, lapsed_admin
):
    now, _last = years
    admin, school = lapsed_admin
    client.force_login(admin)
    response = client.get(
        ANNUAL, {"school": school.pk, "school_year": now.pk, "format": "xlsx"}
    )
    assert response["Content-Type"].startswith("text/html")
    assert "school_year" in response.context["form"].errors


def test_lapsed_homeroom_teacher_keeps_reports_of_their_year(years):
    now, last = years
    school = SchoolFactory(code="AL")
    old_class = SchoolClassFactory(school=school, school_year=last, name="10A1")
    teacher = UserFactory(username="gvcn_cu")
    MembershipFactory(user=teacher, role=Role.HOMEROOM_TEACHER, school_class=old_class)
    assert policies.may_view_reports(user=teacher)
    assert list(policies.report_schools(viewer=teacher)) == [school]
    assert not policies.may_read_annual_report(
        viewer=teacher, school=school, school_year=last
    )


def test_a_teacher_without_a_report_role_sees_no_reports(client, years):
    now, _last = years
    teacher = MembershipFactory(
        user=UserFactory(username="gv"),
        role=Role.TEACHER,
        school=SchoolFactory(code="AL"),
        school_class=None,
        school_year=now,
    ).user
    client.force_login(teacher)
    assert not policies.may_view_reports(user=teacher)
    assert client.get(reverse("lms_reports:completion")).status_code in (302, 403)
