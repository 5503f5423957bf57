from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_global_admin_js")
def admin_init_script():
    """Starts the widgets whose inline scripts the admin's CSP forbids."""
    return format_html('<script src="{}"></script>', static("lms/js/admin-init.js"))


@hooks.register("register_admin_urls")
def scoped_wagtail_reports():
    """Wagtail's site-history and page-types reports, limited to the viewer."""
    from lms import wagtail_reports

    wagtail_reports.install()
    return []
