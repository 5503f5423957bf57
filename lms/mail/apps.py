from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    """Outgoing e-mail: one queue in the database, sent by a worker or cron.

    Of our apps it imports only lms.people (its policies); the apps that
    send mail import this one.
    """

    name = "lms.mail"
    label = "lms_mail"
    verbose_name = _("Outgoing mail")
    default_auto_field = "django.db.models.BigAutoField"
