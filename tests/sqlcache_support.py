"""For the tests of compiled-once SQL (lms.sqlcache): counting how many
queries the ORM compiles. Their cache is emptied around each test by the
`fresh_sqlcache` fixture (tests/conftest.py)."""

import datetime
from unittest import mock

from django.db.models.sql.compiler import SQLCompiler


def compiles(fn):
    """`fn()` and how many times the ORM compiled a query during it."""
    compile_ = SQLCompiler.as_sql
    with mock.patch.object(
        SQLCompiler, "as_sql", autospec=True, side_effect=compile_
    ) as as_sql:
        result = fn()
    return result, as_sql.call_count


def three_school_years() -> None:
    """School years 2020-2021 to 2022-2023, each from 5 September to 31 May."""
    from lms.people.models import SchoolYear

    for year in (2020, 2021, 2022):
        SchoolYear.objects.create(
            name=f"{year}-{year + 1}",
            starts_on=datetime.date(year, 9, 5),
            ends_on=datetime.date(year + 1, 5, 31),
        )
