"""Redis is an accelerator: with it unreachable, every page still answers.

The cache is configured as production configures it (lms/settings/production.py)
but pointed at a closed port, so every call to Redis is refused.
"""

import importlib.util
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse

import lms.cache
from certificates.models import Certificate, LookupCounter
from courses.page_cache import CACHED_HEADER
from lms.cache import CacheUnavailable, ResilientRedisCache
from quizzes.models import QuizAttempt
from tests.people.factories import UserFactory
from tests.quizzes.factories import QuizPageFactory, add_slots, single_choice

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
# Nothing listens here (never start a Redis on it).
CLOSED_REDIS = "redis://127.0.0.1:6399/0"


def _production_settings(monkeypatch):
    """lms.settings.production as it loads with REDIS_URL set (not installed)."""
    import lms.settings.base

    # The base settings read SECRET_KEY once, when first imported.
    monkeypatch.setattr(lms.settings.base, "SECRET_KEY", "redis-down-" + "x" * 40)
    monkeypatch.setenv("ALLOWED_HOSTS", "lms.example.edu.vn")
    monkeypatch.setenv("REDIS_URL", CLOSED_REDIS)
    monkeypatch.delenv("LMS_ANONYMOUS_PAGE_CACHE_SECONDS", raising=False)
    spec = importlib.util.find_spec("lms.settings.production")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def redis_down(settings, monkeypatch):
    """The cache, sessions and page cache exactly as production sets them."""
    production = _production_settings(monkeypatch)
    lms.cache.reset_outages()
    settings.CACHES = production.CACHES
    settings.SESSION_ENGINE = production.SESSION_ENGINE
    settings.LMS_ANONYMOUS_PAGE_CACHE_SECONDS = (
        production.LMS_ANONYMOUS_PAGE_CACHE_SECONDS
    )
    assert settings.LMS_ANONYMOUS_PAGE_CACHE_SECONDS > 0
    yield
    lms.cache.reset_outages()


def test_the_cache_degrades_to_empty_without_raising(redis_down):
    cache.set("k", 1)
    assert cache.get("k") is None
    assert cache.get("k", "default") == "default"
    assert cache.add("k", 1) is False
    assert cache.get_many(["k"]) == {}
    assert cache.has_key("k") is False
    cache.delete("k")
    with pytest.raises(CacheUnavailable):
        cache.incr("k")
    # A counter caller that sets a missing key keeps working.
    with pytest.raises(ValueError):
        cache.incr("k")
    assert cache.get_or_set("k", 5) == 5
    assert not lms.cache.cache_available()


def test_an_outage_is_logged_once_per_interval_not_per_request(
    redis_down, client, make_course, catalogue, caplog
):
    make_course()
    lms.cache.reset_outages()  # publishing the course met the outage first
    with caplog.at_level(logging.WARNING, logger="lms.cache"):
        for _ in range(3):
            assert client.get(catalogue.url).status_code == 200
    warnings = [r for r in caplog.records if r.name == "lms.cache"]
    assert len(warnings) == 1
    assert "unreachable" in warnings[0].getMessage()


def test_healthz_reports_the_cache_but_stays_healthy(redis_down, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "unreachable",
    }


def test_sign_in_page_and_sign_in_work(redis_down, client):
    UserFactory(username="hs1", password="Dung-mat-khau-1")
    url = reverse("lms_people:login")
    assert client.get(url).status_code == 200
    response = client.post(url, {"username": "hs1", "password": "Dung-mat-khau-1"})
    assert response.status_code == 302
    # The session lives in the database: the next page knows who signed in.
    home = client.get(reverse("lms_courses:my_learning"))
    assert home.status_code == 200
    assert home.context["user"].username == "hs1"


def test_sessions_never_come_back_from_the_cache(monkeypatch, client):
    # A sign-out while Redis is away must hold in every process once it
    # returns: production keeps sessions in the database only.
    production = _production_settings(monkeypatch)
    assert production.SESSION_ENGINE == "lms.sessions"
    from django.contrib.sessions.backends.cached_db import SessionStore as Cached
    from django.contrib.sessions.backends.db import SessionStore as Database

    from lms.sessions import SessionStore

    assert issubclass(SessionStore, Database) and not issubclass(SessionStore, Cached)


