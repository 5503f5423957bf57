import pytest
from django.core.cache import cache
from django.db import transaction
from django.test.utils import override_settings

from .world import build_world


@pytest.fixture(autouse=True)
def _media_root():
    """The world's files live in its own media folder (set in `world`)."""


@pytest.fixture(autouse=True)
def _fresh_lookup_limits():
    """Each request of the suite starts under the public lookup limits: the
    per-code counters (cache) would otherwise add up across personas and URLs
    of one certificate and answer 429 instead of the access decision."""
    cache.clear()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once per module inside a transaction rolled back at
    the end; each test's own `db` savepoint undoes what its request did."""
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("access-media"))
    media.enable()
    with django_db_blocker.unblock():
        with transaction.atomic():
            built = build_world()
            yield built
            transaction.set_rollback(True)
    media.disable()
    cache.clear()


@pytest.fixture(scope="module")
def clients(world, django_db_blocker):
    """One signed-in client per relation, their sessions part of the world.

    Signing out or changing a password gives the client a new session that
    the test's rollback removes: each test starts from the world's session.
    """
    from django.conf import settings
    from django.test import Client

    made = {"anonymous": Client()}
    with django_db_blocker.unblock():
        for relation, person in world.people.items():
            made[relation] = Client()
            made[relation].force_login(person)
    keys = {
        relation: client.cookies.get(settings.SESSION_COOKIE_NAME)
        for relation, client in made.items()
    }

    def client_for(relation):
        client = made[relation]
        client.cookies.clear()
        if keys[relation] is not None:
            client.cookies[settings.SESSION_COOKIE_NAME] = keys[relation].value
        return client

    return client_for
