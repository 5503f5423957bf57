from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from lms import wagtail_reports
from lms.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("tai-khoan/", include("lms.people.urls")),
    path("hoc-tap/", include("courses.urls")),
    path("hoc-tap/bai-kiem-tra/", include("quizzes.urls")),
    path("certificates/", include("certificates.urls")),
    # Wagtail's site-history report, limited to what the viewer may see.
    path("admin/reports/", include(wagtail_reports.urlpatterns)),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
