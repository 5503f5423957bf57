"""The journeys' teardown leaves nothing in flight for the database flush.

Wagtail's editor releases its editing session with a beacon when the page
goes away. A beacon still being served while the test database is flushed
held its tables and once broke the flush in CI, so every later journey on
that worker started from the old rows. ``close_all`` leaves each page first
and waits for the server, so the release is answered before the flush.
"""

import pytest
from django.urls import reverse

from tests.e2e.conftest import close_all

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_closing_the_editor_releases_its_session_before_the_flush(browse):
    from wagtail.admin.models import EditingSession

    from quizzes.models import Question

    question = Question.objects.filter(category__school__code="DEMO").first()
    admin = browse("teardown-editor")
    admin.sign_in("schooladmin")
    admin.goto(reverse("wagtailsnippets_lms_quizzes_question:edit", args=[question.pk]))
    admin.page.wait_for_load_state("networkidle")
    assert EditingSession.objects.count() == 1

    close_all([admin])

    assert EditingSession.objects.count() == 0
