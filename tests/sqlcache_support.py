"""For the tests of compiled-once SQL (lms.sqlcache): counting how many
queries the ORM compiles. Their cache is emptied around each test by the
`fresh_sqlcache` fixture (tests/conftest.py)."""

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
