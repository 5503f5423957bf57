"""A host that sets nothing but LMS_SITE_URL gets working defaults."""

from datetime import timedelta

from django.conf import UserSettingsHolder, global_settings

from lms import conf


def host_settings(**values) -> UserSettingsHolder:
    holder = UserSettingsHolder(global_settings)
    for name, value in values.items():
        setattr(holder, name, value)
    return holder


def test_sign_in_urls_default_to_our_pages_not_djangos_404s():
    holder = host_settings()

    conf.apply_defaults(holder)

    assert holder.LOGIN_URL == "lms_people:login"
    assert holder.LOGIN_REDIRECT_URL == "/"


def test_sign_in_throttling_works_without_editing_authentication_backends():
    holder = host_settings()

    conf.apply_defaults(holder)

    from axes.backends import AxesBackend
    from django.utils.module_loading import import_string

    assert issubclass(import_string(holder.AUTHENTICATION_BACKENDS[0]), AxesBackend)
    assert holder.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert holder.AXES_COOLOFF_TIME == timedelta(minutes=15)
    assert holder.AXES_LOCKOUT_CALLABLE == "lms.people.views.locked_out"


def test_pages_and_admin_get_a_content_security_policy():
    holder = host_settings()

    conf.apply_defaults(holder)

    assert holder.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"] == ["'self'"]
    admin = holder.LMS_ADMIN_CONTENT_SECURITY_POLICY
    assert admin["DIRECTIVES"]["script-src"] == ["'self'"]
    assert "'unsafe-inline'" in admin["DIRECTIVES"]["style-src"]


def test_every_lms_setting_read_by_the_code_has_a_default():
    holder = host_settings()

    conf.apply_defaults(holder)

    for name in (
        "LMS_CERTIFICATE_LOOKUP_RATE",
        "LMS_CERTIFICATE_SUBJECT_LOOKUP_RATE",
        "LMS_ANONYMOUS_PAGE_CACHE_SECONDS",
        "LMS_REMINDER_PERIOD_DAYS",
        "LMS_RETENTION_SCHOOL_YEARS",
        "LMS_REPORT_PLACE",
        "LMS_QUIZ_GRACE_SECONDS",
        "LMS_PROXY_COUNT",
        "LMS_REPLICA_DATABASE",
    ):
        assert hasattr(holder, name), name


def test_the_sites_own_values_are_kept():
    holder = host_settings(
        LOGIN_URL="/sign-in/",
        AUTHENTICATION_BACKENDS=["django.contrib.auth.backends.ModelBackend"],
        AXES_FAILURE_LIMIT=10,
        CONTENT_SECURITY_POLICY={"DIRECTIVES": {"default-src": ["'self'"]}},
    )

    conf.apply_defaults(holder)

    assert holder.LOGIN_URL == "/sign-in/"
    assert holder.AUTHENTICATION_BACKENDS == [
        "django.contrib.auth.backends.ModelBackend"
    ]
    assert holder.AXES_FAILURE_LIMIT == 10
    assert holder.CONTENT_SECURITY_POLICY == {"DIRECTIVES": {"default-src": ["'self'"]}}


def test_site_url_loses_its_trailing_slash(settings):
    settings.LMS_SITE_URL = "https://lms.example.edu.vn/"

    assert conf.site_url() == "https://lms.example.edu.vn"
