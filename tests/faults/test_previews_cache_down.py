# ruff: noqa: F811  (fixtures imported from other test modules)
"""Import previews while the cache is away: a clear refusal, never a loop.

The uploaded file waits in the cache between the preview and the
confirmation. While the cache is unreachable it cannot wait there, so the
preview says so (and offers no confirmation that would fail) instead.
"""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

import lms.cache
from lms.people.models import Role, User
from quizzes.models import Question
from tests.faults.test_redis_down import redis_down  # noqa: F401
from tests.people.test_roster_admin import INDEX, preview, setup  # noqa: F401
from tests.quizzes.test_bank import GIFT, _upload

pytestmark = pytest.mark.django_db
REFUSAL = "Hiện không giữ được tệp để chờ xác nhận"


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_question_import_preview_says_the_file_cannot_wait(
    redis_down, client, make_learner
):
    client.force_login(make_learner("qtt", role=Role.SCHOOL_ADMIN))
    response = _upload(client, GIFT.encode())
    assert response.status_code == 200
    assert "token" not in response.context
    assert any(REFUSAL in text for text in _messages(response))
    assert not Question.objects.exists()


def test_a_roster_import_preview_says_the_file_cannot_wait(redis_down, client, setup):
    client.force_login(setup["admin"])
    response = preview(client, setup)
    assert response.status_code == 200
    assert "token" not in response.context
    assert any(REFUSAL in text for text in _messages(response))
    assert 'name="token"' not in response.content.decode()
    assert not User.objects.filter(lms_profile__student_code="HS001").exists()


def test_with_the_cache_back_the_preview_offers_its_confirmation(client, make_learner):
    lms.cache.reset_outages()
    client.force_login(make_learner("qtt", role=Role.SCHOOL_ADMIN))
    response = _upload(client, GIFT.encode())
    assert response.context["token"]
    assert not _messages(response)
    done = client.post(
        reverse("lms_quizzes_import"), {"token": response.context["token"]}
    )
    assert done.status_code == 302
