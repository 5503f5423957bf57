"""Embedded default for a developer machine: SQLite, console email, DEBUG on."""

import os

from .base import *  # noqa: F403

DEBUG = env_bool("DEBUG", True)  # noqa: F405
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-never-use-in-production"  # noqa: F405
ALLOWED_HOSTS = ALLOWED_HOSTS or ["*"]  # noqa: F405
os.makedirs(VAR_DIR, exist_ok=True)  # noqa: F405
