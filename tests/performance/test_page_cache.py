"""Anonymous catalogue and course pages come from the cache; nothing else does."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client

from courses.page_cache import CACHED_HEADER

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def page_cache_on(settings):
    settings.LMS_ANONYMOUS_PAGE_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def test_anonymous_second_catalogue_request_costs_no_query(
    client, make_course, catalogue, page_cache_on, django_assert_num_queries
):
    make_course(title="An toàn trên mạng")
    first = client.get(catalogue.url)
    assert first.status_code == 200
    assert first[CACHED_HEADER] == "miss"
    with django_assert_num_queries(0):
        second = client.get(catalogue.url)
    assert second[CACHED_HEADER] == "hit"
    assert "An toàn trên mạng" in second.content.decode()
    assert "Cookie" in second["Vary"]


def test_anonymous_course_page_is_cached(
    client, make_course, page_cache_on, django_assert_num_queries
):
    course, _lessons = make_course()
    client.get(course.url)
    with django_assert_num_queries(0):
        response = client.get(course.url)
    assert response[CACHED_HEADER] == "hit"
    assert course.title in response.content.decode()


def test_publishing_a_course_refreshes_the_cached_pages(
    client, make_course, catalogue, page_cache_on
):
    course, _lessons = make_course(title="Tên cũ")
    client.get(catalogue.url)
    client.get(course.url)
    assert client.get(course.url)[CACHED_HEADER] == "hit"

    course.title = "Tên mới"
    course.save_revision().publish()

    for url in (catalogue.url, course.url):
        response = client.get(url)
        assert response[CACHED_HEADER] == "miss"
        html = response.content.decode()
        assert "Tên mới" in html
        assert "Tên cũ" not in html


def test_unpublishing_a_course_removes_it_from_the_cached_catalogue(
    client, make_course, catalogue, page_cache_on
):
    course, _lessons = make_course(title="Sắp gỡ")
    assert "Sắp gỡ" in client.get(catalogue.url).content.decode()
    course.unpublish()
    assert "Sắp gỡ" not in client.get(catalogue.url).content.decode()
    assert client.get(course.url).status_code == 404


def test_signed_in_learner_never_gets_a_cached_page(
    client, make_course, catalogue, student, page_cache_on
):
    course, _lessons = make_course()
    anonymous = Client()
    anonymous.get(course.url)
    assert anonymous.get(course.url)[CACHED_HEADER] == "hit"

    client.force_login(student)
    for _ in range(2):
        for url in (course.url, catalogue.url):
            response = client.get(url)
            assert response.status_code == 200
            assert CACHED_HEADER not in response
    html = client.get(course.url).content.decode()
    assert "Sign in to start" not in html
    assert "Đăng nhập để bắt đầu" not in html


def test_a_signed_in_page_is_never_stored_for_anonymous_visitors(
    client, make_course, student, page_cache_on
):
    course, _lessons = make_course()
    client.force_login(student)
    client.get(course.url)
    response = Client().get(course.url)
    assert response[CACHED_HEADER] == "miss"


def test_each_visitor_gets_their_own_csrf_token_and_cookie(
    make_course, catalogue, page_cache_on
):
    make_course()
    first = Client(enforce_csrf_checks=True)
    first.get(catalogue.url)
    second = Client(enforce_csrf_checks=True)
    response = second.get(catalogue.url)
    assert response[CACHED_HEADER] == "hit"
    token = TOKEN.search(response.content.decode()).group(1)
    assert token != "__lms_csrf_token__"
    assert second.cookies["csrftoken"].value != first.cookies["csrftoken"].value
    # The token in the cached page works with this visitor's cookie.
    switched = second.post(
        "/i18n/setlang/",
        {"csrfmiddlewaretoken": token, "language": "en", "next": "/"},
    )
    assert switched.status_code == 302


def test_query_strings_and_session_holders_bypass_the_cache(
    client, make_course, catalogue, page_cache_on
):
    make_course()
    client.get(catalogue.url)
    assert CACHED_HEADER not in client.get(catalogue.url + "?utm=1")
    client.cookies["sessionid"] = "anything"
    assert CACHED_HEADER not in client.get(catalogue.url)


def test_languages_are_cached_apart(client, make_course, catalogue, page_cache_on):
    make_course()
    vietnamese = client.get(catalogue.url)
    client.cookies["django_language"] = "en"
    english = client.get(catalogue.url)
    assert english[CACHED_HEADER] == "miss"
    assert english["Content-Language"] == "en"
    assert vietnamese["Content-Language"] == "vi"


def test_cache_is_off_unless_configured(client, make_course, catalogue, settings):
    settings.LMS_ANONYMOUS_PAGE_CACHE_SECONDS = 0
    make_course()
    client.get(catalogue.url)
    assert CACHED_HEADER not in client.get(catalogue.url)


@pytest.mark.slow
def test_production_serves_static_files_compressed_with_hashed_names():
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps([settings.STORAGES['staticfiles']['BACKEND'], "
        "settings.LMS_ANONYMOUS_PAGE_CACHE_SECONDS, "
        "'whitenoise.middleware.WhiteNoiseMiddleware' in settings.MIDDLEWARE]))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "SECRET_KEY": "static-check-" + "x" * 40,
        "ALLOWED_HOSTS": "lms.example.edu.vn",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }
    env.pop("LMS_ANONYMOUS_PAGE_CACHE_SECONDS", None)
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    backend, seconds, whitenoise = json.loads(result.stdout.strip().splitlines()[-1])
    assert backend == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert whitenoise
    assert seconds == 300
