from django.urls import path, re_path

from . import badge_views, views

app_name = "lms_certificates"

CODE = r"(?P<code>[A-Za-z0-9_-]{10,64})"

urlpatterns = [
    path("verify/", views.lookup, name="lookup"),
    path("verify/trust-root.pem", views.trust_root, name="trust_root"),
    re_path(rf"^verify/{CODE}\.json$", views.verify_json, name="verify_json"),
    re_path(rf"^verify/{CODE}/$", views.verify, name="verify"),
    # Open Badges 3.0 (certificates/badges.py).
    re_path(
        rf"^verify/{CODE}/badge\.json$", badge_views.verify_badge, name="verify_badge"
    ),
    path(
        "badges/status/<int:number>.json",
        badge_views.status_list,
        name="badge_status_list",
    ),
    path("badges/keys.json", badge_views.issuer_keys, name="badge_keys"),
    path("<int:pk>/pdf/", views.download, name="download"),
]
