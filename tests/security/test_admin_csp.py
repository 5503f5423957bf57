"""The Wagtail admin sends a Content-Security-Policy too."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _directives(response, header="Content-Security-Policy") -> dict[str, list[str]]:
    policy = response[header]
    parts = [part.split() for part in policy.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


@pytest.mark.parametrize(
    "url_name", ["wagtailadmin_home", "wagtailadmin_explore_root", "wagtailadmin_login"]
)
def test_admin_pages_run_no_inline_or_evaluated_script(client, superuser, url_name):
    client.force_login(superuser)
    response = client.get(reverse(url_name))
    directives = _directives(response)
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    # The admin frames its own previews, and nobody else frames the admin.
    assert directives["frame-ancestors"] == ["'self'"]
    # What is left to move out of inline script is reported, not yet enforced.
    report_only = _directives(response, "Content-Security-Policy-Report-Only")
    assert report_only["script-src"] == ["'self'"]


def test_learner_pages_keep_their_stricter_policy(client):
    directives = _directives(client.get(reverse("lms_people:login")))
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["style-src"] == ["'self'"]
