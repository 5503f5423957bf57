from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operations: backup and restore of the database and media.

    No models; imports no other app of ours.
    """

    name = "lms.ops"
    label = "lms_ops"
    verbose_name = _("Operations")
    default_auto_field = "django.db.models.BigAutoField"
