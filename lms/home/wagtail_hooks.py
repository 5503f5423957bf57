from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_global_admin_js")
def admin_init_script():
    """Starts the widgets whose inline scripts the admin's CSP forbids."""
    return format_html(
        '<script src="{}"></script>', static("lms_home/js/admin-init.js")
    )
