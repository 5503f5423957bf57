from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """Our home page type (optional: a host may keep its own home page)."""

    name = "lms.home"
    label = "lms_home"
    verbose_name = _("Home page")
    default_auto_field = "django.db.models.BigAutoField"
