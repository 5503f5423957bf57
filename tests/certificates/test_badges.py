"""Open Badges 3.0: the signed credential, its status list and its checks."""

import copy
import json

import pytest

from certificates import badges
from certificates.models import Certificate

from .conftest import NAME

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def issued(certified_course, tuyet, complete):
    course, lessons = certified_course
    complete(tuyet, course, lessons)
    return Certificate.objects.get(holder=tuyet)


def _badge(client, certificate) -> dict:
    response = client.get(f"/certificates/verify/{certificate.code}/badge.json")
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def test_smoke(client, issued):
    badge = _badge(client, issued)
    print(json.dumps(badge, indent=1, ensure_ascii=False))
    result = badges.check_badge(badge, trusted=badges.site_trusted_keys())
    assert result.verdict == "valid", result.message
