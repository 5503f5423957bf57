"""Dump and load a whole database: pg_dump/pg_restore or SQLite's backup API.

Each engine answers the same questions: dump to a file (with the migrations
and row counts of exactly what was dumped), is the database empty, load a dump
(all or nothing), and what it holds now.
"""

import gzip
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump, pg_restore, psql with fixed arguments
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.db import connections
from django.db.backends.postgresql.client import DatabaseClient as PostgresClient

from .archive import DATABASE_FILES


class DatabaseRefused(Exception):
    """The database cannot be dumped or loaded; the message says why."""


@dataclass(frozen=True)
class DatabaseFacts:
    """What a database holds: applied migrations and rows per table."""

    migrations: list[tuple[str, str]]
    table_rows: dict[str, int]


SUPPORTED_VENDORS = tuple(DATABASE_FILES)


def database_vendor(*, alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in SUPPORTED_VENDORS:
        raise DatabaseRefused(
            f"Backups support PostgreSQL and SQLite, not {vendor!r} ({alias})."
        )
    return vendor


def database_is_empty(*, alias: str) -> bool:
    """True when the database has no tables at all (freshly created)."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def database_dump(*, alias: str, directory: Path) -> tuple[Path, DatabaseFacts]:
    """Dump the database into `directory`; the facts describe that very dump."""
    if database_vendor(alias=alias) == "postgresql":
        return _postgres_dump(alias=alias, directory=directory)
    return _sqlite_dump(alias=alias, directory=directory)


def database_load(*, alias: str, dump: Path, replace: bool) -> None:
    """Load `dump` into the database, dropping what is there first if `replace`.

    All or nothing: when loading fails the database is left as it was.
    """
    if database_vendor(alias=alias) == "postgresql":
        _postgres_load(alias=alias, dump=dump, replace=replace)
    else:
        _sqlite_load(alias=alias, dump=dump)


def database_facts(*, alias: str) -> DatabaseFacts:
    """Applied migrations and row counts of the database as it is now."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        tables = [
            info.name
            for info in connection.introspection.get_table_list(cursor)
            if info.type == "t"
        ]
        return _facts(cursor, tables, connection.ops.quote_name)


def _facts(cursor, tables: list[str], quote_name) -> DatabaseFacts:
    rows = {}
    # SQLite's own tables (sqlite_sequence, sqlite_stat1) are not data.
    for table in sorted(t for t in tables if not t.startswith("sqlite_")):
        cursor.execute(f"SELECT COUNT(*) FROM {quote_name(table)}")  # noqa: S608
        rows[table] = cursor.fetchone()[0]
    migrations = []
    if "django_migrations" in rows:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        migrations = [(app, name) for app, name in cursor.fetchall()]
    return DatabaseFacts(migrations=migrations, table_rows=rows)


# SQLite -------------------------------------------------------------------


