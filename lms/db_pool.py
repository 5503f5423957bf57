"""Django's PostgreSQL connection pool as a deployment switch (`DB_POOL`).

Django 5.1+ keeps a pool of connections in each process when a PostgreSQL
database has `OPTIONS["pool"]`; it needs psycopg 3 with psycopg_pool (the
`pool` extra). A site on psycopg2 (the `production` extra) never sets
`DB_POOL` and is left exactly as it was.
"""

import importlib.util
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

OFF = {"", "0", "false", "no", "off"}


def _size(environ: Mapping[str, str], name: str, default: int) -> int:
    value = environ.get(name, "").strip() or str(default)
    if not value.isdigit() or int(value) < 1:
        raise ImproperlyConfigured(f"{name} must be a whole number of at least 1.")
    return int(value)


def with_connection_pool(database: dict, environ: Mapping[str, str]) -> dict:
    """`database` (a DATABASES entry) with Django's pool when `DB_POOL` is on.

    `DB_POOL_MIN_SIZE` (1) and `DB_POOL_MAX_SIZE` (4) are per process. A pool
    replaces persistent connections, so `CONN_MAX_AGE` becomes 0 (Django
    refuses both at once). Fails at start-up, not at the first request, when
    the database is not PostgreSQL or psycopg 3's pool is not installed.
    """
    if environ.get("DB_POOL", "").strip().lower() in OFF:
        return database
    if "postgresql" not in database.get("ENGINE", ""):
        raise ImproperlyConfigured("DB_POOL needs a PostgreSQL DATABASE_URL.")
    if not (
        importlib.util.find_spec("psycopg") and importlib.util.find_spec("psycopg_pool")
    ):
        raise ImproperlyConfigured(
            "DB_POOL needs psycopg 3 and its pool: pip install -e '.[pool]' "
            "(psycopg2 has no pool in Django)."
        )
    min_size = _size(environ, "DB_POOL_MIN_SIZE", 1)
    max_size = _size(environ, "DB_POOL_MAX_SIZE", max(4, min_size))
    if max_size < min_size:
        raise ImproperlyConfigured("DB_POOL_MAX_SIZE is below DB_POOL_MIN_SIZE.")
    options = {
        **database.get("OPTIONS", {}),
        "pool": {"min_size": min_size, "max_size": max_size},
    }
    return {**database, "CONN_MAX_AGE": 0, "OPTIONS": options}
