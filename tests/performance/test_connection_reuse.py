"""Per-request costs that are set up once per process instead: the Redis
clients of the cache and of the task queue, and Wagtail's site lookup with
its SQL compiled once (lms.cache, lms.task_backends, lms.middleware)."""

import django_rq
import pytest
from django.test import RequestFactory
from wagtail.models import Site

from lms.cache import ResilientRedisCache
from lms.task_backends import ResilientRQBackend, queue_connection
from tests.sqlcache_support import compiles

# Nothing listens here (never start a Redis on it); no command is sent.
CLOSED_REDIS = "redis://127.0.0.1:6399/0"


def test_the_cache_keeps_one_redis_client_per_pool():
    cache = ResilientRedisCache(CLOSED_REDIS, {})
    client = cache._cache.get_client("k")
    assert cache._cache.get_client("other") is client
    assert cache._cache.get_client("k", write=True) is client


def test_the_queue_keeps_one_redis_client_per_configuration(settings):
    settings.RQ_QUEUES = {"default": {"URL": CLOSED_REDIS}}
    first = queue_connection("default")
    assert queue_connection("default") is first
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:6399/1"}}
    other = queue_connection("default")
    assert other is not first
    assert other.connection_pool.connection_kwargs["db"] == 1


def test_enqueueing_uses_the_kept_queue_client(settings):
    settings.RQ_QUEUES = {"default": {"URL": CLOSED_REDIS}}
    ResilientRQBackend("default", {"QUEUES": ["default"], "OPTIONS": {}})
    queue = django_rq.get_queue("default")
    assert queue.connection is queue_connection("default")
    assert django_rq.get_queue("default").connection is queue.connection


@pytest.mark.django_db
@pytest.mark.usefixtures("fresh_sqlcache")
def test_wagtails_site_lookup_compiles_its_sql_once(site_root):
    """As `{% pageurl %}` finds the site outside page serving (a quiz
    review, "My learning"): the same site, the query compiled once."""
    expected = Site.objects.get(is_default_site=True)
    factory = RequestFactory()
    assert Site.find_for_request(factory.get("/")) == expected
    site, compiled = compiles(lambda: Site.find_for_request(factory.get("/")))
    assert site == expected
    assert site.root_page == site_root
    assert compiled == 0
