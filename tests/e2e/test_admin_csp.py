"""The Wagtail admin works under its Content-Security-Policy."""

import pytest

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_admin_pages_work_without_csp_violations(browse):
    from courses.models import CoursePage
    from quizzes.models import Question, QuizPage

    b = browse("admin-csp")
    b.sign_in("admin")
    page = b.page
    question = Question.objects.filter(choices__isnull=False).first()
    course = CoursePage.objects.live().first()
    quiz = QuizPage.objects.live().first()
    paths = [
        "/admin/",
        "/admin/pages/",
        f"/admin/pages/{course.pk}/",
        f"/admin/pages/{course.pk}/edit/",  # Draftail
        f"/admin/pages/{quiz.pk}/edit/",  # inline panels, date and time fields
        f"/admin/snippets/lms_quizzes/question/edit/{question.pk}/",
        "/admin/images/",
        "/admin/users/",
    ]
    for path in paths:
        b.goto(path)
        page.wait_for_load_state("networkidle")
        assert b.page.locator("#wagtail").count() == 1, path
    # The question form's inline panel adds a choice (its script started).
    b.goto(f"/admin/snippets/lms_quizzes/question/edit/{question.pk}/")
    total = page.locator("#id_choices-TOTAL_FORMS")
    before = int(total.input_value())
    page.locator("#id_choices-ADD").click()
    assert int(total.input_value()) == before + 1
    # The quiz's date and time field got its picker (its script started).
    b.goto(f"/admin/pages/{quiz.pk}/edit/")
    page.wait_for_load_state("networkidle")
    assert page.locator(".xdsoft_datetimepicker").count() >= 2  # opens/closes at
    # A chooser widget started from its data block: its modal opens.
    b.goto(f"/admin/pages/{course.pk}/edit/")
    page.locator("#id_cover_image-chooser [data-chooser-action-choose]").first.click()
    page.locator(".modal-content").first.wait_for(state="visible")
    page.wait_for_load_state("networkidle")
    violations = sorted(set(b.csp_violations()))
    assert not violations, "\n".join(violations)
