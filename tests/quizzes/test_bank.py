"""The question bank: import (admin and command), export round trip, versions, demo."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from lms.people.models import Role, School
from quizzes.importing import category_export, category_for_path, questions_import
from quizzes.models import Question, QuestionCategory, QuizPage
from quizzes.services import attempt_start
from tests.quizzes.factories import QuizPageFactory, add_slots, single_choice

pytestmark = pytest.mark.django_db

GIFT = """\
$CATEGORY: Luật An ninh mạng/Điều 8

::Cấm::Hành vi nào bị nghiêm cấm theo Điều 8?{
=Đăng tin sai sự thật#Đúng, khoản 1 Điều 8.
~Báo cáo nội dung xấu#Chưa đúng.
####Điều 8 Luật An ninh mạng.
}

::Đúng sai::Được phép chia sẻ mật khẩu cho bạn thân.{FALSE#Sai rồi.#Đúng vậy.}

::Điền::Tên luật bảo vệ an ninh trên không gian mạng là gì?{
=Luật An ninh mạng
=Luật ANM
}

::Ghép::Ghép điều luật với nội dung.{
=Điều 8 -> Hành vi bị nghiêm cấm
=Điều 29 -> Bảo vệ trẻ em
}

::Tự luận::Em sẽ làm gì khi thấy bạn bị bắt nạt trên mạng?{}
"""

NUMERICAL = "\n::Số::Luật có bao nhiêu chương?{#7}\n"
# Both additions start after GIFT's lines and one blank line.
ADDED_LINE = GIFT.count("\n") + 2


@pytest.fixture
def school_admin(make_learner):
    return make_learner("qtt", role=Role.SCHOOL_ADMIN)


def _upload(client, data: bytes, **extra):
    # A school admin imports into their own school's bank.
    owner = School.objects.order_by("pk").first()
    return client.post(
        reverse("lms_quizzes_import"),
        {
            "file": SimpleUploadedFile("cau-hoi.gift.txt", data),
            "fmt": "gift",
            "owner": owner.pk if owner else "",
            **extra,
        },
    )


def test_admin_import_previews_then_creates_on_confirm(client, school_admin):
    client.force_login(school_admin)
    preview = _upload(client, GIFT.encode())
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Sẽ tạo 5 câu hỏi" in html
    assert not Question.objects.exists()
    token = preview.context["token"]
    done = client.post(reverse("lms_quizzes_import"), {"token": token})
    assert done.status_code == 302
    category = QuestionCategory.objects.get(full_path="Luật An ninh mạng/Điều 8")
    assert sorted(category.questions.values_list("qtype", flat=True)) == [
        "essay",
        "matching",
        "short_answer",
        "single_choice",
        "true_false",
    ]
    # The token is spent: confirming again creates nothing more.
    client.post(reverse("lms_quizzes_import"), {"token": token})
    assert Question.objects.count() == 5


def test_admin_import_refuses_a_bad_file_naming_the_line(client, school_admin):
    client.force_login(school_admin)
    bad = GIFT + "\n::Hỏng::Câu hỏi thiếu ngoặc đóng {\n=Đúng\n"
    response = _upload(client, bad.encode())
    html = response.content.decode()
    assert "Chưa nhập câu hỏi nào" in html
    assert f"Dòng {ADDED_LINE}" in html
    assert "token" not in response.context or not response.context.get("token")
    assert not Question.objects.exists()


def test_admin_import_refuses_unsupported_types_unless_skipped(client, school_admin):
    client.force_login(school_admin)
    refused = _upload(client, (GIFT + NUMERICAL).encode())
    assert f"Dòng {ADDED_LINE}" in refused.content.decode()
    preview = _upload(client, (GIFT + NUMERICAL).encode(), skip_unsupported="on")
    client.post(reverse("lms_quizzes_import"), {"token": preview.context["token"]})
    assert Question.objects.count() == 5


@pytest.mark.parametrize("role", [Role.STUDENT, Role.TEACHER, Role.HOMEROOM_TEACHER])
def test_import_and_export_need_question_permissions(client, make_learner, role):
    client.force_login(make_learner("khong-quyen", role=role))
    assert _upload(client, GIFT.encode()).status_code in (302, 403)
    category = category_for_path("Luật")
    export = client.get(
        reverse("lms_quizzes_export"),
        {"export-category": category.pk, "export-fmt": "gift"},
    )
    assert export.status_code in (302, 403)
    assert not Question.objects.exists()


def test_import_command_dry_run_then_real(tmp_path):
    path = tmp_path / "cau-hoi.gift"
    path.write_text(GIFT, encoding="utf-8")
    out = StringIO()
    call_command(
        "import_questions", str(path), "--format", "gift", "--dry-run", stdout=out
    )
    assert "5" in out.getvalue() and not Question.objects.exists()
    call_command("import_questions", str(path), "--format", "gift", stdout=StringIO())
    assert Question.objects.count() == 5


def test_import_command_refuses_with_line_and_creates_nothing(tmp_path):
    path = tmp_path / "cau-hoi.gift"
    path.write_text(GIFT + NUMERICAL, encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_questions", str(path), "--format", "gift", stderr=err)
    assert f"Dòng {ADDED_LINE}:" in err.getvalue()
    assert not Question.objects.exists()
    call_command(
        "import_questions",
        str(path),
        "--format",
        "gift",
        "--skip-unsupported",
        "--category",
        "Nhập thử",
        stdout=StringIO(),
    )
    assert Question.objects.count() == 5


@pytest.mark.parametrize("fmt", ["gift", "moodlexml"])
def test_export_then_import_reproduces_the_same_questions(client, school_admin, fmt):
    questions_import(data=GIFT.encode(), fmt="gift")
    category = QuestionCategory.objects.get(full_path="Luật An ninh mạng")
    client.force_login(school_admin)
    response = client.get(
        reverse("lms_quizzes_export"),
        {"export-category": category.pk, "export-fmt": fmt},
    )
    assert response.status_code == 200
    exported = response.content
    Question.objects.all().delete()
    questions_import(data=exported, fmt=fmt)
    again = category_export(category=category, fmt=fmt)
    assert again == exported.decode()
    assert Question.objects.count() == 5


def test_editing_an_answered_question_starts_a_new_version(make_course, student):
    course, _lessons = make_course(lessons=0)
    quiz = QuizPageFactory(parent=course)
    question = single_choice(text="<p>Phiên bản đầu?</p>")
    add_slots(quiz, [question])
    question.text = "<p>Sửa trước khi ai làm bài</p>"
    question.save()
    assert question.version == 1
    attempt = attempt_start(user=student, quiz=quiz)
    question.refresh_from_db()
    question.text = "<p>Phiên bản hai?</p>"
    question.save()
    question.refresh_from_db()
    assert question.version == 2
    assert attempt.snapshot[0]["version"] == 1
    assert "Sửa trước khi ai làm bài" in attempt.snapshot[0]["text"]


def test_close_overdue_attempts_command_runs_the_service():
    out = StringIO()
    call_command("close_overdue_attempts", stdout=out)
    assert "0" in out.getvalue()


def test_demo_quizzes_are_required_draw_ten_and_pass_at_70():
    call_command("seed_demo", verbosity=0, stdout=StringIO())
    # The Department library's quizzes; the schools' own are shorter.
    quizzes = QuizPage.objects.live().filter(draws__category__school__isnull=True)
    assert quizzes.count() >= 3
    for quiz in QuizPage.objects.live().exclude(pk__in=quizzes):
        assert quiz.required and quiz.pass_mark == 70
        draw = quiz.draws.get()
        assert draw.category.school is not None
        assert Question.objects.filter(category=draw.category).count() >= draw.count
    for quiz in quizzes:
        assert quiz.required and quiz.pass_mark == 70
        draw = quiz.draws.get()
        assert draw.count == 10
        bank = Question.objects.filter(category=draw.category)
        assert bank.count() >= 15
        assert len(set(bank.values_list("qtype", flat=True))) >= 3
        cited = [q for q in bank if "Điều" in q.general_feedback]
        assert len(cited) >= bank.count() // 2


def test_a_refused_file_never_says_a_question_was_skipped(client, school_admin):
    client.force_login(school_admin)

    page = _upload(client, (GIFT + NUMERICAL).encode()).content.decode()
    # The alert only: Wagtail's own "skip to main content" link says "bỏ qua".
    alert = page[page.index('role="alert"') :]
    alert = alert[: alert.index("</div>")]

    assert "Chưa nhập câu hỏi nào" in alert
    assert "chưa được hỗ trợ" in alert
    assert "bỏ qua" not in alert.lower()


def test_a_skipped_question_is_listed_as_skipped(client, school_admin):
    client.force_login(school_admin)

    preview = _upload(client, (GIFT + NUMERICAL).encode(), skip_unsupported="on")

    assert preview.context["report"].skipped
    assert "chưa được hỗ trợ" in preview.content.decode()


def test_import_command_refusal_does_not_say_skipped(tmp_path):
    path = tmp_path / "cau-hoi.gift"
    path.write_text(GIFT + NUMERICAL, encoding="utf-8")
    err = StringIO()

    with pytest.raises(CommandError):
        call_command("import_questions", str(path), "--format", "gift", stderr=err)

    assert "skipped" not in err.getvalue().lower()
    assert "bỏ qua" not in err.getvalue().lower()
    assert f"{ADDED_LINE}" in err.getvalue()


def test_import_preview_shows_type_in_vietnamese_category_and_short_text(
    client, school_admin
):
    client.force_login(school_admin)
    fixture = (
        Path(__file__).parent / "fixtures/moodle/nested_categories_with_questions.xml"
    )

    preview = _upload(client, fixture.read_bytes(), fmt="moodlexml")

    rows = preview.context["rows"]
    assert [(r["line"], r["type"], r["category"], r["text"]) for r in rows][:2] == [
        (15, "Đúng/sai", "Iota", "Testing Iota Question"),
        (55, "Tự luận (giáo viên chấm)", "Iota/Kappa", "Testing Kappa Essay Question"),
    ]
    page = preview.content.decode()
    assert "true_false" not in page and "&lt;p&gt;" not in page
    assert "<td>Đúng/sai</td>" in page


def test_import_preview_shortens_long_question_text(client, school_admin):
    client.force_login(school_admin)
    long_text = "Câu hỏi rất dài " * 20

    preview = _upload(client, f"{long_text}{{TRUE}}".encode())

    (row,) = preview.context["rows"]
    assert len(row["text"]) <= 120 and row["text"].endswith("…")


def test_import_preview_names_the_files_a_question_carries(client, school_admin):
    client.force_login(school_admin)
    fixture = (
        Path(__file__).parent
        / "fixtures/moodle/sample_questions_with_old_image_tag.xml"
    )

    preview = _upload(
        client, fixture.read_bytes(), fmt="moodlexml", skip_unsupported="on"
    )

    (row,) = preview.context["rows"]
    assert row["files"] == "moodle.png"
    assert "<td>moodle.png</td>" in preview.content.decode()
    assert "Tệp đính kèm" in preview.content.decode()


def test_a_category_holds_only_its_own_owners_sub_categories(school_factory):
    """Two owners may both have "Luật/Điều 8": each top category reaches only
    its own (a random draw must not take another school's questions)."""
    school = school_factory()
    library = category_for_path("Luật/Điều 8")
    own = category_for_path("Luật/Điều 8", school=school)

    library_top = library.parent
    assert set(library_top.descendants_and_self()) == {library_top, library}
    assert set(own.parent.descendants_and_self()) == {own.parent, own}