def _sqlite_dump(*, alias: str, directory: Path) -> tuple[Path, DatabaseFacts]:
    connection = connections[alias]
    connection.ensure_connection()
    copy_path = directory / "database.sqlite3"
    copy = sqlite3.connect(copy_path)
    try:
        # The backup API copies a consistent snapshot, even of a live database.
        connection.connection.backup(copy)
        cursor = copy.cursor()
        cursor.execute(
            "SELECT name FROM sqlite_master "
            "WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        tables = [name for (name,) in cursor.fetchall()]
        facts = _facts(cursor, tables, connection.ops.quote_name)
    finally:
        copy.close()
    target = directory / DATABASE_FILES["sqlite"]
    with copy_path.open("rb") as source, gzip.open(target, "wb") as packed:
        shutil.copyfileobj(source, packed, 1024 * 1024)
    copy_path.unlink()
    return target, facts


def _sqlite_load(*, alias: str, dump: Path) -> None:
    connection = connections[alias]
    connection.ensure_connection()
    with tempfile.TemporaryDirectory(dir=dump.parent) as scratch:
        plain = Path(scratch) / "database.sqlite3"
        with gzip.open(dump, "rb") as packed, plain.open("wb") as target:
            shutil.copyfileobj(packed, target, 1024 * 1024)
        source = sqlite3.connect(plain)
        try:
            # Replaces the whole destination database in one step.
            source.backup(connection.connection)
        finally:
            source.close()


# PostgreSQL ---------------------------------------------------------------

_CLIENT_MISSING = (
    "%(program)s was not found. Install the PostgreSQL client programs of the "
    "server's major version or newer (Debian: postgresql-client)."
)


def _postgres_command(alias: str, program: str, *options: str) -> tuple[list, dict]:
    """A libpq program's arguments and environment for the alias's database."""
    executable = shutil.which(program)
    if executable is None:
        raise DatabaseRefused(_CLIENT_MISSING % {"program": program})
    settings_dict = connections[alias].settings_dict
    args, env = PostgresClient.settings_to_cmd_args_env(
        settings_dict, ["--no-password", *options]
    )
    return [executable, *args[1:]], {**os.environ, **(env or {})}


def _postgres_dump(*, alias: str, directory: Path) -> tuple[Path, DatabaseFacts]:
    target = directory / DATABASE_FILES["postgresql"]
    # A read-only transaction of our own exports its snapshot to pg_dump, so
    # the row counts and migrations in the manifest are those of the dump.
    snapshot_holder = connections[alias].copy()
    try:
        with snapshot_holder.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            tables = [
                info.name
                for info in snapshot_holder.introspection.get_table_list(cursor)
                if info.type == "t"
            ]
            facts = _facts(cursor, tables, snapshot_holder.ops.quote_name)
            args, env = _postgres_command(
                alias,
                "pg_dump",
                "--format=custom",
                f"--snapshot={snapshot}",
                f"--file={target}",
            )
            result = subprocess.run(  # noqa: S603
                args, env=env, capture_output=True, text=True, check=False
            )
            cursor.execute("ROLLBACK")
    finally:
        snapshot_holder.close()
    if result.returncode != 0:
        raise DatabaseRefused(f"pg_dump failed: {result.stderr.strip()}")
    return target, facts


# Drops every table, view and sequence that Django can see, so that loading
# an archive over a database that has more (newer) tables leaves none behind.
_POSTGRES_DROP_ALL = """
DO $lms_restore$
DECLARE
  item record;
BEGIN
  FOR item IN
    SELECT n.nspname AS schema_name, c.relname AS name,
           CASE c.relkind WHEN 'v' THEN 'VIEW'
                          WHEN 'm' THEN 'MATERIALIZED VIEW'
                          WHEN 'S' THEN 'SEQUENCE'
                          WHEN 'f' THEN 'FOREIGN TABLE'
                          ELSE 'TABLE' END AS kind
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
      AND n.nspname = ANY (current_schemas(false))
      AND NOT EXISTS (
        SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e'
      )
    ORDER BY CASE c.relkind WHEN 'S' THEN 1 ELSE 0 END
  LOOP
    EXECUTE format(
      'DROP %s IF EXISTS %I.%I CASCADE', item.kind, item.schema_name, item.name
    );
  END LOOP;
END
$lms_restore$;
"""


def _postgres_load(*, alias: str, dump: Path, replace: bool) -> None:
    # Our own idle connection must not hold locks the restore waits for.
    connections[alias].close()
    pg_restore = shutil.which("pg_restore")
    if pg_restore is None:
        raise DatabaseRefused(_CLIENT_MISSING % {"program": "pg_restore"})
    # Without a database to connect to, pg_restore only turns the dump into
    # SQL; psql runs that in one transaction committed only after pg_restore
    # succeeded, so a failure anywhere changes nothing.
    restore_args = [pg_restore, "--no-owner", "--no-privileges", "--file=-", str(dump)]
    psql_args, psql_env = _postgres_command(
        alias, "psql", "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1"
    )
    with tempfile.TemporaryFile() as restore_err, tempfile.TemporaryFile() as psql_out:
        psql = subprocess.Popen(  # noqa: S603
            psql_args,
            stdin=subprocess.PIPE,
            stdout=psql_out,
            stderr=subprocess.STDOUT,
            env=psql_env,
        )
        restore = subprocess.Popen(  # noqa: S603
            restore_args,
            stdout=subprocess.PIPE,
            stderr=restore_err,
        )
        broken = False
        try:
            psql.stdin.write(b"BEGIN;\n")
            if replace:
                psql.stdin.write(_POSTGRES_DROP_ALL.encode())
            while chunk := restore.stdout.read(1024 * 1024):
                psql.stdin.write(chunk)
        except BrokenPipeError:
            broken = True  # psql stopped at an error; its output says which.
            restore.kill()
        restore.wait()
        if restore.returncode == 0 and not broken:
            try:
                psql.stdin.write(b"COMMIT;\n")
            except BrokenPipeError:
                broken = True
        # Closing without COMMIT ends psql's session and rolls everything back.
        try:
            psql.stdin.close()
        except BrokenPipeError:
            broken = True
        psql.wait()
        restore_err.seek(0)
        psql_out.seek(0)
        if restore.returncode != 0 and not broken:
            message = restore_err.read().decode(errors="replace").strip()
            raise DatabaseRefused(f"pg_restore failed: {message}")
        if psql.returncode != 0 or broken:
            message = psql_out.read().decode(errors="replace").strip()
            raise DatabaseRefused(f"Loading the dump failed: {message}")
    with connections[alias].cursor() as cursor:
        # Fresh planner statistics; pg_restore leaves none.
        cursor.execute("ANALYZE")
