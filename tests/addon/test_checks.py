"""The system checks name what a host site must still set or include."""

import pytest
from django.core.checks import run_checks
from django.urls import reverse

import lms.addon
from lms import checks

STOCK_WAGTAIL_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]


def ids(messages) -> list[str]:
    return [message.id for message in messages]


def test_the_standalone_site_passes_every_check():
    messages = run_checks(include_deployment_checks=False)

    assert [message for message in messages if not message.is_silenced()] == []


@pytest.mark.parametrize("value", ["", None, "lms.example.edu.vn", "/"])
def test_missing_or_relative_site_url_is_an_error(settings, value):
    settings.LMS_SITE_URL = value

    assert ids(checks.check_site_url()) == ["lms.E001"]


def test_unset_site_url_is_an_error_naming_the_setting(settings):
    del settings.LMS_SITE_URL

    (error,) = checks.check_site_url()
    assert error.id == "lms.E001"
    assert "LMS_SITE_URL" in error.msg and "LMS_SITE_URL = " in error.hint


def test_site_url_with_scheme_and_host_passes(settings):
    settings.LMS_SITE_URL = "https://lms.example.edu.vn"

    assert checks.check_site_url() == []


def test_missing_url_include_is_an_error_with_the_include_line(settings):
    settings.ROOT_URLCONF = "tests.addon.urls_missing"

    (error,) = checks.check_urls_included()
    assert error.id == "lms.E002"
    assert 'include("lms.addon.urls")' in error.hint


def test_include_after_wagtails_catch_all_is_an_error(settings):
    settings.ROOT_URLCONF = "tests.addon.urls_after_catch_all"

    (error,) = checks.check_urls_included()
    assert error.id == "lms.E003"
    assert "catch-all" in error.hint


def test_one_include_mounts_every_namespace_of_ours(settings):
    settings.ROOT_URLCONF = "tests.addon.urls_host"

    assert checks.check_urls_included() == []
    assert reverse("lms_certificates:lookup") == "/certificates/verify/"
    assert reverse("set_language") == "/i18n/setlang/"


def test_scoped_site_history_wherever_the_host_mounts_its_admin(settings):
    settings.ROOT_URLCONF = "tests.addon.urls_host"

    assert reverse("wagtailadmin_reports:site_history").startswith("/cms/")
    assert checks.check_scoped_reports() == []


def test_unscoped_site_history_is_an_error(monkeypatch):
    from lms import wagtail_reports

    monkeypatch.setitem(
        wagtail_reports.SCOPED_REPORT_VIEWS, "site_history", lambda request: None
    )

    assert ids(checks.check_scoped_reports()) == ["lms.E004"]


def test_stock_middleware_plus_ours_passes(settings):
    settings.MIDDLEWARE = [*STOCK_WAGTAIL_MIDDLEWARE, *lms.addon.MIDDLEWARE]

    assert checks.check_middleware() == []


def test_missing_force_password_change_middleware_is_named(settings):
    settings.MIDDLEWARE = [
        *STOCK_WAGTAIL_MIDDLEWARE,
        *(
            name
            for name in lms.addon.MIDDLEWARE
            if name != "lms.people.middleware.ForcePasswordChangeMiddleware"
        ),
    ]

    (error,) = checks.check_middleware()
    assert error.id == "lms.E005"
    assert "ForcePasswordChangeMiddleware" in error.msg
    assert "lms.addon.MIDDLEWARE" in error.hint


def test_our_middleware_before_authentication_is_an_error(settings):
    settings.MIDDLEWARE = [
        *STOCK_WAGTAIL_MIDDLEWARE[:2],
        *lms.addon.MIDDLEWARE,
        *STOCK_WAGTAIL_MIDDLEWARE[2:],
    ]

    (error,) = checks.check_middleware()
    assert error.id == "lms.E006"
    assert "AuthenticationMiddleware" in error.msg


def test_backends_without_axes_is_an_error(settings, axes_on):
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]

    (error,) = checks.check_signin_throttling()
    assert error.id == "lms.E007"
    assert "axes.backends.AxesBackend" in error.hint


def test_a_subclass_of_the_axes_backend_passes(settings, axes_on):
    settings.AUTHENTICATION_BACKENDS = [
        "lms.people.backends.AxesProfileBackend",
        "lms.people.backends.ProfileModelBackend",
    ]

    assert checks.check_signin_throttling() == []


def test_backends_without_axes_pass_when_throttling_is_switched_off(settings):
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
    settings.AXES_ENABLED = False

    assert checks.check_signin_throttling() == []


@pytest.mark.parametrize("login_url", ["/accounts/login/", "no_such:view"])
def test_login_url_leading_nowhere_is_an_error(settings, login_url):
    settings.LOGIN_URL = login_url

    (error,) = checks.check_login_url()
    assert error.id == "lms.E008"
    assert "LOGIN_URL" in error.msg


def test_login_url_to_our_sign_in_page_passes(settings):
    settings.LOGIN_URL = "lms_people:login"

    assert checks.check_login_url() == []


def test_immediate_tasks_in_production_is_a_warning(settings):
    settings.DEBUG = False
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }

    assert ids(checks.check_task_backend()) == ["lms.W001"]


def test_immediate_tasks_while_debugging_pass(settings):
    settings.DEBUG = True
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }

    assert checks.check_task_backend() == []


def test_a_queue_backend_in_production_passes(settings):
    settings.DEBUG = False
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}

    assert checks.check_task_backend() == []


def test_django_csp_middleware_next_to_ours_is_a_warning(settings):
    settings.MIDDLEWARE = [
        *STOCK_WAGTAIL_MIDDLEWARE,
        "csp.middleware.CSPMiddleware",
        *lms.addon.MIDDLEWARE,
    ]

    assert ids(checks.check_single_csp_middleware()) == ["lms.W002"]


@pytest.mark.parametrize("value", ["http://127.0.0.1:8000", "http://localhost"])
def test_deploy_check_warns_of_a_local_site_url(settings, value):
    settings.LMS_SITE_URL = value

    assert ids(checks.check_site_url_is_public()) == ["lms.W003"]


def test_deploy_check_accepts_a_public_site_url(settings):
    settings.LMS_SITE_URL = "https://lms.example.edu.vn"

    assert checks.check_site_url_is_public() == []


def test_templates_not_read_from_app_directories_is_an_error(settings):
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [], "APP_DIRS": False, "OPTIONS": {}}
    ]

    (error,) = checks.check_templates_found()
    assert error.id == "lms.E009"
    assert "APP_DIRS" in error.hint


def test_templates_from_app_directories_pass():
    assert checks.check_templates_found() == []
