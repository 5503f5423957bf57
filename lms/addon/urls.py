"""Every URL of the add-on, for ``path("", include("lms.addon.urls"))``.

The standalone site (``lms/urls.py``) includes this too. Admin pages come
through Wagtail's ``register_admin_urls`` hook, not from here.
"""

from django.urls import include, path

from lms.views import favicon

urlpatterns = [
    # Browsers ask for it whatever the page says: a redirect to our icon.
    path("favicon.ico", favicon, name="lms_favicon"),
    # The language switcher posts to Django's set_language view.
    path("i18n/", include("django.conf.urls.i18n")),
    path("tai-khoan/", include("lms.people.urls")),
    path("hoc-tap/", include("courses.urls")),
    path("hoc-tap/bai-kiem-tra/", include("quizzes.urls")),
    path("certificates/", include("certificates.urls")),
]
