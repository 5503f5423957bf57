from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem


@hooks.register("insert_global_admin_js")
def admin_init_script():
    """Starts the widgets whose inline scripts the admin's CSP forbids."""
    return format_html('<script src="{}"></script>', static("lms/js/admin-init.js"))


@hooks.register("insert_editor_js")
def editor_submit_script():
    """Holds an editor's button press while Wagtail's background save is on
    its way, so a new page is not sent to its create URL twice. Page and
    snippet editors alike output this hook (``wagtailadmin/generic/form.html``)."""
    return format_html('<script src="{}"></script>', static("lms/js/editor-submit.js"))


@hooks.register("register_admin_urls")
def scoped_wagtail_reports():
    """Wagtail's site-history and page-types reports, limited to the viewer."""
    from lms import wagtail_reports

    wagtail_reports.install()
    return []


@hooks.register("register_admin_urls")
def pending_tasks_admin_urls():
    from django.urls import path

    from lms import admin_views

    return [
        path(
            "lms/pending-tasks/",
            admin_views.pending_tasks_list,
            name="lms_pending_tasks",
        )
    ]


class PendingTasksMenuItem(MenuItem):
    def is_shown(self, request):
        from lms import policies

        return policies.may_see_pending_tasks(user=request.user)


@hooks.register("register_lms_menu_item")
def pending_tasks_menu_item():
    return PendingTasksMenuItem(
        _("Background tasks waiting"),
        reverse("lms_pending_tasks"),
        icon_name="time",
        order=910,
    )
