"""Our apps inside a host Wagtail site that has its own `home.HomePage`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run_host(args, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "tests.host.settings",
            "HOST_DB": str(tmp_path / "host.sqlite3"),
            "HOST_MEDIA": str(tmp_path / "media"),
        }
    )
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_our_home_page_leaves_the_default_reverse_accessor_to_the_host():
    from wagtail.models import Page

    from lms.home.models import HomePage

    assert HomePage._meta.get_field("page_ptr").remote_field.related_name != "homepage"
    assert Page._meta.get_field("lms_home_page").related_model is HomePage


@pytest.mark.slow
def test_host_with_its_own_home_page_model_passes_system_checks(tmp_path):
    result = _run_host(["manage.py", "check", "--fail-level", "WARNING"], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
