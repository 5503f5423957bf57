from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "lms.people"
    label = "lms_people"
    verbose_name = _("Users and organisations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from lms.exports import wagtail_exports_neutralise

        from . import signals  # noqa: F401

        wagtail_exports_neutralise()
        self.user_viewset_install()

    def user_viewset_install(self) -> None:
        """Serve Wagtail's user admin with our forms and visibility rule.

        Wagtail's users app reads `user_viewset` from its app config when the
        admin's viewset hook runs, after every app is ready; setting it here
        lets a host keep plain "wagtail.users" in INSTALLED_APPS.
        """
        from django.apps import apps

        if apps.is_installed("wagtail.users"):
            users_app = apps.get_app_config("wagtailusers")
            users_app.user_viewset = "lms.people.admin_views.LmsUserViewSet"
