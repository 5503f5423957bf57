"""The script that holds an editor's button press while Wagtail's background
save is on its way (its behaviour: tests/e2e/test_editor_autosave.py)."""

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

pytestmark = pytest.mark.django_db

SCRIPT = "lms/js/editor-submit.js"


def _loads_script(client, url: str) -> bool:
    html = client.get(url).content.decode()
    return f'<script src="{static(SCRIPT)}"></script>' in html


def test_page_and_snippet_editors_load_the_editor_submit_script(client, superuser):
    from wagtail.models import Page

    client.force_login(superuser)
    home = Page.objects.get(depth=2)
    assert _loads_script(client, reverse("wagtailadmin_pages:edit", args=[home.pk]))
    assert _loads_script(
        client,
        reverse(
            "wagtailadmin_pages:add", args=["lms_courses", "courseindexpage", home.pk]
        ),
    )
    assert _loads_script(client, reverse("wagtailsnippets_lms_quizzes_question:add"))


def test_other_admin_pages_do_without_it(client, superuser):
    client.force_login(superuser)
    assert not _loads_script(client, "/admin/")


def test_the_script_ships_with_the_app():
    assert finders.find(SCRIPT)
