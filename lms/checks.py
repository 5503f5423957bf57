"""System checks: what a site must set or include for the add-on to work.

Each message names the setting or URL include and says how to fix it; the
three adoption lines are in ``lms/addon/__init__.py`` and the README.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

import lms.addon

INCLUDE_HINT = (
    'Add path("", include("lms.addon.urls")) to your ROOT_URLCONF, before '
    'Wagtail\'s catch-all path("", include(wagtail_urls)).'
)

# One URL of each of our URL namespaces, to reverse and resolve.
PROBE_URLS = {
    "lms_people": ("lms_people:login", []),
    "lms_courses": ("lms_courses:my_learning", []),
    "lms_quizzes": ("lms_quizzes:attempt", [1]),
    "lms_certificates": ("lms_certificates:lookup", []),
}

SESSION_MIDDLEWARE = "django.contrib.sessions.middleware.SessionMiddleware"
AUTH_MIDDLEWARE = "django.contrib.auth.middleware.AuthenticationMiddleware"
AXES_BACKEND = "axes.backends.AxesBackend"
IMMEDIATE_TASK_BACKEND = "django_tasks.backends.immediate.ImmediateBackend"


@register(Tags.compatibility)
def check_site_url(app_configs=None, **kwargs):
    """lms.E001: LMS_SITE_URL is set to an absolute http(s) address."""
    value = getattr(settings, "LMS_SITE_URL", "") or ""
    parts = urlsplit(str(value))
    if parts.scheme in {"http", "https"} and parts.netloc:
        return []
    return [
        Error(
            "LMS_SITE_URL is not set to the site's public address "
            f"(it is {value!r}). Certificates, their QR codes and roster "
            "sign-in sheets print links built from it.",
            hint='Set LMS_SITE_URL = "https://your-school.edu.vn" (no trailing '
            "slash) in your settings.",
            id="lms.E001",
        )
    ]


@register(Tags.urls)
def check_urls_included(app_configs=None, **kwargs):
    """lms.E002/E003: our URLs are included, before Wagtail's catch-all."""
    errors = []
    for namespace, (name, args) in PROBE_URLS.items():
        try:
            url = reverse(name, args=args)
        except NoReverseMatch:
            errors.append(
                Error(
                    f"The add-on's URLs are not included: {name!r} does not "
                    f"reverse ('{namespace}' is not a registered namespace).",
                    hint=INCLUDE_HINT,
                    id="lms.E002",
                )
            )
            break
        try:
            match = resolve(url)
        except Resolver404:
            match = None
        if match is None or match.namespace != namespace:
            errors.append(
                Error(
                    f"{url} (the add-on's {name!r}) is answered by another view "
                    f"({match.view_name if match else 'none'}): the add-on's URLs "
                    "are included after a pattern that catches them, such as "
                    "Wagtail's catch-all.",
                    hint=INCLUDE_HINT,
                    id="lms.E003",
                )
            )
            break
    return errors


@register(Tags.urls)
def check_scoped_reports(app_configs=None, **kwargs):
    """lms.E004: Wagtail's site history report is our scoped one."""
    from lms.wagtail_reports import SCOPED_REPORT_VIEWS

    try:
        match = resolve(reverse("wagtailadmin_reports:site_history"))
    except (NoReverseMatch, Resolver404):
        return []  # no Wagtail admin URLs: nothing to leak
    if _unwrap(match.func) is _unwrap(SCOPED_REPORT_VIEWS["site_history"]):
        return []
    return [
        Error(
            "Wagtail's site history report is not the add-on's scoped one, so "
            "staff could read every school's changes.",
            hint="Put lms.apps.LmsConfig in INSTALLED_APPS (lms.addon.APPS "
            "lists it); its register_admin_urls hook installs the report.",
            id="lms.E004",
        )
    ]


def _unwrap(func):
    while hasattr(func, "__wrapped__"):
        func = func.__wrapped__
    return func


@register(Tags.compatibility)
def check_middleware(app_configs=None, **kwargs):
    """lms.E005/E006: our middleware is installed, after session and auth."""
    middleware = list(settings.MIDDLEWARE)
    missing = [name for name in lms.addon.MIDDLEWARE if name not in middleware]
    if missing:
        return [
            Error(
                f"MIDDLEWARE lacks the add-on's {', '.join(missing)}. Without "
                "them, accounts keep their initial password, pages get no "
                "Content-Security-Policy and sign-in lockouts are not shown.",
                hint="Add MIDDLEWARE += lms.addon.MIDDLEWARE at the end of your "
                "settings' MIDDLEWARE.",
                id="lms.E005",
            )
        ]
    errors = []
    for needed in (SESSION_MIDDLEWARE, AUTH_MIDDLEWARE):
        late = [
            name
            for name in lms.addon.MIDDLEWARE
            if needed not in middleware
            or middleware.index(name) < middleware.index(needed)
        ]
        if late:
            errors.append(
                Error(
                    f"{', '.join(late)} must come after {needed} in MIDDLEWARE "
                    "(they read the session and the signed-in user).",
                    hint="Append lms.addon.MIDDLEWARE at the end of MIDDLEWARE "
                    f"and keep {needed} in it.",
                    id="lms.E006",
                )
            )
    return errors


