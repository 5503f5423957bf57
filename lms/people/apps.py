from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class PeopleConfig(AppConfig):
    name = "lms.people"
    label = "lms_people"
    verbose_name = _("Users and organisations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from lms.exports import wagtail_exports_neutralise

        from . import signals  # noqa: F401

        wagtail_exports_neutralise()


class LmsWagtailUsersConfig(WagtailUsersAppConfig):
    """Wagtail's users app with our user forms and visibility rule.

    A host site lists this instead of ``wagtail.users`` in INSTALLED_APPS.
    """

    user_viewset = "lms.people.admin_views.LmsUserViewSet"
