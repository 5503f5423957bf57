"""lms.sqlcache: a query's SQL compiled once per shape, reused with fresh
parameters exactly as the ORM would send them, or not at all."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from lms import sqlcache
from lms.people.models import SchoolYear
from tests.sqlcache_support import compiles, three_school_years

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_sqlcache")]

User = get_user_model()


@pytest.fixture
def people(db):
    names = ["a_b", "axb", "a%c", "ab%", "a\\b", "zz"]
    return {name: User.objects.create(username=name) for name in names}


def _by_name(values):
    return (
        User.objects.filter(username__startswith=values["start"])
        .exclude(username=values["not"])
        .filter(pk__in=values["ids"])
        .order_by("username")
        .values_list("username", flat=True)
    )


@pytest.mark.parametrize(
    ("start", "not_", "expected"),
    [
        ("a_", "zz", ["a_b"]),
        ("a%", "zz", ["a%c"]),
        ("a", "a%c", ["a\\b", "a_b", "ab%", "axb"]),
        ("a\\", "zz", ["a\\b"]),
        ("ab%", "zz", ["ab%"]),
    ],
)
def test_like_patterns_and_exact_strings_are_escaped_as_the_orm_does(
    people, start, not_, expected
):
    ids = [user.pk for user in people.values()]
    values = {"start": start, "not": not_, "ids": ids}
    orm = list(_by_name(values))
    assert orm == expected
    assert sqlcache.cached_rows("by name", _by_name, model=User, values=values) == orm
    again, compiled = compiles(
        lambda: sqlcache.cached_rows("by name", _by_name, model=User, values=values)
    )
    assert again == orm
    assert compiled == 0


def _years(values):
    return (
        SchoolYear.objects.filter(starts_on__lte=values["day"])
        .order_by("starts_on")
        .values_list("name", "starts_on")
    )


def test_dates_are_adapted_and_read_back_as_the_orm_does():
    three_school_years()
    for day in (datetime.date(2021, 9, 5), datetime.date(2023, 1, 1)):
        values = {"day": day}
        rows = sqlcache.cached_rows("years", _years, model=SchoolYear, values=values)
        assert rows == list(_years(values))
        assert all(isinstance(row[1], datetime.date) for row in rows)
    assert len(rows) == 3


def test_dates_from_a_frozen_clock_fit_a_shape_compiled_without_one_and_back():
    """Tests freeze time (freezegun) around code that reads today's date: a
    shape compiled before is used with the fake date, and the other way."""
    from freezegun import freeze_time

    SchoolYear.objects.create(
        name="2021-2022",
        starts_on=datetime.date(2021, 9, 5),
        ends_on=datetime.date(2022, 5, 31),
    )
    real = {"day": datetime.date(2022, 1, 1)}
    assert sqlcache.cached_rows("years", _years, model=SchoolYear, values=real)
    with freeze_time("2022-03-10"):
        frozen = {"day": timezone.localdate()}
        assert type(frozen["day"]) is not type(real["day"])  # freezegun's
        rows, compiled = compiles(
            lambda: sqlcache.cached_rows(
                "years", _years, model=SchoolYear, values=frozen
            )
        )
        assert rows == list(_years(frozen))
        assert compiled == 0
    sqlcache.clear()
    with freeze_time("2022-03-10"):
        frozen = {"day": timezone.localdate()}
        assert sqlcache.cached_rows("years", _years, model=SchoolYear, values=frozen)
    rows, compiled = compiles(
        lambda: sqlcache.cached_rows("years", _years, model=SchoolYear, values=real)
    )
    assert rows == list(_years(real))
    assert compiled == 0


def test_lists_of_another_length_are_another_shape(people):
    users = list(people.values())
    for count in (1, 3, 1, 6):
        values = {"start": "", "not": "", "ids": [u.pk for u in users[:count]]}
        rows = sqlcache.cached_rows("by name", _by_name, model=User, values=values)
        assert rows == list(_by_name(values))
        assert len(rows) == count


def _derived(values):
    # A parameter computed from an input: the template cannot map it back.
    return User.objects.filter(pk__gt=values["pk"] + 1).values_list("pk", flat=True)


def _inlined(values):
    return User.objects.extra(where=[f"id > {values['pk']}"]).values_list(  # noqa: S610
        "pk", flat=True
    )


def _not_values_list(values):
    return User.objects.filter(pk=values["pk"])


@pytest.mark.parametrize("build", [_derived, _inlined, _not_values_list])
def test_what_the_template_cannot_explain_runs_through_the_orm(people, build, caplog):
    first = min(user.pk for user in people.values())
    values = {"pk": first}
    rows = sqlcache.cached_rows(build.__name__, build, model=User, values=values)
    assert "run through the ORM" in caplog.text
    assert list(rows) == list(build(values))
    again, compiled = compiles(
        lambda: sqlcache.cached_rows(build.__name__, build, model=User, values=values)
    )
    assert list(again) == list(build(values))
    assert compiled > 0


def test_booleans_must_be_part_of_the_key():
    with pytest.raises(TypeError):
        sqlcache.cached_rows(
            "flag",
            lambda v: User.objects.filter(is_active=v["on"]).values_list("pk"),
            model=User,
            values={"on": True},
        )


def test_an_empty_list_is_answered_by_the_orm_without_a_warning(people, caplog):
    values = {"start": "a", "not": "zz", "ids": []}
    assert sqlcache.cached_rows("by name", _by_name, model=User, values=values) == []
    assert "run through the ORM" not in caplog.text
