from django.apps import AppConfig


class AdminLocaleConfig(AppConfig):
    """Translations only: no models, no gettext calls of its own."""

    name = "lms.admin_locale"
    label = "lms_admin_locale"
    # Not marked for translation: makemessages must find nothing in this app.
    verbose_name = "Wagtail admin in Vietnamese"

    def ready(self):
        from . import js_catalog

        js_catalog.install()
