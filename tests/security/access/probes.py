"""What a request changed: the tables it wrote to.

Every statement the request sends to the database is captured; a write
(INSERT, UPDATE, DELETE) to any table but the bookkeeping ones below counts
as a change. Stricter and much cheaper than comparing table contents: it
catches writes to tables no one thought of listing.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

from django.db import connection
from django.test.utils import CaptureQueriesContext

# Writes that record the visit, not a change to anyone's data.
BOOKKEEPING = {
    "django_session",
    "wagtailusers_userprofile",
    "wagtailadmin_editingsession",
    "axes_accessattempt",
    "axes_accessfailurelog",
    "axes_accesslog",
}
WRITE = re.compile(
    # SQLite adds many-to-many rows with INSERT OR IGNORE.
    r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(?P<table>[\w.]+)"?',
    re.IGNORECASE,
)


def written_tables(queries) -> list[str]:
    tables = []
    for query in queries:
        match = WRITE.match(query["sql"])
        if match and match["table"] not in BOOKKEEPING:
            tables.append(match["table"])
    return sorted(set(tables))


@contextmanager
def writes():
    """Collect the tables written inside the block into the yielded list."""
    found: list[str] = []
    with CaptureQueriesContext(connection) as captured:
        yield found
    found.extend(written_tables(captured.captured_queries))
