from django.urls import path, re_path

from . import views

app_name = "lms_certificates"

CODE = r"(?P<code>[A-Za-z0-9_-]{10,64})"

urlpatterns = [
    path("verify/", views.lookup, name="lookup"),
    path("verify/trust-root.pem", views.trust_root, name="trust_root"),
    re_path(rf"^verify/{CODE}\.json$", views.verify_json, name="verify_json"),
    re_path(rf"^verify/{CODE}/$", views.verify, name="verify"),
    path("<int:pk>/pdf/", views.download, name="download"),
]
