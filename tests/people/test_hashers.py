"""Passwords are hashed with Argon2id at OWASP's cost; older hashes upgrade."""

import pytest
from django.conf import settings as project_settings
from django.contrib.auth.hashers import identify_hasher, make_password
from django.urls import reverse

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
    user = User.objects.create(username="hs", full_name="Lê Văn A")
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
