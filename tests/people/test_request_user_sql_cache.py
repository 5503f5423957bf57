"""The session and user every request reads, their SQL compiled once per
process (lms.sessions, lms.people.backends): the same rows as the ORM's."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.utils import timezone

from lms.people.backends import ProfileModelBackend
from lms.people.models import PersonProfile
from lms.sessions import SessionStore
from tests.people.factories import UserFactory
from tests.sqlcache_support import compiles

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_sqlcache")]

User = get_user_model()


def test_the_request_user_comes_with_its_profile_compiled_once(
    django_assert_num_queries,
):
    first, second = UserFactory(username="hs1"), UserFactory(username="hs2")
    backend = ProfileModelBackend()
    backend.get_user(first.pk)
    with django_assert_num_queries(1):
        user, compiled = compiles(lambda: backend.get_user(second.pk))
    assert compiled == 0
    expected = (
        User.objects.select_related("lms_profile", "guardian_contact")
        .filter(pk=second.pk)
        .get()
    )
    assert user == expected
    assert user.get_session_auth_hash() == expected.get_session_auth_hash()
    assert timezone.is_aware(user.date_joined)
    assert user.date_joined == expected.date_joined
    with django_assert_num_queries(0):
        assert user.lms_profile.full_name == expected.lms_profile.full_name
        assert not hasattr(user, "guardian_contact")
    assert backend.get_user(10**9) is None
    User.objects.filter(pk=first.pk).update(is_active=False)
    assert backend.get_user(first.pk) is None  # user_can_authenticate
    PersonProfile.objects.filter(user=first).delete()
    User.objects.filter(pk=first.pk).update(is_active=True)
    with django_assert_num_queries(1):
        user = backend.get_user(first.pk)
        assert not hasattr(user, "lms_profile")


def test_a_session_is_read_compiled_once_and_expires_as_djangos(
    django_assert_num_queries,
):
    stores = []
    for number in range(2):
        store = SessionStore()
        store["n"] = number
        store.create()
        stores.append(store.session_key)
    assert SessionStore(stores[0])["n"] == 0
    with django_assert_num_queries(1):
        store, compiled = compiles(lambda: SessionStore(stores[1]).load())
    assert compiled == 0
    assert store == {"n": 1}
    Session.objects.filter(session_key=stores[1]).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    expired = SessionStore(stores[1])
    assert expired.load() == {}
    assert expired.session_key is None
    unknown = SessionStore("x" * 32)
    assert unknown.load() == {}
    assert unknown.session_key is None
    assert SessionStore().load() == {}
