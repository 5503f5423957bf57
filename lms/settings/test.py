"""Fast settings for the test suite."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "lms.search"}}
STATIC_ROOT = VAR_DIR / "static"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Sign-in throttling needs a request on every authenticate(); Django's test
# client.login() has none. The throttling tests switch it on (fixture `axes_on`).
AXES_ENABLED = False
# A "replica" alias that mirrors the test database, so tests can watch which
# connection a read takes; reads go there only in tests that set
# LMS_REPLICA_DATABASE = "replica" (see lms/db_router.py).
DATABASES["replica"] = {  # noqa: F405
    **DATABASES["default"],  # noqa: F405
    "TEST": {"MIRROR": "default"},
}
LMS_REPLICA_DATABASE = None
# Tests run with DEBUG off and in-process tasks on purpose.
SILENCED_SYSTEM_CHECKS = ["lms.W001"]
