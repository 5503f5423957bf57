"""The Wagtail admin without inline script, so its CSP can say script-src 'self'.

Wagtail 8 starts a few widgets with an inline <script>: the chooser widgets
(page, image, document, snippet, task) from Python, the inline panels and the
date/time fields from templates. Each now writes the same call as a JSON data
block, which lms/js/admin-init.js (loaded on every admin page) runs: the
choosers here, the date/time fields through our widget templates (set below:
form widgets render through the app template directories only), the inline
panels through lms/people/templates/wagtailadmin/panels/ (an app directory, so
the overrides ship with the package and apply in a host site).
"""

import json

from django.utils.html import escapejs, format_html
from django.utils.safestring import mark_safe
from wagtail.admin.widgets.chooser import BaseChooser
from wagtail.admin.widgets.datetime import (
    AdminDateInput,
    AdminDateTimeInput,
    AdminTimeInput,
)
from wagtail.admin.widgets.workflows import AdminTaskChooser

_inline_script_render = BaseChooser.render


def chooser_render(self, name, value, attrs=None, renderer=None):
    """BaseChooser.render with the start-up call as data, not inline script."""
    overrides_init = type(self).render_js_init is not BaseChooser.render_js_init
    if (
        not attrs
        or "id" not in attrs
        or (overrides_init and not isinstance(self, AdminTaskChooser))
    ):
        # Start-up code we do not know: Wagtail's own, which the CSP blocks;
        # such a widget needs a case here and in admin-init.js.
        return _inline_script_render(self, name, value, attrs, renderer)
    id_ = attrs["id"]
    value_data = self.get_value_data(value)
    widget_html = mark_safe(self.render_html(name, value_data, attrs))  # noqa: S308 - Wagtail's rendered template
    if isinstance(self, AdminTaskChooser):
        kind, constructor, options = "createTaskChooser", "", {}
    else:
        kind, constructor = "chooser", self.js_constructor
        options = self.get_js_init_options(id_, name, value_data)
    return format_html(
        '{}<script type="application/json" data-lms-init="{}" '
        'data-lms-constructor="{}" data-lms-for="{}">{}</script>',
        widget_html,
        kind,
        constructor,
        id_,
        escapejs(json.dumps(options)),
    )


def install() -> None:
    BaseChooser.render = chooser_render
    for widget, name in (
        (AdminDateInput, "date_input"),
        (AdminTimeInput, "time_input"),
        (AdminDateTimeInput, "datetime_input"),
    ):
        widget.template_name = f"lms/admin/widgets/{name}.html"
