"""The script that holds an editor's button press while Wagtail's background
save is on its way (its behaviour: tests/e2e/test_editor_autosave.py)."""

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static

pytestmark = pytest.mark.django_db

SCRIPT = "lms/js/editor-submit.js"


def test_every_admin_page_loads_the_editor_submit_script(client, superuser):
    client.force_login(superuser)
    html = client.get("/admin/").content.decode()
    assert f'<script src="{static(SCRIPT)}"></script>' in html


def test_the_script_ships_with_the_app():
    assert finders.find(SCRIPT)
