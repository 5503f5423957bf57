"""Questions under review in the browser: the demo collaborator saves a draft
of a DEMO question and submits it; schooladmin sees approve and request
changes. Screenshots at both widths in var/e2e/ (question-review-*)."""

import pytest
from django.urls import reverse

from tests.e2e.conftest import PHONE
from tests.e2e.editor import sending

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _demo_question():
    from quizzes.models import Question

    return Question.objects.filter(category__school__code="DEMO", live=True).first()


def _open_actions(browsing):
    page = browsing.page
    page.locator("footer [data-w-dropdown-target='toggle']").first.click()
    page.wait_for_timeout(400)


def test_collaborator_drafts_and_submits_a_question_schooladmin_reviews(browse):
    question = _demo_question()
    assert question is not None
    edit = reverse("wagtailsnippets_lms_quizzes_question:edit", args=[question.pk])
    for label, viewport in (("desktop", None), ("phone", PHONE)):
        author = browse(f"question-review-author-{label}", viewport=viewport)
        author.sign_in("collaborator")
        author.goto(edit)
        author.page.fill("input[name=name]", f"Câu nháp ({label})")
        with sending(author.page):
            author.page.locator("footer button[type=submit]").first.click()
        author.goto(edit)
        _open_actions(author)
        assert author.page.locator("button[name=action-submit]").is_visible()
        author.shot("draft-saved")
    with sending(author.page):
        author.page.locator("button[name=action-submit]").click()
    for label, viewport in (("desktop", None), ("phone", PHONE)):
        admin = browse(f"question-review-admin-{label}", viewport=viewport)
        admin.sign_in("schooladmin")
        admin.goto(edit)
        _open_actions(admin)
        footer = admin.page.locator("footer").inner_text()
        assert "Duyệt và xuất bản" in footer and "Yêu cầu sửa" in footer, footer
        admin.shot("reviewing")
