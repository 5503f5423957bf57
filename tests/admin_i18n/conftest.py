import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings

from tests.security.access.world import build_world

# The staff roles of issue 13, as people of the access suite's world.
STAFF_ROLES = {
    "homeroom_teacher": "homeroom_a",
    "teacher": "teacher_a",
    "school_admin": "admin_a",
    "officer": "officer",
}


@pytest.fixture(autouse=True)
def _media_root():
    """The world's files live in its own media folder (set in `world`)."""


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The access suite's world, built once per module and rolled back.

    Every test using it also asks for `db`: pytest-django runs such tests
    before the transactional ones, whose flush removes the groups, site and
    workflow that migrations made and the world relies on.
    """
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("admin-i18n-media"))
    media.enable()
    with django_db_blocker.unblock():
        with transaction.atomic():
            built = build_world()
            yield built
            transaction.set_rollback(True)
    media.disable()
    cache.clear()


@pytest.fixture
def staff_client(world, db):
    """A client signed in as the person holding one of `STAFF_ROLES`."""

    def client_for(role: str) -> Client:
        client = Client()
        client.force_login(world[STAFF_ROLES[role]])
        return client

    return client_for
