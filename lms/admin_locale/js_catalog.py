"""Our djangojs translations in the catalogue Wagtail's admin scripts read.

Wagtail serves its JavaScript catalogue from ``wagtailadmin_javascript_catalog``
with ``packages=["wagtail.admin"]``, so the strings its scripts render (the
sidebar, the comments, the StreamField controls) only come from Wagtail's own
djangojs catalogue. The view is looked up at request time through
``wagtail.admin.views.i18n.js_catalog``; installing ours there adds this app's
catalogue, which is merged last and so fills and overrides Wagtail's.
"""

from django.views.i18n import JavaScriptCatalog
from wagtail.admin.views import i18n

PACKAGES = ["wagtail.admin", "lms.admin_locale"]


def install() -> None:
    i18n.js_catalog = JavaScriptCatalog.as_view(packages=PACKAGES)
