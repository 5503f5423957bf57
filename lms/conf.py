"""The add-on's settings, with their defaults, in one place.

A host site sets only ``LMS_SITE_URL``; everything else has a default here.
``apply_defaults()`` (called by the core app's ready(), before django-axes
reads its settings) fills in what the site did not set. The system checks
(``lms/checks.py``) report what cannot have a default.
"""

from datetime import timedelta

from csp.constants import NONE, SELF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Learner pages: scripts, styles, fonts and images from this site only, no
# inline script; lesson videos from the usual video hosts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "media-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [
            "https://www.youtube.com",
            "https://www.youtube-nocookie.com",
            "https://player.vimeo.com",
        ],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}


def admin_content_security_policy(policy: dict, url_prefix: str | None = None) -> dict:
    """The Wagtail admin's policy, derived from the learner pages' `policy`.

    It applies under `url_prefix`, or by default wherever the site mounts
    Wagtail's admin.

    No inline or eval'd script either (lms/admin_csp.py); inline styles stay
    allowed (Wagtail's widgets set style attributes), images may be blob: or
    data: (upload previews) and the admin frames its own previews.
    """
    directives = policy["DIRECTIVES"]
    return {
        "URL_PREFIX": url_prefix,
        "DIRECTIVES": {
            **directives,
            "style-src": [SELF, "'unsafe-inline'"],
            "img-src": [SELF, "data:", "blob:"],
            "frame-src": [SELF, *directives.get("frame-src", [])],
            "frame-ancestors": [SELF],
        },
    }


# Settings of ours and of the libraries we use that a host need not set.
DEFAULTS = {
    # Public certificate lookups per client address, then per code looked up:
    # (count, seconds).
    "LMS_CERTIFICATE_LOOKUP_RATE": (60, 600),
    "LMS_CERTIFICATE_SUBJECT_LOOKUP_RATE": (20, 600),
    # Seals the certificate signing keys at rest (certificates/keystore.py);
    # None: derived from SECRET_KEY (check --deploy warns, lms.W004).
    "LMS_CERTIFICATE_KEY_PASSPHRASE": None,
    # Anonymous catalogue/course page cache lifetime in seconds (0: off).
    "LMS_ANONYMOUS_PAGE_CACHE_SECONDS": 0,
    "LMS_REMINDER_PERIOD_DAYS": 7,
    "LMS_RETENTION_SCHOOL_YEARS": 5,
    "LMS_REPORT_PLACE": "TP. Hồ Chí Minh",
    "LMS_QUIZ_GRACE_SECONDS": 60,
    "LMS_PROXY_COUNT": 0,
    "LMS_REPLICA_DATABASE": None,
    # Report queries on PostgreSQL (pages and recounts) may run this long
    # (milliseconds, 0: no limit), whatever limit web requests have.
    "LMS_REPORT_STATEMENT_TIMEOUT_MS": 300_000,
    # A roster with more rows than this is imported by a background job.
    "LMS_ROSTER_BACKGROUND_ROWS": 300,
    # The queries lms.sqlcache compiles once run as prepared statements of
    # each PostgreSQL connection (psycopg2); False behind PgBouncer's
    # transaction pooling.
    "LMS_SQLCACHE_PREPARED_STATEMENTS": True,
    # Parent accounts: days a one-time activation code stays valid, and
    # activation attempts allowed per client address (count, seconds).
    "LMS_PARENT_ACTIVATION_CODE_DAYS": 60,
    "LMS_PARENT_ACTIVATION_RATE": (10, 900),
    # Family notices: the senders tried in order (lms.people.notify), and
    # how often a family gets a digest at most ("daily", "weekly", "monthly").
    "LMS_FAMILY_NOTIFIERS": ["lms.mail.notifiers.EmailNotifier"],
    "LMS_FAMILY_DIGEST_PERIOD": "weekly",
    # Sign-in throttling (django-axes): a whole school signs in from one
    # address, so failures count per username *and* address, and a lockout
    # ends by itself; never per address alone, never for good.
    "AXES_FAILURE_LIMIT": 5,
    "AXES_COOLOFF_TIME": timedelta(minutes=15),
    "AXES_LOCKOUT_PARAMETERS": [["username", "ip_address"]],
    "AXES_RESET_ON_SUCCESS": True,
    "AXES_HANDLER": "lms.security.AxesHandler",
    "AXES_LOCKOUT_CALLABLE": "lms.people.views.locked_out",
    "AXES_CLIENT_IP_CALLABLE": "lms.security.client_ip",
    "AXES_VERBOSE": False,
    "CONTENT_SECURITY_POLICY": CONTENT_SECURITY_POLICY,
    # New page slugs in ASCII (folded from Vietnamese by lms.slugs): addresses
    # stay readable when copied, printed or typed.
    "WAGTAIL_ALLOW_UNICODE_SLUGS": False,
}

# Django settings whose built-in default does not fit the add-on; replaced
# only when the site has not set them.
DJANGO_DEFAULTS = {
    # Django's defaults (/accounts/login/, /accounts/profile/) are 404s in
    # a Wagtail site.
    "LOGIN_URL": "lms_people:login",
    "LOGIN_REDIRECT_URL": "/",
    "LOGOUT_REDIRECT_URL": "/",
    # Without django-axes' backend a locked-out person could still sign in.
    # These are django-axes' and Django's backends, loading the LMS profile
    # with the signed-in user (lms/people/backends.py).
    "AUTHENTICATION_BACKENDS": [
        "lms.people.backends.AxesProfileBackend",
        "lms.people.backends.ProfileModelBackend",
    ],
}


def apply_defaults(target=None) -> None:
    """Give every setting the add-on reads a value, keeping the site's own.

    `target` is Django's settings unless a test passes its own holder.
    """
    target = settings if target is None else target
    for name, value in DEFAULTS.items():
        if not hasattr(target, name):
            setattr(target, name, value)
    if not hasattr(target, "LMS_ADMIN_CONTENT_SECURITY_POLICY"):
        target.LMS_ADMIN_CONTENT_SECURITY_POLICY = admin_content_security_policy(
            target.CONTENT_SECURITY_POLICY
        )
    for name, value in DJANGO_DEFAULTS.items():
        if not target.is_overridden(name):
            setattr(target, name, value)


def site_url() -> str:
    """The site's public address, without a trailing slash.

    Raises ImproperlyConfigured when LMS_SITE_URL is unset: a link printed on
    a certificate or a sign-in sheet must never be relative.
    """
    url = (getattr(settings, "LMS_SITE_URL", "") or "").rstrip("/")
    if not url:
        raise ImproperlyConfigured(
            "LMS_SITE_URL is not set; set it to the site's public address."
        )
    return url
