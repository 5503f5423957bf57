"""lms.sessions: Django's database sessions, one write at sign-in."""

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lms.sessions import SessionStore
from tests.people.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def db_sessions(settings):
    settings.SESSION_ENGINE = "lms.sessions"


def _session_writes(captured) -> list[str]:
    return [
        q["sql"]
        for q in captured
        if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")
    ]


def test_sign_in_writes_the_session_once_and_the_next_page_knows_the_user(
    db_sessions, client
):
    UserFactory(username="hs1", password="Dung-mat-khau-1")
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            reverse("lms_people:login"),
            {"username": "hs1", "password": "Dung-mat-khau-1"},
        )
    assert response.status_code == 302
    session_queries = [q["sql"] for q in captured if "django_session" in q["sql"]]
    # One INSERT: no existence check of the new key, no UPDATE after it.
    assert len(session_queries) == 1, session_queries
    assert session_queries[0].startswith("INSERT")
    key = client.cookies["sessionid"].value
    assert Session.objects.filter(session_key=key).exists()
    page = client.get(reverse("lms_courses:my_learning"))
    assert page.status_code == 200
    assert page.context["user"].username == "hs1"


def test_signing_in_replaces_the_visitors_session(db_sessions, client, settings):
    UserFactory(username="hs1", password="Dung-mat-khau-1")
    before = SessionStore()
    before["seen"] = True
    before.create()
    client.cookies[settings.SESSION_COOKIE_NAME] = before.session_key
    client.post(
        reverse("lms_people:login"),
        {"username": "hs1", "password": "Dung-mat-khau-1"},
    )
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before.session_key
    assert not Session.objects.filter(session_key=before.session_key).exists()
    assert SessionStore(after).load()["seen"] is True


def test_signing_out_ends_the_session_in_the_database(db_sessions, client):
    UserFactory(username="hs1", password="Dung-mat-khau-1")
    client.post(
        reverse("lms_people:login"),
        {"username": "hs1", "password": "Dung-mat-khau-1"},
    )
    key = client.cookies["sessionid"].value
    client.post(reverse("lms_people:logout"))
    assert not Session.objects.filter(session_key=key).exists()


def test_a_taken_key_is_replaced_by_another(monkeypatch):
    taken = SessionStore()
    taken["x"] = 1
    taken.create()
    keys = iter([taken.session_key, "b" * 32])
    monkeypatch.setattr("lms.sessions._new_key", lambda: next(keys))
    store = SessionStore()
    store["y"] = 2
    store.cycle_key()
    store.save()
    assert store.session_key == "b" * 32
    assert SessionStore("b" * 32).load() == {"y": 2}
    assert SessionStore(taken.session_key).load() == {"x": 1}


def test_create_draws_another_key_when_the_insert_clashes(monkeypatch):
    taken = SessionStore()
    taken.create()
    keys = iter([taken.session_key, "c" * 32])
    monkeypatch.setattr("lms.sessions._new_key", lambda: next(keys))
    store = SessionStore()
    store.create()
    assert store.session_key == "c" * 32
    assert Session.objects.filter(session_key="c" * 32).exists()


def test_a_new_session_is_one_insert(db_sessions):
    store = SessionStore()
    store["z"] = 3
    with CaptureQueriesContext(connection) as captured:
        store.save()
    writes = _session_writes(captured)
    assert [sql.split()[0] for sql in writes] == ["INSERT"]
    assert not any(
        q["sql"].startswith("SELECT") and "django_session" in q["sql"] for q in captured
    )
