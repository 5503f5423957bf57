"""What a Wagtail site adds to use the LMS: three lines and one setting.

In the site's settings::

    import lms.addon

    INSTALLED_APPS = [*lms.addon.APPS, *INSTALLED_APPS]
    MIDDLEWARE += lms.addon.MIDDLEWARE
    LMS_SITE_URL = "https://lms.example.edu.vn"

and first in its ``urlpatterns`` (before Wagtail's catch-all)::

    path("", include("lms.addon.urls")),

Everything else has a default (``lms/conf.py``); ``manage.py check`` names
anything still missing (``lms/checks.py``).
"""

# Our apps first, so our templates (admin overrides included) win; then the
# third-party apps a stock ``wagtail start`` site does not list. A stock site
# already has Wagtail's apps, modelcluster, taggit, django_filters and
# django.contrib.*; listing any of them again would crash (duplicate label).
APPS = [
    "lms.apps.LmsConfig",
    # Vietnamese for the Wagtail admin strings Wagtail's catalogue lacks.
    "lms.admin_locale.apps.AdminLocaleConfig",
    "lms.people.apps.PeopleConfig",
    "courses.apps.CoursesConfig",
    "quizzes.apps.QuizzesConfig",
    "certificates.apps.CertificatesConfig",
    # The queue of outgoing e-mail (reminders, "certificate ready").
    "lms.mail.apps.MailConfig",
    "django_tasks",
    "axes",
]

# Optional apps, each added to INSTALLED_APPS on its own line if wanted.
HOME_APP = "lms.home.apps.HomeConfig"  # our home page type
REPORTS_APP = "lms.reports.apps.ReportsConfig"  # completion and annual reports
OPS_APP = "lms.ops.apps.OpsConfig"  # lms_backup / lms_restore commands
OPTIONAL_APPS = [HOME_APP, REPORTS_APP, OPS_APP]

# Appended to a stock Wagtail MIDDLEWARE list: each of ours needs the session
# and the signed-in user, so they come after Session/AuthenticationMiddleware.
MIDDLEWARE = [
    # The database restarting or a query cut off by the statement timeout:
    # 503 "try again shortly" (a page, or JSON for scripts), not a 500.
    "lms.db_faults.DatabaseUnavailableMiddleware",
    # Vietnamese unless the person chose another language (ignores the
    # browser's Accept-Language, which school computers often get wrong).
    "lms.middleware.DefaultLanguageMiddleware",
    # Accounts with an initial password must change it before anything else.
    "lms.people.middleware.ForcePasswordChangeMiddleware",
    # Content-Security-Policy, with the Wagtail admin's own policy.
    "lms.middleware.ContentSecurityPolicyMiddleware",
    # Wagtail's page routing without a query for the home page's own row.
    "lms.middleware.SiteRootPageMiddleware",
    # Catalogue and course pages for anonymous visitors (off by default).
    "courses.page_cache.AnonymousPageCacheMiddleware",
    # Last, as django-axes asks: it turns lockouts into the lockout page.
    "axes.middleware.AxesMiddleware",
]
