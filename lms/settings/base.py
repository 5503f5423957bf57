"""Settings shared by every environment, driven by environment variables.

Nothing here is a secret and nothing turns debugging on; `dev`, `test` and
`production` add what differs.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

import lms.addon
from lms import conf
from lms.db_pool import with_connection_pool

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("LMS_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The standalone site is a Wagtail site with the add-on and its optional apps.
INSTALLED_APPS = [
    *lms.addon.APPS,
    *lms.addon.OPTIONAL_APPS,
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    # Our people app installs its user views into this app (see PeopleConfig).
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

# Wagtail's stock list (plus WhiteNoise), then ours, as a host site has it.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    *lms.addon.MIDDLEWARE,
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
# Optional read replica (e.g. a PostgreSQL streaming standby): only report code
# wrapped in lms.db_router.reading_from_replica() reads from it; writes, other
# reads and migrations stay on default. Tests never touch a real replica: it
# mirrors the test database.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
# DB_POOL=1: a connection pool in each process instead of persistent
# connections (Django's, with psycopg 3; lms/db_pool.py).
DATABASES = {
    alias: with_connection_pool(database, os.environ)
    for alias, database in DATABASES.items()
}
LMS_REPLICA_DATABASE = "replica" if "replica" in DATABASES else None
# The hot queries lms.sqlcache compiles once are also prepared statements of
# each PostgreSQL connection (planned once, not on every request). Off behind
# a pooler that moves a session between server connections (PgBouncer's
# transaction pooling).
LMS_SQLCACHE_PREPARED_STATEMENTS = env_bool("DB_PREPARED_STATEMENTS", True)
DATABASE_ROUTERS = ["lms.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Argon2id at OWASP's recommended cost first (see lms/people/hashers.py); the
# others only verify older hashes, which are upgraded at the next sign-in.
PASSWORD_HASHERS = [
    "lms.people.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_USER_MODEL = "lms_people.User"
AUTHENTICATION_BACKENDS = [
    "lms.people.backends.AxesProfileBackend",
    "lms.people.backends.ProfileModelBackend",
]
LOGIN_URL = "lms_people:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

# Vietnamese first; English second. Dates as Vietnamese users write them.
LANGUAGE_CODE = "vi"
# Not translated: the language switcher names each language in itself.
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "lms" / "locale"]
FORMAT_MODULE_PATH = ["lms.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    # Django's, but a write the disk refuses leaves no partial file (lms/storage.py).
    "default": {"BACKEND": "lms.storage.DiskSafeFileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "lms@localhost")
# Seconds before a silent mail server counts as down (Django's default waits
# forever); the message then stays queued (lms/mail).
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)

# Background work goes through the django-tasks API, as Wagtail's own does.
# The default runs tasks in-process; production points this at a real queue.
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "LMS_TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"
        ),
    }
}
# LMS_TASK_BACKEND=rq (or the class path django_tasks_rq.RQBackend) puts the
# work on Redis for `manage.py rqworker --job-class django_tasks_rq.Job`,
# through a backend that copes with that Redis being away (lms/task_backends.py).
if TASKS["default"]["BACKEND"] in {"rq", "django_tasks_rq.RQBackend"}:
    TASKS["default"] = {
        "BACKEND": "lms.task_backends.ResilientRQBackend",
        "QUEUES": ["default"],
    }
    INSTALLED_APPS += ["django_rq"]
    RQ_QUEUES = {
        "default": {
            "URL": os.environ.get("LMS_RQ_REDIS_URL", "redis://127.0.0.1:6379/0"),
            "DEFAULT_TIMEOUT": 600,
        }
    }

# Certificates: public lookups allowed per client address (count, seconds).
LMS_CERTIFICATE_LOOKUP_RATE = (
    int(os.environ.get("LMS_CERTIFICATE_LOOKUPS", "60")),
    int(os.environ.get("LMS_CERTIFICATE_LOOKUP_WINDOW", "600")),
)
# ... and per certificate code or serial looked up, whatever the address.
LMS_CERTIFICATE_SUBJECT_LOOKUP_RATE = (
    int(os.environ.get("LMS_CERTIFICATE_SUBJECT_LOOKUPS", "20")),
    int(os.environ.get("LMS_CERTIFICATE_LOOKUP_WINDOW", "600")),
)
# Seals the certificate signing keys at rest; unset, a passphrase derived
# from SECRET_KEY is used and `check --deploy` warns (lms.W004).
LMS_CERTIFICATE_KEY_PASSPHRASE = (
    os.environ.get("LMS_CERTIFICATE_KEY_PASSPHRASE") or None
)
# The issuer named in Open Badges credentials (empty: WAGTAIL_SITE_NAME).
LMS_BADGE_ISSUER_NAME = os.environ.get("LMS_BADGE_ISSUER_NAME", "")

# Catalogue and course pages for anonymous visitors are cached this many seconds
# (0: off); publishing a page clears them. Production turns it on with REDIS_URL.
LMS_ANONYMOUS_PAGE_CACHE_SECONDS = int(
    os.environ.get("LMS_ANONYMOUS_PAGE_CACHE_SECONDS", "0")
)

# Sessions read from the cache and fall back to the database, so a learner page
# usually costs no session query.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    }
}

WAGTAIL_SITE_NAME = os.environ.get("WAGTAIL_SITE_NAME", "Công dân số - LMS")
LMS_SITE_URL = os.environ.get("LMS_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = LMS_SITE_URL
# Reminders: at most one email of each kind per person in this many days.
LMS_REMINDER_PERIOD_DAYS = int(os.environ.get("LMS_REMINDER_PERIOD_DAYS", "7"))

# Children's data protection: `manage.py anonymise_inactive` anonymises learners
# with no role in this many of the most recent school years.
LMS_RETENTION_SCHOOL_YEARS = int(os.environ.get("LMS_RETENTION_SCHOOL_YEARS", "5"))
# The place printed before the date on official reports ("TP. Hồ Chí Minh, ngày …").
LMS_REPORT_PLACE = os.environ.get("LMS_REPORT_PLACE", "TP. Hồ Chí Minh")
# A roster with more rows than this is imported by a background job.
LMS_ROSTER_BACKGROUND_ROWS = int(os.environ.get("LMS_ROSTER_BACKGROUND_ROWS", "300"))
# A quiz with more learners than this who submitted an attempt has its grades
# recomputed (after a change of grading method or pass mark) by a background job.
LMS_RECOMPUTE_BACKGROUND_TAKERS = int(
    os.environ.get("LMS_RECOMPUTE_BACKGROUND_TAKERS", "200")
)
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "lms.search"}}
# Documents learners download, and the video files a lesson's video block plays.
WAGTAILDOCS_EXTENSIONS = [
    "pdf",
    "docx",
    "doc",
    "xlsx",
    "pptx",
    "odt",
    "txt",
    "mp4",
    "webm",
]
# Upload limits: lesson images and documents are small; a larger file is a
# mistake or an attack. Decoding a huge image is refused by its pixel count.
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# Large uploads spill to a temporary file; a full disk there ends the upload
# with a clear refusal instead of a server error (lms/uploads.py).
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "lms.uploads.DiskSafeTemporaryFileUploadHandler",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Every immediate task logs twice at INFO; keep the console readable.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        "modelsearch": {"level": "WARNING"},
        # One INFO line per failed sign-in is noise; lockouts still log.
        "axes": {"level": "WARNING"},
    },
}

# Sign-in throttling (django-axes). A whole school signs in from one public
# address, so failures count per username *and* address, and a lockout ends by
# itself after a cool-off of minutes; never per address alone, never for good.
AXES_FAILURE_LIMIT = int(os.environ.get("LMS_SIGNIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(
    minutes=int(os.environ.get("LMS_SIGNIN_COOLOFF_MINUTES", "15"))
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Failures are counted in the database, not the cache, so throttling holds
# while Redis is away (never the cache handler: it would fail open).
AXES_HANDLER = "lms.security.AxesHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "lms.people.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "lms.security.client_ip"
AXES_VERBOSE = False
# Number of reverse proxies in front of the app whose X-Forwarded-For we trust.
LMS_PROXY_COUNT = int(os.environ.get("LMS_PROXY_COUNT", "0"))

# Content-Security-Policy (django-csp): learner pages and the Wagtail admin
# run no inline script; see lms/conf.py for both policies.
CONTENT_SECURITY_POLICY = conf.CONTENT_SECURITY_POLICY
LMS_ADMIN_CONTENT_SECURITY_POLICY = conf.admin_content_security_policy(
    CONTENT_SECURITY_POLICY
)
# The admin reaches no outside service: no update check, no Gravatar (staff
# e-mail hashes stay here).
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None
