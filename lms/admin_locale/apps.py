from django.apps import AppConfig


class AdminLocaleConfig(AppConfig):
    """Translations and the fixes Wagtail's English needs; no models.

    Its strings are Wagtail's msgids, kept in its own catalogue by hand:
    ``make messages`` skips this app (see the Makefile).
    """

    name = "lms.admin_locale"
    label = "lms_admin_locale"
    verbose_name = "Wagtail admin in Vietnamese"

    def ready(self):
        from . import js_catalog, patches

        js_catalog.install()
        patches.install()
