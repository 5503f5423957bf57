"""Boot the host settings, migrate, publish one of our pages and fetch it.

Run as a separate process (its settings differ from the test suite's):
``python -m tests.host.check_host`` prints HOST-OK and the status on success.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.host.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from wagtail.models import Page, Site  # noqa: E402

from lms.home.models import HomePage  # noqa: E402

call_command("migrate", verbosity=0, interactive=False)
root = Page.get_first_root_node()
page = HomePage(title="Add-on page", slug="addon")
root.add_child(instance=page)
page.save_revision().publish()
site = Site.objects.get(is_default_site=True)
site.root_page = page
site.save()
response = Client().get("/", HTTP_HOST="localhost")
body = response.content.decode()
assert response.status_code == 200, response.status_code
assert "host-layout" in body and "Add-on page" in body, body[:500]
response = Client().get("/tai-khoan/dang-nhap/", HTTP_HOST="localhost")
assert response.status_code == 200, response.status_code
assert 'name="password"' in response.content.decode()
print("HOST-OK")
