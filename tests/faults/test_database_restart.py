"""A real PostgreSQL restart during autosaves, on a private server.

Starts its own PostgreSQL cluster (initdb in a temporary folder, a free port on
127.0.0.1) and runs pg_restart_scenario.py against it in a subprocess, which
restarts that server while holding a connection. The shared test server is
never touched. Skipped when PostgreSQL's programs are not installed or the
private server cannot start.
"""

import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def _pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if found:
        return found[-1].parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def private_postgres():
    """(DATABASE_URL, restart command) of a throw-away PostgreSQL server."""
    bin_dir = _pg_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL's programs (initdb, pg_ctl) are not installed")
    as_user: list[str] = []
    owner = None
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no postgres user")
        as_user = ["runuser", "-u", "postgres", "--"]
    data = Path(tempfile.mkdtemp(prefix="pg-fdb-restart-", dir="/tmp"))
    if owner is not None:
        os.chown(data, owner.pw_uid, owner.pw_gid)
    port = _free_port()
    pg_ctl = [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-t", "60"]

    def run(command):
        return subprocess.run(  # noqa: S603
            command, capture_output=True, text=True, timeout=120
        )

    initdb = run(
        [
            *as_user,
            str(bin_dir / "initdb"),
            "-D",
            str(data),
            "-U",
            "lms",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        ]
    )
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off"
    # With a log file, or the server would keep the caller's output open.
    pg_ctl += ["-l", str(data / "server.log")]
    started = (
        run([*pg_ctl, "-o", options, "start"]) if initdb.returncode == 0 else initdb
    )
    if started.returncode != 0:
        shutil.rmtree(data, ignore_errors=True)
        pytest.skip(f"could not start a private PostgreSQL: {started.stderr[-300:]}")
    try:
        yield (
            f"postgres://lms@127.0.0.1:{port}/lms",
            [*pg_ctl, "-m", "fast", "restart"],
        )
    finally:
        run([*pg_ctl, "-m", "immediate", "stop"])
        shutil.rmtree(data, ignore_errors=True)


def test_autosaves_survive_a_postgresql_restart_and_requests_recover(
    private_postgres,
):
    url, restart = private_postgres
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "PYTEST_", "LMS_PROCESS"))
    }
    env.update(DATABASE_URL=url, LMS_TEST_PG_RESTART=json.dumps(restart))
    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/faults/pg_restart_scenario.py",
            "-p",
            "no:cacheprovider",
            "-n",
            "0",
            "-q",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "1 passed" in result.stdout, result.stdout[-2000:]
