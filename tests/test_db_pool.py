"""DB_POOL: Django's PostgreSQL pool switched on from the environment."""

import importlib.util

import pytest
from django.core.exceptions import ImproperlyConfigured

from lms.db_pool import with_connection_pool

POSTGRES = {
    "ENGINE": "django.db.backends.postgresql",
    "NAME": "lms",
    "CONN_MAX_AGE": 60,
    "OPTIONS": {"options": "-c statement_timeout=30000"},
}


@pytest.fixture
def psycopg3_installed(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *args: object() if name.startswith("psycopg") else real(name),
    )


@pytest.mark.parametrize("value", [None, "", "0", "false", "off"])
def test_without_db_pool_the_database_is_unchanged(value):
    environ = {} if value is None else {"DB_POOL": value}
    assert with_connection_pool(POSTGRES, environ) is POSTGRES


def test_db_pool_turns_on_a_small_pool_and_drops_persistent_connections(
    psycopg3_installed,
):
    database = with_connection_pool(POSTGRES, {"DB_POOL": "1"})
    assert database["OPTIONS"] == {
        "options": "-c statement_timeout=30000",
        "pool": {"min_size": 1, "max_size": 4},
    }
    assert database["CONN_MAX_AGE"] == 0
    assert POSTGRES["CONN_MAX_AGE"] == 60  # the entry given is not changed


def test_db_pool_sizes_come_from_the_environment(psycopg3_installed):
    environ = {"DB_POOL": "true", "DB_POOL_MIN_SIZE": "2", "DB_POOL_MAX_SIZE": "8"}
    database = with_connection_pool(POSTGRES, environ)
    assert database["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 8}


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"DB_POOL_MAX_SIZE": "many"}, "DB_POOL_MAX_SIZE must be a whole number"),
        ({"DB_POOL_MIN_SIZE": "0"}, "DB_POOL_MIN_SIZE must be a whole number"),
        ({"DB_POOL_MIN_SIZE": "6", "DB_POOL_MAX_SIZE": "2"}, "below DB_POOL_MIN"),
    ],
)
def test_bad_pool_sizes_stop_start_up(psycopg3_installed, environ, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        with_connection_pool(POSTGRES, {"DB_POOL": "1", **environ})


def test_db_pool_without_psycopg3_stops_start_up(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *args: None)
    with pytest.raises(ImproperlyConfigured, match=r"psycopg 3.*\.\[pool\]"):
        with_connection_pool(POSTGRES, {"DB_POOL": "1"})


def test_db_pool_needs_postgresql(psycopg3_installed):
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}
    with pytest.raises(ImproperlyConfigured, match="PostgreSQL"):
        with_connection_pool(sqlite, {"DB_POOL": "1"})


def test_settings_read_db_pool_from_the_environment(monkeypatch, psycopg3_installed):
    """The settings module applies the switch to its databases."""
    import importlib

    import lms.settings.base as base

    monkeypatch.setenv("DATABASE_URL", "postgres://lms:secret@db:5432/lms")
    monkeypatch.setenv("DB_CONN_MAX_AGE", "60")
    monkeypatch.setenv("DB_POOL", "1")
    try:
        reloaded = importlib.reload(base)
        assert reloaded.DATABASES["default"]["OPTIONS"]["pool"]["max_size"] == 4
        assert reloaded.DATABASES["default"]["CONN_MAX_AGE"] == 0
    finally:
        monkeypatch.undo()
        importlib.reload(base)
