"""A host that keeps auth.User adopts the apps: its users get LMS profiles.

Run as a separate process: ``python -m tests.host.check_auth_user`` prints
AUTH-USER-OK on success. An editor created before our apps were migrated
gets a profile named after them; a new user gets one when created; Wagtail's
user admin (plain "wagtail.users") serves our forms, which write the profile.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.host.settings_auth_user")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from lms.people.models import PersonProfile  # noqa: E402
from lms.people.profiles import profile_of  # noqa: E402

assert get_user_model() is User
call_command("check", fail_level="WARNING")
# The host's site before it adopts the add-on: auth and its editor only
# (bulk_create, as no signal of ours ran then).
call_command("migrate", "auth", verbosity=0, interactive=False)
(editor,) = User.objects.bulk_create(
    [
        User(
            username="editor",
            first_name="Lan",
            last_name="Trần",
            password=make_password("Pw-123456"),
            is_superuser=True,
            is_staff=True,
        )
    ]
)
editor = User.objects.get(username="editor")
call_command("migrate", verbosity=0, interactive=False)
assert PersonProfile.objects.get(user=editor).full_name == "Lan Trần"

learner = User.objects.create_user("hs01", password="Pw-123456")
assert profile_of(learner).full_name == "hs01"
PersonProfile.objects.filter(user=learner).update(must_change_password=True)

client = Client()
assert client.login(username="editor", password="Pw-123456")
response = client.get("/admin/users/", HTTP_HOST="localhost")
assert response.status_code == 200, response.status_code
assert "Lan Trần" in response.content.decode()
response = client.post(
    "/admin/users/new/",
    {
        "username": "gv01",
        "email": "",
        "full_name": "Nguyễn  Thị Ánh Tuyết",
        "student_code": "GV01",
        "password1": "Pw-123456-x",
        "password2": "Pw-123456-x",
    },
    HTTP_HOST="localhost",
)
assert response.status_code == 302, response.content.decode()[:2000]
created = User.objects.get(username="gv01")
assert profile_of(created).full_name == "Nguyễn Thị Ánh Tuyết"
assert profile_of(created).student_code == "GV01"
# What Wagtail shows of a user (get_full_name) follows the profile's name.
assert created.get_full_name() == "Nguyễn Thị Ánh Tuyết"

# The profile's flag sends the learner to change their initial password.
learner_client = Client()
assert learner_client.login(username="hs01", password="Pw-123456")
response = learner_client.get("/admin/", HTTP_HOST="localhost")
assert response.status_code == 302, response.status_code
assert "/tai-khoan/" in response["Location"], response["Location"]
print("AUTH-USER-OK")
