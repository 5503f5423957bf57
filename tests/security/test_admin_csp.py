"""The Wagtail admin sends a Content-Security-Policy too."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parts = [part.split() for part in policy.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


@pytest.mark.parametrize(
    "url_name", ["wagtailadmin_home", "wagtailadmin_explore_root", "wagtailadmin_login"]
)
def test_admin_pages_run_no_inline_or_evaluated_script(client, superuser, url_name):
    client.force_login(superuser)
    response = client.get(reverse(url_name))
    directives = _directives(response)
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    # The admin frames its own previews, and nobody else frames the admin.
    assert directives["frame-ancestors"] == ["'self'"]


def test_learner_pages_keep_their_stricter_policy(client):
    directives = _directives(client.get(reverse("lms_people:login")))
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["style-src"] == ["'self'"]


def test_chooser_widgets_start_without_inline_script(client, superuser, make_course):
    course, _lessons = make_course(lessons=0)
    client.force_login(superuser)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[course.pk])).content
    html = html.decode()
    assert 'data-lms-init="chooser" data-lms-constructor="ImageChooser"' in html
    assert "<script>new ImageChooser" not in html
    assert "<script>" not in html
