from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views, data_protection, policies


@hooks.register("register_admin_urls")
def mail_admin_urls():
    return [
        path("lms/mail/", admin_views.outgoing_list, name="lms_mail_outgoing"),
        path(
            "lms/mail/<int:pk>/resend/",
            admin_views.outgoing_resend_view,
            name="lms_mail_resend",
        ),
    ]


class MailQueueMenuItem(MenuItem):
    def is_shown(self, request):
        return policies.may_see_mail_queue(user=request.user)


@hooks.register("register_lms_menu_item")
def mail_queue_menu_item():
    return MailQueueMenuItem(
        _("Mail waiting to be sent"),
        reverse("lms_mail_outgoing"),
        icon_name="mail",
        order=900,
    )


hooks.register("lms_person_data_export", data_protection.person_mail_export)
hooks.register("lms_person_erase", data_protection.person_mail_erase)
