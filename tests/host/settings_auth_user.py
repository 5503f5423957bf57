"""The minimal host site, keeping Django's own auth.User as its user model."""

from tests.host.settings import *  # noqa: F403

AUTH_USER_MODEL = "auth.User"
