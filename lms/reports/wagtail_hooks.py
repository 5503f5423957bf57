from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.menus import MenuItem as ListingMenuItem

from lms.people.policies import family_letter_classes

from . import urls
from .dashboard import dashboard_panels
from .policies import request_may_view_reports

# Other apps may add their own reports to the menu through this hook.
REPORTS_MENU_HOOK = "register_lms_reports_menu_item"


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path("lms/reports/", include((urls, "lms_reports"), namespace="lms_reports"))
    ]


def _shown(request) -> bool:
    # Asked by every menu item on every admin page: one query per request.
    return request_may_view_reports(request)


class ReportsMenuItem(SubmenuMenuItem):
    def is_shown(self, request):
        return _shown(request)


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return _shown(request)


@hooks.register("register_admin_menu_item")
def register_reports_menu():
    return ReportsMenuItem(
        _("Training reports"),
        Menu(register_hook_name=REPORTS_MENU_HOOK),
        name="lms-reports",
        icon_name="table",
        order=206,
    )


@hooks.register(REPORTS_MENU_HOOK)
def completion_menu_item():
    return ReportMenuItem(
        _("Completion"), reverse("lms_reports:completion"), icon_name="tasks", order=10
    )


@hooks.register(REPORTS_MENU_HOOK)
def learners_menu_item():
    return ReportMenuItem(
        _("Learners by class"),
        reverse("lms_reports:learners"),
        icon_name="group",
        order=20,
    )


@hooks.register(REPORTS_MENU_HOOK)
def department_menu_item():
    return ReportMenuItem(
        _("Schools side by side"),
        reverse("lms_reports:department"),
        icon_name="site",
        order=30,
    )


@hooks.register(REPORTS_MENU_HOOK)
def annual_menu_item():
    return ReportMenuItem(
        _("Annual implementation report"),
        reverse("lms_reports:annual"),
        icon_name="doc-full",
        order=40,
    )


@hooks.register("construct_homepage_panels")
def add_dashboard_panels(request, panels):
    """Each member of staff's own panels, before Wagtail's (see dashboard.py)."""
    panels.extend(dashboard_panels(request))


@hooks.register("lms_class_listing_buttons")
def family_letters_button(request, school_class) -> list[ListingMenuItem]:
    """ "In thư gửi phụ huynh" on each class its viewer may print letters for."""
    # Asked for every row of the class list: the viewer's classes, read once.
    if not hasattr(request, "_lms_family_letter_classes"):
        request._lms_family_letter_classes = set(
            family_letter_classes(user=request.user).values_list("pk", flat=True)
        )
    if school_class.pk not in request._lms_family_letter_classes:
        return []
    return [
        ListingMenuItem(
            _("Print letters to families"),
            url=reverse("lms_reports:family_letters", args=[school_class.pk]),
            icon_name="mail",
            priority=40,
        )
    ]
