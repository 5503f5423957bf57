"""Report pages cost the same number of queries for 2 classes as for 6."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.services import course_open, lesson_complete
from lms.people.models import Role
from tests.people.factories import MembershipFactory, SchoolClassFactory, UserFactory

from .conftest import attempt

pytestmark = pytest.mark.django_db

# Each page's queries as measured (2026-12-06) on PostgreSQL, where
# `reporting_session` adds three (BEGIN, its settings, COMMIT) that SQLite
# does without: each budget is the page's own count, so one query more fails.
# The pages (not the downloads) lost four or five on 2026-12-06: the filter
# choices are read once per form and validated from those rows, the course
# choices are the report's own course list, and the admin menu reads a
# manager's memberships once (lms.people.policies._manager_memberships).
# The completion page lost one more (issue 19): its tables name the classes
# from the filter form's class choices.
PAGES = [
    (reverse("lms_reports:completion"), {}, 29),
    (reverse("lms_reports:learners"), {}, 32),
    (reverse("lms_reports:department"), {"sort": "-percent"}, 28),
    (
        reverse("lms_reports:completion"),
        {"export": "xlsx", "table": "course_class"},
        23,
    ),
    (reverse("lms_reports:learners"), {"export": "csv", "table": "learners"}, 23),
]
ANNUAL_BUDGET = 27
DEPARTMENT_BUDGET = 28


def budget(queries: int) -> int:
    """A page's measured PostgreSQL count, on the database the tests run on."""
    return queries if connection.vendor == "postgresql" else queries - 3


def add_classes(world, count: int, start: int):
    course = world.courses["K1"]
    lesson = world.lessons["K1"][0]
    for index in range(start, start + count):
        school_class = SchoolClassFactory(
            school=world.schools["A"], school_year=world.year, name=f"11B{index}"
        )
        for number in range(3):
            user = UserFactory(username=f"q{index}-{number}")
            MembershipFactory(user=user, role=Role.STUDENT, school_class=school_class)
            course_open(user=user, course=course)
            if number:
                lesson_complete(user=user, lesson=lesson, course=course)
                attempt(user, course, "75.00")


def count_queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(("url", "params", "queries"), PAGES)
def test_query_count_does_not_grow_with_classes_or_learners(
    client, world, url, params, queries, django_assert_max_num_queries
):
    client.force_login(world.people["qt"])
    client.get(url, params)  # warm per-process caches (site root, content types)
    add_classes(world, 2, start=0)
    few = count_queries(client, url, params)
    add_classes(world, 4, start=2)
    with django_assert_max_num_queries(budget(queries)):
        many = count_queries(client, url, params)
    assert many == few


def test_annual_report_query_count_does_not_grow_with_classes(
    client, world, django_assert_max_num_queries
):
    url = reverse("lms_reports:annual")
    params = {
        "school": world.schools["A"].pk,
        "school_year": world.year.pk,
        "format": "xlsx",
    }
    client.force_login(world.people["qt"])
    client.get(url, params)
    add_classes(world, 2, start=0)
    few = count_queries(client, url, params)
    add_classes(world, 4, start=2)
    with django_assert_max_num_queries(budget(ANNUAL_BUDGET)):
        many = count_queries(client, url, params)
    assert many == few


def test_department_rollup_query_count_does_not_grow_with_schools(
    client, world, django_assert_max_num_queries
):
    from tests.people.factories import SchoolFactory

    url = reverse("lms_reports:department")
    client.force_login(world.people["so"])
    client.get(url)
    few = count_queries(client, url, {})
    department = world.schools["A"].department
    for index in range(4):
        school = SchoolFactory(department=department, name=f"Trường mới {index}")
        school_class = SchoolClassFactory(
            school=school, school_year=world.year, name="10X"
        )
        MembershipFactory(
            user=UserFactory(username=f"new{index}"),
            role=Role.STUDENT,
            school_class=school_class,
        )
    with django_assert_max_num_queries(budget(DEPARTMENT_BUDGET)):
        many = count_queries(client, url, {})
    assert many == few


def test_learner_report_works_out_standings_for_the_rows_shown_only(
    client, world, monkeypatch
):
    from lms.people.models import Membership
    from lms.reports.views import LearnerReportView

    monkeypatch.setattr(LearnerReportView, "per_page", 2)
    loaded = []
    from_db = Membership.from_db.__func__

    def counting_from_db(cls, *args, **kwargs):
        if cls is Membership:
            loaded.append(1)
        return from_db(cls, *args, **kwargs)

    monkeypatch.setattr(Membership, "from_db", classmethod(counting_from_db))
    url = reverse("lms_reports:learners")
    client.force_login(world.people["qt"])
    client.get(url)

    def measure(page: int) -> tuple[int, int]:
        loaded.clear()
        queries = count_queries(client, url, {"p": page})
        return queries, len(loaded)

    add_classes(world, 1, start=0)
    few = measure(2)
    add_classes(world, 6, start=1)
    many = measure(2)
    # The same queries and the same memberships read for 12 learners as for 27.
    assert many == few
    html = client.get(url, {"p": 3}).content.decode()
    body = html.split('class="lms-report-table"', 1)[1].split("<tbody>", 1)[1]
    assert body.split("</tbody>", 1)[0].count("<tr>") == 2
    assert "Trang 3/15" in html  # 9 people and 7 classes of 3, by 2
