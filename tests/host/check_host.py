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
# Our layout fills the host base's blocks: our stylesheet, our scoped content.
assert "lms/lms.css" in body.partition("</head>")[0], body[:500]
assert '<div class="lms">' in body, body[:500]
response = Client().get("/tai-khoan/dang-nhap/", HTTP_HOST="localhost")
assert response.status_code == 200, response.status_code
assert 'name="password"' in response.content.decode()

# seed_demo in a site in use refuses and changes nothing (with --force it adds
# the demo beside the host's pages: tests/test_seed_demo_safety.py).
from io import StringIO  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import CommandError  # noqa: E402

from tests.host.home.models import HomePage as HostHomePage  # noqa: E402

# As `wagtail start` does: the host's HomePage replaces Wagtail's welcome page.
root = Page.get_first_root_node()
root.get_children().get(slug="home").delete()
root = Page.get_first_root_node()
root.add_child(instance=HostHomePage(title="Host home", slug="home"))
host_admin = get_user_model().objects.create_superuser(
    "admin", "owner@host.example", "host-own-password"
)
try:
    call_command("seed_demo", stdout=StringIO())
except CommandError as refused:
    assert "admin" in str(refused) and "Host home" in str(refused), refused
else:
    raise AssertionError("seed_demo ran on a site in use without --force")
host_admin.refresh_from_db()
assert host_admin.check_password("host-own-password")
assert get_user_model().objects.count() == 1
print("HOST-OK")
