from django.apps import AppConfig
from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "lms.home"
    label = "lms_home"
    verbose_name = _("Home page")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from lms.html import clean_html_fields

        from . import admin_csp

        admin_csp.install()

        # Every model's HTML fields are cleaned on save, in this one place.
        pre_save.connect(clean_html_fields, dispatch_uid="lms_clean_html_fields")
