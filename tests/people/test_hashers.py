"""Passwords are hashed with Argon2id at OWASP's cost; older hashes upgrade."""

from pathlib import Path

import pytest
from django.conf import settings as project_settings
from django.contrib.auth.hashers import identify_hasher, make_password
from django.urls import reverse

from lms.people import hashers
from lms.people.models import User
from lms.people.roster.credentials import initial_password_hash
from lms.settings import base

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_hashers(settings):
    """The project's hashers (the test settings use MD5 for speed)."""
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    return settings


def test_new_passwords_are_argon2id_with_owasp_parameters(production_hashers):
    encoded = make_password("Mat-khau-123")
    # $argon2id$v=19$m=19456,t=2,p=1$...
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert identify_hasher(encoded).verify("Mat-khau-123", encoded)


def test_a_pbkdf2_hash_still_signs_in_and_is_upgraded(production_hashers, client):
    user = User.objects.create(username="hs")
    user.password = make_password(
        "Mat-khau-123", hasher="pbkdf2_sha256"
    )  # as stored before this change
    user.save()
    response = client.post(
        reverse("lms_people:login"), {"username": "hs", "password": "Mat-khau-123"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


def test_initial_passwords_use_the_cheap_one_time_hash_under_argon2(
    production_hashers,
):
    encoded = initial_password_hash("abcd-efgh-jkmn")
    assert encoded.startswith("pbkdf2_sha256$20000$")
    assert identify_hasher(encoded).must_update(encoded)


def test_the_test_settings_keep_a_fast_hasher():
    assert project_settings.PASSWORD_HASHERS[0].endswith("MD5PasswordHasher")


@pytest.fixture
def counted_default_hasher(production_hashers, monkeypatch):
    """Counts runs (verify or encode) of the default hasher, Argon2id."""
    from lms.people.hashers import Argon2idPasswordHasher

    runs = []
    for name in ("verify", "encode"):
        original = getattr(Argon2idPasswordHasher, name)

        def counted(self, *args, _original=original, _name=name, **kwargs):
            runs.append(_name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(Argon2idPasswordHasher, name, counted)
    return runs


def _account(username, encoded):
    user = User.objects.create(username=username)
    user.password = encoded
    user.save()
    return user


@pytest.mark.parametrize("outcome", ["wrong", "right"])
def test_sign_in_runs_the_default_hasher_once_whichever_hash_the_account_has(
    counted_default_hasher, client, outcome
):
    _account("used", make_password("abcd-efgh-jkmn"))
    _account("roster", initial_password_hash("abcd-efgh-jkmn"))
    assert not User.objects.get(username="roster").password.startswith("argon2")
    password = "abcd-efgh-jkmn" if outcome == "right" else "wrong-pass-1234"
    runs = {}
    for username in ("used", "roster"):
        counted_default_hasher.clear()
        client.post(
            reverse("lms_people:login"), {"username": username, "password": password}
        )
        client.logout()
        runs[username] = len(counted_default_hasher)
    assert runs["used"] == runs["roster"] == 1


def _rss_mib() -> float:
    with open("/proc/self/status") as status:
        line = next(row for row in status if row.startswith("VmRSS"))
    return int(line.split()[1]) / 1024


@pytest.mark.skipif(
    not Path("/proc/self/status").exists() or hashers._malloc_trim() is None,  # noqa: SLF001
    reason="glibc on Linux",
)
def test_the_argon2_work_area_does_not_stay_in_the_process():
    """glibc keeps a freed 19 MiB block in the heap from the second hash on;
    a web worker would hold it after its second sign-in, for good."""
    hasher = hashers.Argon2idPasswordHasher()
    encoded = hasher.encode("Mat-khau-123", hasher.salt())
    before = _rss_mib()
    for _ in range(3):
        assert hasher.verify("Mat-khau-123", encoded)
        hasher.encode("Mat-khau-123", hasher.salt())
    assert _rss_mib() - before < 8