@register(Tags.security)
def check_signin_throttling(app_configs=None, **kwargs):
    """lms.E007: django-axes' backend authenticates, so lockouts hold."""
    if not getattr(settings, "AXES_ENABLED", True):
        return []
    from axes.backends import AxesBackend
    from django.utils.module_loading import import_string

    for path in settings.AUTHENTICATION_BACKENDS:
        try:
            if issubclass(import_string(path), AxesBackend):
                return []
        except ImportError:
            continue  # Django's own check reports a backend that does not import
    return [
        Error(
            "AUTHENTICATION_BACKENDS lacks django-axes' backend: a locked-out "
            "account could still sign in, so sign-in throttling is off.",
            hint=f'Put "{AXES_BACKEND}" (or a subclass) first in '
            "AUTHENTICATION_BACKENDS, or remove the setting to use the add-on's "
            "default.",
            id="lms.E007",
        )
    ]


@register(Tags.urls)
def check_login_url(app_configs=None, **kwargs):
    """lms.E008: LOGIN_URL leads to a page, not to a 404."""
    from django.shortcuts import resolve_url

    try:
        url = urlsplit(resolve_url(settings.LOGIN_URL))
    except NoReverseMatch:
        url = None
    if url is not None:
        if url.netloc:
            return []  # a sign-in service elsewhere: not ours to check
        try:
            match = resolve(url.path)
        except Resolver404:
            match = None
        # Wagtail's catch-all answers any path, with a 404 if no page is there.
        if match is not None and match.url_name != "wagtail_serve":
            return []
    return [
        Error(
            f"LOGIN_URL ({settings.LOGIN_URL!r}) leads to no sign-in page, so "
            "learners sent to sign in land on a 404.",
            hint='Remove LOGIN_URL to use the add-on\'s "lms_people:login", or '
            "point it at your site's sign-in page.",
            id="lms.E008",
        )
    ]


@register(Tags.compatibility)
def check_task_backend(app_configs=None, **kwargs):
    """lms.W001: production does not run background work inside requests."""
    if settings.DEBUG:
        return []
    tasks = getattr(settings, "TASKS", None) or {}
    backend = tasks.get("default", {}).get("BACKEND", IMMEDIATE_TASK_BACKEND)
    if backend != IMMEDIATE_TASK_BACKEND:
        return []
    return [
        Warning(
            "The task backend is django-tasks' ImmediateBackend with DEBUG off: "
            "certificate PDFs, bulk issues and reminder emails run inside the "
            "web request that asks for them.",
            hint='Set TASKS = {"default": {"BACKEND": ...}} to a queue, e.g. '
            '"django_tasks.backends.database.DatabaseBackend" (add '
            '"django_tasks.backends.database" to INSTALLED_APPS) or '
            '"django_tasks_rq.RQBackend" (pip install "wagtail-lms-vn'
            '[production]").',
            id="lms.W001",
        )
    ]


@register(Tags.security)
def check_single_csp_middleware(app_configs=None, **kwargs):
    """lms.W002: django-csp's own middleware is not installed next to ours."""
    if "csp.middleware.CSPMiddleware" not in settings.MIDDLEWARE:
        return []
    return [
        Warning(
            "MIDDLEWARE has both csp.middleware.CSPMiddleware and the add-on's "
            "lms.middleware.ContentSecurityPolicyMiddleware (a subclass of it): "
            "the Wagtail admin could get the learner pages' policy and break.",
            hint="Remove csp.middleware.CSPMiddleware; the add-on's middleware "
            "reads CONTENT_SECURITY_POLICY the same way.",
            id="lms.W002",
        )
    ]


@register(Tags.security, deploy=True)
def check_site_url_is_public(app_configs=None, **kwargs):
    """lms.W003: in production LMS_SITE_URL is not this machine's address."""
    host = urlsplit(str(getattr(settings, "LMS_SITE_URL", "") or "")).hostname
    if host not in {"localhost", "127.0.0.1", "::1"}:
        return []
    return [
        Warning(
            f"LMS_SITE_URL points at this machine ({host}): the links and QR "
            "codes on certificates and emails would not open for anyone else.",
            hint="Set LMS_SITE_URL to the site's public address.",
            id="lms.W003",
        )
    ]


@register(Tags.security, deploy=True)
def check_certificate_key_passphrase(app_configs=None, **kwargs):
    """lms.W004: certificate signing keys are sealed with the site's own
    passphrase, not one derived from SECRET_KEY."""
    from certificates.keystore import passphrase_is_configured

    if passphrase_is_configured():
        return []
    return [
        Warning(
            "LMS_CERTIFICATE_KEY_PASSPHRASE is not set: the certificate signing "
            "keys are sealed with a passphrase derived from SECRET_KEY, so "
            "anyone with SECRET_KEY and a database backup holds the keys.",
            hint="Set the LMS_CERTIFICATE_KEY_PASSPHRASE environment variable "
            "(see docs/deployment.md, Certificate signing keys) and keep it "
            "apart from the backups.",
            id="lms.W004",
        )
    ]


@register(Tags.templates)
def check_templates_found(app_configs=None, **kwargs):
    """lms.E009: the template engine finds the templates our apps ship."""
    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template

    try:
        get_template("lms_people/login.html")
    except TemplateDoesNotExist:
        return [
            Error(
                "The add-on's templates are not found (lms_people/login.html): "
                "its pages would answer 500 TemplateDoesNotExist.",
                hint='Set "APP_DIRS": True in TEMPLATES (or list '
                '"django.template.loaders.app_directories.Loader" in its '
                "loaders).",
                id="lms.E009",
            )
        ]
    return []
