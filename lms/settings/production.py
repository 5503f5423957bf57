"""Production: PostgreSQL, a real task queue, secure cookies, HTTPS only.

Every value comes from the environment; a missing secret stops start-up
rather than falling back to something guessable.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from lms.db_faults import with_statement_timeout

from .base import *  # noqa: F403

DEBUG = False
if not SECRET_KEY:  # noqa: F405
    raise ImproperlyConfigured("Set the SECRET_KEY environment variable.")
if not os.environ.get("ALLOWED_HOSTS"):
    raise ImproperlyConfigured("Set ALLOWED_HOSTS (comma-separated host names).")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)  # noqa: F405
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            # Redis is an accelerator: while it is away pages are served
            # without it (lms/cache.py).
            "BACKEND": "lms.cache.ResilientRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
    # A shared cache: every web process sees a publish at once.
    LMS_ANONYMOUS_PAGE_CACHE_SECONDS = int(
        os.environ.get("LMS_ANONYMOUS_PAGE_CACHE_SECONDS", "300")
    )


# Sessions live in the database only, never in a cache. Without a shared cache
# each web process has its own memory cache, so a session cached by one would
# outlive a sign-out handled by another. With Redis, a sign-out made while it
# was away would come back with it in every process that did not see the
# outage (a process only forgets the keys it changed itself). One indexed
# read per request is the price. lms.sessions is Django's database store
# with one write at sign-in instead of three (no cache either).
SESSION_ENGINE = "lms.sessions"

# The database restarting: a persistent connection is checked before a
# request uses it, so web processes reconnect without a restart, and a
# request that loses its connection gets a 503 page (lms/db_faults.py).
# A slow database: one query may hold a web process this long (milliseconds)
# before PostgreSQL cancels it and the learner gets the same page. Web
# processes (lms/wsgi.py, lms/asgi.py) say so in LMS_PROCESS; management
# commands (task workers, cron jobs, migrations) have their own limit, 0 for
# none. Reports set theirs per transaction (LMS_REPORT_STATEMENT_TIMEOUT_MS).
_statement_timeout = int(
    os.environ.get(
        "DB_STATEMENT_TIMEOUT_MS"
        if os.environ.get("LMS_PROCESS") == "web"
        else "DB_WORKER_STATEMENT_TIMEOUT_MS",
        "30000" if os.environ.get("LMS_PROCESS") == "web" else "0",
    )
)
for _alias in DATABASES:  # noqa: F405
    DATABASES[_alias] = with_statement_timeout(  # noqa: F405
        {**DATABASES[_alias], "CONN_HEALTH_CHECKS": True},  # noqa: F405
        _statement_timeout,
    )
if os.environ.get("LMS_REPORT_STATEMENT_TIMEOUT_MS"):
    LMS_REPORT_STATEMENT_TIMEOUT_MS = int(os.environ["LMS_REPORT_STATEMENT_TIMEOUT_MS"])

LOGGING = {
    **LOGGING,  # noqa: F405
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
