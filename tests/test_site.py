"""The site shell: health check, languages, dates, deploy settings, add-on use."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import formats, translation

from lms.people.services import user_create

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_healthz_reports_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


@pytest.mark.django_db
def test_healthz_reports_unreachable_database(client, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise ConnectionError("database down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


@pytest.mark.django_db
def test_site_speaks_vietnamese_by_default_even_to_english_browsers(client):
    response = client.get("/tai-khoan/dang-nhap/", HTTP_ACCEPT_LANGUAGE="en-US,en")
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html


@pytest.mark.django_db
def test_language_switcher_turns_the_site_english(client):
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/tai-khoan/dang-nhap/"}
    )
    assert response.status_code == 302
    html = client.get("/tai-khoan/dang-nhap/").content.decode()
    assert '<html lang="en">' in html
    assert "Sign in" in html


@pytest.mark.django_db
def test_wagtail_admin_is_vietnamese_for_a_vietnamese_user(client):
    user_create(username="gv", full_name="Phan Văn Thành", password="Pw-123456")
    user = user_create(username="root", full_name="Quản Trị", password="Pw-123456")
    user.is_superuser = True
    user.save()
    client.login(username="root", password="Pw-123456")
    html = client.get("/admin/").content.decode()
    assert "Trang tổng quan" in html  # Wagtail's "Dashboard"
    assert 'lang="vi"' in html


def test_dates_are_written_day_first():
    with translation.override("vi"):
        assert formats.date_format(datetime.date(2023, 10, 6), "SHORT_DATE_FORMAT") == (
            "06/10/2023"
        )
        assert formats.date_format(datetime.date(2023, 10, 6)) == "06/10/2023"


def test_time_zone_is_ho_chi_minh(settings):
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.LANGUAGE_CODE == "vi"


def _run(args, env_extra):
    # The production defaults are what is checked: nothing inherited from the
    # shell or an earlier test may loosen them (SECURE_*, DEBUG).
    env = {
        k: v
        for k, v in os.environ.items()
        if k != "DJANGO_SETTINGS_MODULE" and not k.startswith(("SECURE_", "DEBUG"))
    }
    env.update(env_extra)
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_production_settings_pass_check_deploy():
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        {
            "DJANGO_SETTINGS_MODULE": "lms.settings.production",
            "SECRET_KEY": "k3y-" + "x7Qm9vT2pL8wZ4rB6nY1cF5hJ0sD3gK" * 2,
            "ALLOWED_HOSTS": "lms.example.edu.vn",
            "DATABASE_URL": "sqlite:///:memory:",
            # Production runs background work on a queue (lms.W001 otherwise).
            "LMS_TASK_BACKEND": "rq",
            # ... and prints its public address on certificates (lms.W003).
            "LMS_SITE_URL": "https://lms.example.edu.vn",
            # ... and seals its certificate signing keys with its own
            # passphrase (lms.W004).
            "LMS_CERTIFICATE_KEY_PASSPHRASE": "a passphrase kept apart",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.slow
def test_production_settings_refuse_to_start_without_a_secret():
    result = _run(
        ["manage.py", "check"],
        {
            "DJANGO_SETTINGS_MODULE": "lms.settings.production",
            "SECRET_KEY": "",
            "ALLOWED_HOSTS": "lms.example.edu.vn",
        },
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.slow
def test_minimal_host_project_boots_with_our_apps_and_serves_a_page(tmp_path):
    result = _run(
        ["-m", "tests.host.check_host"],
        {
            "DJANGO_SETTINGS_MODULE": "tests.host.settings",
            "HOST_DB": str(tmp_path / "host.sqlite3"),
            "HOST_MEDIA": str(tmp_path / "media"),
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "HOST-OK" in result.stdout


def test_host_keeping_auth_user_gives_its_users_lms_profiles(tmp_path):
    result = _run(
        ["-m", "tests.host.check_auth_user"],
        {
            "DJANGO_SETTINGS_MODULE": "tests.host.settings_auth_user",
            "HOST_DB": str(tmp_path / "host.sqlite3"),
            "HOST_MEDIA": str(tmp_path / "media"),
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "AUTH-USER-OK" in result.stdout
