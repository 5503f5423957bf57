"""This app's settings, with defaults so a host project need not set them."""

from django.conf import settings


def reminder_period_days() -> int:
    return getattr(settings, "LMS_REMINDER_PERIOD_DAYS", 7)


def report_place() -> str:
    return getattr(settings, "LMS_REPORT_PLACE", "TP. Hồ Chí Minh")


def site_url() -> str:
    return getattr(settings, "LMS_SITE_URL", "").rstrip("/")
