"""What `pip install` gets: the wheel and sdist hold every file of our packages.

The packages are built from a copy of the files git tracks (as from a clone),
so a file that exists only in this working tree cannot make the test pass.
"""

import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("lms", "courses", "quizzes", "certificates")
# The standalone site's shell scripts: run from a clone, never from a wheel.
NOT_SHIPPED = ("lms/scripts/",)
# Imported only by deployment settings or tools: the [production] extra.
PRODUCTION_ONLY = (
    "gunicorn",
    "psycopg2",
    "django_tasks_rq",
    "django_rq",
    "rq",
    "redis",
)


def _tracked_package_files() -> set[str]:
    result = subprocess.run(  # noqa: S603 - fixed arguments
        ["git", "ls-files", "-z", "--", *PACKAGES],  # noqa: S607 - git on PATH
        cwd=ROOT,
        capture_output=True,
        check=True,
    )
    names = {name for name in result.stdout.decode().split("\0") if name}
    return {
        name
        for name in names
        if not name.startswith(NOT_SHIPPED) and (ROOT / name).exists()
    }


def _build(kind: str, source: Path, out: Path) -> Path:
    """Build with setuptools' PEP 517 hooks in a child process."""
    code = (
        "import sys; from setuptools import build_meta as b; "
        f"print(b.build_{kind}(sys.argv[1]))"
    )
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", code, str(out)],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out / result.stdout.strip().splitlines()[-1]


def _can_build_wheels() -> bool:
    # bdist_wheel lives in setuptools from 70.1, before that in `wheel`.
    try:
        import setuptools.command.bdist_wheel  # noqa: F401
    except ImportError:
        try:
            import wheel.bdist_wheel  # noqa: F401
        except ImportError:
            return False
    return True


@pytest.fixture(scope="module")
def tracked():
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    return _tracked_package_files()


@pytest.fixture(scope="module")
def clone(tmp_path_factory, tracked):
    """The files git tracks, copied to a fresh directory."""
    source = tmp_path_factory.mktemp("clone")
    listed = subprocess.run(  # noqa: S603 - fixed arguments
        ["git", "ls-files", "-z"],  # noqa: S607 - git on PATH
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    return source


@pytest.fixture(scope="module")
def wheel_files(clone, tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    if _can_build_wheels():
        with zipfile.ZipFile(_build("wheel", clone, out)) as wheel:
            return {name for name in wheel.namelist() if ".dist-info/" not in name}
    # An old setuptools without bdist_wheel (bootstrap.sh installs a newer one
    # with the dev extra): a wheel is exactly build_py's output plus metadata.
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [
            sys.executable,
            "-c",
            "import setuptools; setuptools.setup()",
            "build_py",
            "--build-lib",
            str(out),
        ],
        cwd=clone,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return {
        path.relative_to(out).as_posix() for path in out.rglob("*") if path.is_file()
    }


@pytest.fixture(scope="module")
def sdist_files(clone, tmp_path_factory):
    archive = _build("sdist", clone, tmp_path_factory.mktemp("sdist"))
    with tarfile.open(archive) as sdist:
        names = [member.name for member in sdist.getmembers() if member.isfile()]
    # Drop the leading "wagtail_lms_vn-0.1.0/".
    return {name.split("/", 1)[1] for name in names}


@pytest.mark.slow
def test_wheel_holds_every_tracked_file_of_our_packages(tracked, wheel_files):
    missing = sorted(tracked - wheel_files)
    assert not missing, f"{len(missing)} files not in the wheel: {missing[:20]}"
    kinds = {Path(name).suffix for name in wheel_files}
    assert {".html", ".css", ".js", ".mo", ".po", ".ttf", ".yaml", ".xml"} <= kinds


@pytest.mark.slow
def test_wheel_holds_nothing_but_our_packages(tracked, wheel_files):
    tops = {name.split("/", 1)[0] for name in wheel_files}
    assert tops == set(PACKAGES)
    assert not [name for name in wheel_files if name.startswith(NOT_SHIPPED)]


@pytest.mark.slow
def test_sdist_holds_every_tracked_file_of_our_packages(tracked, sdist_files):
    missing = sorted(tracked - sdist_files)
    assert not missing, f"{len(missing)} files not in the sdist: {missing[:20]}"
    assert {"pyproject.toml", "README.md"} <= sdist_files


def test_admin_template_overrides_come_from_an_app_directory():
    # A host site has no DIRS of ours: the CSP-safe panel templates must be
    # found through our app, ahead of wagtail.admin's own.
    from django.template.loader import get_template

    for name in ("inline_panel", "multiple_chooser_panel"):
        origin = get_template(f"wagtailadmin/panels/{name}.html").origin.name
        assert Path(origin).is_relative_to(ROOT / "lms" / "people" / "templates")


def test_project_directories_hold_no_admin_overrides():
    assert not (ROOT / "templates" / "wagtailadmin").exists()


@pytest.mark.slow
def test_our_modules_import_without_the_production_extra(tmp_path):
    # Every module a host imports (settings modules aside) loads with the
    # [production] packages missing. `lms.task_backends` is the RQ backend
    # itself: only settings that name it (with the extra) import it.
    script = tmp_path / "import_all.py"
    script.write_text(
        f"""
import importlib, pkgutil, sys

BLOCKED = {PRODUCTION_ONLY!r}


class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError("blocked: " + name)


sys.meta_path.insert(0, Block())
import django

django.setup()
for package in {PACKAGES!r}:
    module = importlib.import_module(package)
    for info in pkgutil.walk_packages(module.__path__, package + "."):
        if info.name.startswith(("lms.settings", "lms.scripts", "lms.task_backends")):
            continue
        importlib.import_module(info.name)
print("IMPORTED")
"""
    )
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="lms.settings.test")
    env["PYTHONPATH"] = str(ROOT)
    # A host without the extra has no PostgreSQL driver either: SQLite here,
    # even when this suite itself runs on PostgreSQL.
    env.pop("DATABASE_URL", None)
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, str(script)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "IMPORTED" in result.stdout


def test_the_lms_package_holds_no_ci_programs():
    # CI's steps with real servers live in tests/ci/; lms/scripts/ keeps only
    # the README's run, test, bootstrap, server and bench commands.
    scripts = ROOT / "lms" / "scripts"
    assert sorted(p.name for p in scripts.glob("ci_*")) == []
    assert sorted(p.name for p in scripts.glob("*.py")) == []
    assert sorted(p.name for p in (ROOT / "tests" / "ci").glob("ci_*.sh")) == [
        "ci_addon.sh",
        "ci_faults.sh",
        "ci_multiprocess.sh",
        "ci_queue.sh",
    ]
