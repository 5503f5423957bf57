"""lms.sqlcache on PostgreSQL: a compiled-once query runs as a prepared
statement of the connection (planned once), prepared in the round trip of
its first EXECUTE, with the rows the ORM reads; never when switched off, and
never a statement PostgreSQL has not taken once outside a transaction."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from lms import sqlcache
from lms.people.models import SchoolYear
from tests.sqlcache_support import three_school_years

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_sqlcache"),
]

User = get_user_model()


def _years(values):
    return (
        SchoolYear.objects.filter(
            starts_on__lte=values["day"], name__gt=values["after"]
        )
        .order_by("starts_on")
        .values_list("name", "starts_on", "ends_on")
    )


def _users(values):
    # True is a parameter too (a constant of the shape).
    return User.objects.filter(
        is_active=True, date_joined__lt=values["before"], username__in=values["names"]
    ).order_by("username")


@pytest.fixture(autouse=True)
def nothing_prepared():
    sqlcache.forget_prepared_statements()


@pytest.fixture
def years():
    three_school_years()


def _prepared() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


def _run(values, *, build=_years, queries=1):
    with CaptureQueriesContext(connection) as sent:
        rows = sqlcache.cached_rows(
            build.__name__, build, model=SchoolYear, values=values
        )
    assert len(sent) == queries  # preparing costs no query of its own
    return rows, sent[-1]["sql"]


def _years_ending(values):
    """Another statement, never run before in this process."""
    return (
        SchoolYear.objects.filter(ends_on__gte=values["day"], name__gt=values["after"])
        .order_by("ends_on")
        .values_list("name", flat=True)
    )


def test_a_cached_query_is_prepared_once_then_executed_with_the_orms_rows(years):
    values = {"day": datetime.date(2021, 12, 1), "after": "2000"}
    first, sql = _run(values)
    assert sql.startswith("PREPARE lms_sqlcache_")
    name = sql.split()[1]
    assert name in _prepared()
    for day in (datetime.date(2021, 12, 1), datetime.date(2023, 1, 1)):
        values = {"day": day, "after": "2000"}
        rows, sql = _run(values)
        assert sql.startswith(f"EXECUTE {name}(")
        assert rows == list(_years(values))
    assert first == list(_years({"day": datetime.date(2021, 12, 1), "after": "2000"}))
    assert len(rows) == 3


def test_instances_with_booleans_and_datetimes_are_the_orms(django_user_model):
    for name in ("an", "binh", "chi"):
        django_user_model.objects.create(username=name, is_active=name != "binh")
    values = {
        "names": ["an", "binh", "chi"],
        "before": datetime.datetime.now(datetime.UTC),
    }
    for _ in range(3):
        with CaptureQueriesContext(connection) as sent:
            users = sqlcache.cached_instances(
                "prepared users", _users, model=User, values=values
            )
        assert [u.username for u in users] == ["an", "chi"]
        assert [u.date_joined for u in users] == [u.date_joined for u in _users(values)]
    assert sent[0]["sql"].startswith("EXECUTE lms_sqlcache_")


def test_not_tried_first_inside_a_transaction(years):
    values = {"day": datetime.date(2021, 12, 1), "after": "2000"}
    with transaction.atomic():
        rows, sql = _run(values, build=_years_ending)
    assert sql.startswith("SELECT")  # a refusal there would abort the transaction
    assert rows == list(_years_ending(values))
    rows, sql = _run(values, build=_years_ending)
    assert sql.startswith("PREPARE")
    values = {"day": datetime.date(2022, 12, 1), "after": "2000"}
    with transaction.atomic():
        rows, sql = _run(values, build=_years_ending)
    assert sql.startswith("EXECUTE")
    assert rows == list(_years_ending(values)) == ["2022-2023"]


def test_a_statement_postgresql_refuses_runs_as_plain_sql(years, monkeypatch, caplog):
    monkeypatch.setattr(sqlcache, "_param_type", lambda value: "no_such_type")
    values = {"day": datetime.date(2021, 12, 1), "after": "2000 refused"}
    rows, sql = _run(values, queries=2)  # refused, then the plain SQL
    assert rows == list(_years(values))
    assert "is not prepared" in caplog.text
    rows, sql = _run(values)
    assert sql.startswith("SELECT")
    assert rows == list(_years(values))


def test_switched_off(years, settings):
    settings.LMS_SQLCACHE_PREPARED_STATEMENTS = False
    values = {"day": datetime.date(2021, 12, 1), "after": "2000"}
    for _ in range(2):
        rows, sql = _run(values)
        assert sql.startswith("SELECT")
    assert rows == list(_years(values))


def test_migrations_drop_the_prepared_statements(years):
    values = {"day": datetime.date(2021, 12, 1), "after": "2000"}
    _run(values)
    assert _prepared()
    sqlcache.forget_prepared_statements()
    assert not _prepared()
    rows, sql = _run(values)
    assert sql.startswith("PREPARE")  # prepared again on this connection
    assert rows == list(_years(values))
