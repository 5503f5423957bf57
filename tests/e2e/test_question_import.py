"""The question import as staff and learners meet it in Chromium: the preview
that says which questions are new and which update the bank, and formatted
answers on the attempt page."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from courses.models import CoursePage
from quizzes.importing import questions_import
from quizzes.models import Question
from quizzes.services import attempt_start
from tests.e2e.conftest import PHONE, describe
from tests.quizzes.factories import QuizPageFactory, add_slots
from tests.quizzes.test_formatted_answers import CHOICE, MATCHING
from tests.quizzes.test_import_update import FIRST, SECOND

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _upload(b, tmp_path, text: str, *, update: bool):
    path = tmp_path / "ngan-hang.gift.txt"
    path.write_text(text, encoding="utf-8")
    b.goto(reverse("lms_quizzes_import"))
    page = b.page
    page.set_input_files("input[name=file]", str(path))
    page.select_option("select[name=fmt]", "gift")
    if update:
        page.check("input[name=update]")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


@pytest.mark.parametrize(
    ("label", "viewport"), [("desktop", None), ("phone", PHONE)], ids=["1280", "360"]
)
def test_the_import_preview_says_new_or_update_in_vietnamese(
    browse, tmp_path, label, viewport
):
    b = browse(f"import-{label}", viewport=viewport)
    b.sign_in("schooladmin")
    _upload(b, tmp_path, FIRST, update=False)
    b.page.get_by_role("button", name="Xác nhận nhập").click()
    b.page.wait_for_load_state()

    _upload(b, tmp_path, SECOND, update=True)

    main = b.page.locator("main")
    assert "Sẽ tạo 1 câu hỏi, sẽ cập nhật 2 câu hỏi" in main.inner_text()
    cells = main.locator("tbody tr td:nth-child(2)").all_inner_texts()
    assert cells == ["cập nhật", "cập nhật", "mới"]
    b.shot("preview")
    b.assert_no_csp_violation()


def test_formatted_answers_on_the_attempt_page_pass_axe(browse, axe_check):
    questions_import(data=CHOICE, fmt="moodlexml")
    questions_import(data=MATCHING, fmt="moodlexml")
    student = get_user_model().objects.get(username="student")
    course = CoursePage.objects.live().filter(for_students=True).order_by("path")[0]
    quiz = QuizPageFactory(parent=course, title="Câu hỏi có định dạng")
    add_slots(
        quiz, list(Question.objects.filter(name__in=["Ngôn ngữ", "Ghép điều luật"]))
    )
    attempt = attempt_start(user=student, quiz=quiz)

    b = browse("formatted-answers")
    b.sign_in("student")
    b.goto(reverse("lms_quizzes:attempt", args=[attempt.pk]))

    assert b.page.locator("label b", has_text="Tiếng Anh").count() == 1
    assert b.page.locator("label img[alt='cờ']").count() == 1
    found = axe_check(b.page)
    b.shot("attempt")
    assert found == [], describe(found)
