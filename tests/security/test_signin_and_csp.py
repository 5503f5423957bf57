"""Sign-in throttling and the Content-Security-Policy of learner pages."""

import pytest
from django.urls import reverse

from lms.security import client_ip
from tests.people.factories import UserFactory

pytestmark = pytest.mark.django_db

SCHOOL_IP = "203.0.113.7"


def _sign_in(client, username, password, ip=SCHOOL_IP):
    return client.post(
        reverse("lms_people:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )


def test_five_wrong_passwords_pause_that_account_on_that_address_only(
    client, axes_on, settings
):
    UserFactory(username="hs1", password="Dung-mat-khau-1")
    UserFactory(username="hs2", password="Dung-mat-khau-2")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(client, "hs1", "sai").status_code == 200
    locked = _sign_in(client, "hs1", "sai")
    assert locked.status_code == 429
    assert "tạm dừng" in locked.content.decode()
    # Even the right password waits for the cool-off...
    assert _sign_in(client, "hs1", "Dung-mat-khau-1").status_code == 429
    # ...but classmates behind the same school address still sign in,
    assert _sign_in(client, "hs2", "Dung-mat-khau-2").status_code == 302
    # and the same student from home is not blocked.
    client.logout()
    at_home = _sign_in(client, "hs1", "Dung-mat-khau-1", ip="198.51.100.2")
    assert at_home.status_code == 302


def test_lockout_ends_after_the_cool_off(client, axes_on, settings):
    import datetime

    from axes.models import AccessAttempt

    UserFactory(username="hs1", password="Dung-mat-khau-1")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "hs1", "sai")
    assert _sign_in(client, "hs1", "Dung-mat-khau-1").status_code == 429
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )
    assert _sign_in(client, "hs1", "Dung-mat-khau-1").status_code == 302


def test_client_ip_trusts_only_our_proxies(rf, settings):
    request = rf.get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7"
    )
    settings.LMS_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
    settings.LMS_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.7"


def test_learner_pages_forbid_inline_script(client):
    response = client.get(reverse("lms_people:login"))
    policy = response["Content-Security-Policy"]
    parts = [part.split() for part in policy.split(";") if part.strip()]
    directives = {part[0]: part[1:] for part in parts}
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert "<script>" not in response.content.decode()