def test_sign_in_throttling_still_holds(redis_down, client, axes_on, settings):
    UserFactory(username="hs1", password="Dung-mat-khau-1")
    url = reverse("lms_people:login")
    codes = [
        client.post(url, {"username": "hs1", "password": "sai"}).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert codes[-1] == 429
    right = client.post(url, {"username": "hs1", "password": "Dung-mat-khau-1"})
    assert right.status_code == 429


def test_catalogue_and_course_bypass_the_page_cache(
    redis_down, client, make_course, catalogue
):
    course, _lessons = make_course(title="An toàn trên mạng")
    for url in (catalogue.url, course.url, catalogue.url):
        response = client.get(url)
        assert response.status_code == 200
        assert CACHED_HEADER not in response
    assert "An toàn trên mạng" in client.get(catalogue.url).content.decode()


def test_lesson_quiz_and_my_learning_work(redis_down, client, make_course, student):
    course, lessons = make_course(lessons=1)
    quiz = QuizPageFactory(parent=course, pass_mark=70)
    add_slots(quiz, [single_choice() for _ in range(2)])
    client.force_login(student)
    assert client.get(course.url).status_code == 200
    assert client.get(lessons[0].url).status_code == 200
    assert client.get(quiz.url).status_code == 200
    started = client.post(quiz.url, {"action": "start"})
    attempt = QuizAttempt.objects.get(user=student)
    assert started["Location"] == reverse("lms_quizzes:attempt", args=[attempt.pk])
    assert client.get(started["Location"]).status_code == 200
    first = attempt.snapshot[0]
    saved = client.post(
        reverse("lms_quizzes:save", args=[attempt.pk]),
        {first["key"]: ""},
        HTTP_ACCEPT="application/json",
    )
    assert saved.status_code == 200
    assert client.get(reverse("lms_courses:my_learning")).status_code == 200


@pytest.fixture
def issued(certified_course, tuyet, complete):
    course, lessons = certified_course
    complete(tuyet, course, lessons)
    return Certificate.objects.get(holder=tuyet)


def test_certificate_lookup_works_and_its_limit_moves_to_the_database(
    redis_down, client, issued, settings
):
    assert client.get(reverse("lms_certificates:lookup")).status_code == 200
    settings.LMS_CERTIFICATE_LOOKUP_RATE = (3, 600)
    url = f"/certificates/verify/{issued.code}.json"
    assert [client.get(url).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert LookupCounter.objects.exists()
    # The rows keep no visitor address.
    assert not LookupCounter.objects.filter(key__contains="127.0.0.1").exists()
    assert client.get(url, REMOTE_ADDR="10.0.0.9").status_code == 200
    page = client.get(f"/certificates/verify/{issued.code}/", REMOTE_ADDR="10.0.0.8")
    assert page.status_code == 200


def test_the_subject_limit_also_holds_without_the_cache(
    redis_down, client, issued, settings
):
    settings.LMS_CERTIFICATE_SUBJECT_LOOKUP_RATE = (2, 600)
    url = f"/certificates/verify/{issued.code}.json"
    codes = [client.get(url, REMOTE_ADDR=f"10.0.1.{n}").status_code for n in range(3)]
    assert codes == [200, 200, 429]


class _FlakyRedis:
    """Stands in for Django's Redis client: a dict, or refusals while down."""

    def __init__(self):
        self.data = {}
        self.down = False

    def _check(self):
        if self.down:
            from redis.exceptions import ConnectionError

            raise ConnectionError("refused")

    def get(self, key, default):
        self._check()
        return self.data.get(key, default)

    def set(self, key, value, timeout):
        self._check()
        self.data[key] = value

    def delete(self, key):
        self._check()
        return self.data.pop(key, None) is not None

    def delete_many(self, keys):
        self._check()
        for key in keys:
            self.data.pop(key, None)

    def clear(self):
        self._check()
        self.data.clear()


def test_after_a_failure_redis_is_left_alone_for_the_interval(monkeypatch):
    """One refused connection, not one per cache call of every request."""
    lms.cache.reset_outages()
    backend = ResilientRedisCache(CLOSED_REDIS, {})
    fake = backend.__dict__["_cache"] = _FlakyRedis()
    calls = []
    original = fake._check
    monkeypatch.setattr(fake, "_check", lambda: calls.append(1) or original())
    fake.down = True
    for _ in range(5):
        assert backend.get("k") is None
        backend.set("k", 1)
    assert len(calls) == 1
    backend._outage.down_until = 0.0  # the interval is over
    assert backend.get("k") is None  # Redis is tried again
    assert len(calls) == 2
    lms.cache.reset_outages()


def test_something_else_on_the_port_counts_as_unreachable():
    from redis.exceptions import InvalidResponse

    lms.cache.reset_outages()
    backend = ResilientRedisCache(CLOSED_REDIS, {})
    fake = backend.__dict__["_cache"] = _FlakyRedis()

    def not_redis(*args):
        raise InvalidResponse("Protocol Error: b'HTTP/1.1 400 Bad Request'")

    fake.get = not_redis
    assert backend.get("k", "default") == "default"
    lms.cache.reset_outages()


def test_keys_changed_during_an_outage_are_dropped_when_redis_returns(monkeypatch):
    lms.cache.reset_outages()
    monkeypatch.setattr(lms.cache, "RETRY_SECONDS", 0)
    backend = ResilientRedisCache(CLOSED_REDIS, {})
    fake = backend.__dict__["_cache"] = _FlakyRedis()
    backend.set("session", "signed in")
    backend.set("other", "kept")
    fake.down = True
    backend.delete("session")  # signing out while Redis is away: skipped
    assert backend.get("session") is None
    fake.down = False
    # Back: the value signed out meanwhile is gone, the untouched one stays.
    assert backend.get("session") is None
    assert backend.get("other") == "kept"
    lms.cache.reset_outages()


def test_a_clear_asked_for_during_an_outage_runs_when_redis_returns(monkeypatch):
    """A restore clears the cache; with Redis away it must not be forgotten."""
    lms.cache.reset_outages()
    monkeypatch.setattr(lms.cache, "RETRY_SECONDS", 0)
    backend = ResilientRedisCache(CLOSED_REDIS, {})
    fake = backend.__dict__["_cache"] = _FlakyRedis()
    backend.set("page", "before the restore")
    fake.down = True
    backend.clear()
    fake.down = False
    assert backend.get("page") is None
    lms.cache.reset_outages()


@pytest.mark.slow
def test_production_settings_use_the_resilient_cache():
    code = (
        "import json, django; django.setup(); "
        "from django.conf import settings; from django.core.cache import cache; "
        "cache.set('k', 1); "
        "print(json.dumps([settings.CACHES['default']['BACKEND'], cache.get('k'), "
        "settings.SESSION_ENGINE]))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "SECRET_KEY": "redis-check-" + "x" * 40,
        "ALLOWED_HOSTS": "lms.example.edu.vn",
        "REDIS_URL": CLOSED_REDIS,
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    backend, value, sessions = json.loads(result.stdout.strip().splitlines()[-1])
    assert backend == "lms.cache.ResilientRedisCache"
    assert value is None
    assert sessions == "lms.sessions"
