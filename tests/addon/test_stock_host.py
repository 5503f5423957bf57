"""`manage.py check` on a `wagtail start` site with the README's lines."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def manage_check(tmp_path, **env_extra) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.addon.stock_host.settings",
        LMS_STOCK_HOST_DIR=str(tmp_path),
        **env_extra,
    )
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", "check", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_three_lines_and_site_url_pass_the_checks(tmp_path):
    result = manage_check(tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.slow
def test_a_missing_include_and_site_url_are_named_by_the_checks(tmp_path):
    result = manage_check(
        tmp_path,
        LMS_STOCK_HOST_URLS="tests.addon.urls_missing",
        LMS_STOCK_HOST_SITE_URL="",
    )

    assert result.returncode != 0
    assert "lms.E001" in result.stderr and "LMS_SITE_URL" in result.stderr
    assert "lms.E002" in result.stderr
    assert 'include("lms.addon.urls")' in result.stderr
