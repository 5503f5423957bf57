from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Completion reports, the annual report and reminders.

    Reads every other app; no other app imports this one.
    """

    name = "lms.reports"
    label = "lms_reports"
    verbose_name = _("Training reports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: F401 - keeps the completion summary right
