"""The school admin's view of recomputed grades, in Chromium: the listing, the
note on the quiz's results page, and the diacritics choice on the import page,
on a desktop and a phone, in Vietnamese and without serious axe violations."""

import pytest

from tests.e2e.conftest import PHONE, describe

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _recompute_with_a_kept_completion():
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from courses.policies import courses_editable_by
    from quizzes.models import GradeRecompute, QuizAttempt, QuizGrade, QuizPage

    admin = get_user_model().objects.get(username="schooladmin")
    courses = courses_editable_by(user=admin)
    quiz = next(
        q
        for q in QuizPage.objects.live()
        if courses.filter(pk=q.get_parent().pk).exists()
    )
    taker = QuizAttempt.objects.filter(quiz=quiz).values_list("user_id", flat=True)
    kept = [{"user": user_id, "course": quiz.get_parent().pk} for user_id in taker[:1]]
    # As if the raised pass mark had failed them.
    QuizGrade.objects.filter(quiz=quiz, user_id__in=taker[:1]).update(passed=False)
    GradeRecompute.objects.create(
        quiz=quiz,
        changes={"pass_mark": [70, 80], "grading_method": ["highest", "last"]},
        grades_changed=3,
        completions_kept=kept,
        finished_at=timezone.now(),
    )
    return quiz, bool(kept)


def test_school_admin_reads_recomputed_grades(browse, axe_check):
    quiz, any_kept = _recompute_with_a_kept_completion()
    for name, viewport in [("recomputes", None), ("recomputes-phone", PHONE)]:
        b = browse(name, viewport=viewport)
        b.sign_in("schooladmin")

        b.goto("/admin/lms/quizzes/recomputes/")
        body = b.page.locator("main").inner_text()
        assert "Điểm đã tính lại" in b.page.content()
        assert quiz.title in body and "Điểm đạt: 70 → 80" in body
        b.shot("listing")
        violations = axe_check(b.page)
        assert violations == [], describe(violations)

        b.goto(f"/admin/lms/quizzes/{quiz.pk}/report/")
        if any_kept:
            assert "không còn dựa trên kết quả đạt" in b.page.content()
        b.shot("report")

        b.goto("/admin/lms/questions/import/")
        assert "Câu trả lời ngắn bỏ qua dấu tiếng Việt" in b.page.content()
        b.shot("import")
        b.assert_no_csp_violation()
