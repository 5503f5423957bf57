"""Importing the same file again with "update": questions and categories are
recognised by their Moodle ID number instead of being added as copies."""

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from lms.people.models import Role, School
from quizzes import importing
from quizzes.importing import category_for_path, questions_import
from quizzes.models import Question, QuestionCategory
from quizzes.services import attempt_start
from tests.quizzes.factories import QuizPageFactory, add_slots

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures/moodle"

FIRST = """\
$CATEGORY: Luật/Điều 8

// [id:dieu8-cam]
::Cấm::Hành vi nào bị nghiêm cấm?{
=Đăng tin sai sự thật#Đúng.
~Báo cáo nội dung xấu#Chưa đúng.
}

// [id:dieu8-ds]
::Đúng sai::Được chia sẻ mật khẩu.{FALSE}

::Không mã::Câu hỏi không có mã số.{TRUE}
"""

SECOND = """\
$CATEGORY: Luật/Điều 8

// [id:dieu8-cam]
::Cấm (sửa)::Hành vi nào bị nghiêm cấm theo Điều 8?{
~Đăng tin sai sự thật#Chưa đúng.
=Báo cáo nội dung xấu#Đúng.
~Chia sẻ mật khẩu#Chưa đúng.
}

// [id:dieu8-ds]
::Đúng sai::Được chia sẻ mật khẩu.{FALSE}

// [id:dieu8-moi]
::Mới::Một câu hỏi mới.{TRUE}
"""


def _command(tmp_path, text: str, *args: str) -> str:
    path = tmp_path / "cau-hoi.gift"
    path.write_text(text, encoding="utf-8")
    out = StringIO()
    call_command("import_questions", str(path), "--format", "gift", *args, stdout=out)
    return out.getvalue()


def test_update_replaces_the_question_with_the_same_idnumber(tmp_path):
    _command(tmp_path, FIRST)
    first = Question.objects.get(idnumber="dieu8-cam")
    choice_ids = list(first.choices.order_by("sort_order").values_list("pk", flat=True))

    out = _command(tmp_path, SECOND, "--update")

    # 3 + 1 new ("dieu8-moi"); "Không mã" has no ID number and is not in SECOND.
    assert Question.objects.count() == 4
    updated = Question.objects.get(idnumber="dieu8-cam")
    assert updated.pk == first.pk
    assert updated.name == "Cấm (sửa)"
    assert "theo Điều 8" in updated.text
    choices = list(updated.choices.order_by("sort_order"))
    assert [(c.text, c.fraction) for c in choices] == [
        ("Đăng tin sai sự thật", 0),
        ("Báo cáo nội dung xấu", 100),
        ("Chia sẻ mật khẩu", 0),
    ]
    # The rows are reused by position, so a later regrade finds them.
    assert [c.pk for c in choices[:2]] == choice_ids
    assert "Đã nhập 1 câu hỏi" in out and "Đã cập nhật 2 câu hỏi" in out


def test_without_update_a_reimport_adds_copies_without_the_repeated_idnumber(
    tmp_path,
):
    _command(tmp_path, FIRST)
    _command(tmp_path, FIRST)

    assert Question.objects.count() == 6
    # As in Moodle, the copy does not take an ID number its category has.
    assert Question.objects.filter(idnumber="dieu8-cam").count() == 1
    assert Question.objects.filter(name="Cấm", idnumber="").count() == 1


def test_dry_run_with_update_says_how_many_would_update(tmp_path):
    _command(tmp_path, FIRST)

    out = _command(tmp_path, SECOND, "--update", "--dry-run")

    assert "Chạy thử: sẽ nhập 3 câu hỏi." in out
    assert "2 câu hỏi sẽ cập nhật" in out
    assert Question.objects.get(idnumber="dieu8-cam").name == "Cấm"


def test_updating_an_answered_question_leaves_the_attempt_as_shown(
    tmp_path, make_course, student
):
    _command(tmp_path, FIRST)
    question = Question.objects.get(idnumber="dieu8-cam")
    course, _lessons = make_course(lessons=0)
    quiz = QuizPageFactory(parent=course)
    add_slots(quiz, [question])
    attempt = attempt_start(user=student, quiz=quiz)

    _command(tmp_path, SECOND, "--update")

    attempt.refresh_from_db()
    question.refresh_from_db()
    assert question.version == 2
    (shown,) = attempt.snapshot
    assert shown["version"] == 1
    assert "theo Điều 8" not in shown["text"]
    right = [c["text"] for c in shown["choices"] if Decimal(c["fraction"]) == 1]
    assert right == ["Đăng tin sai sự thật"]


def test_update_finds_a_renamed_category_by_its_idnumber():
    data = (FIXTURES / "html_chars_in_idnumbers.xml").read_bytes()
    questions_import(data=data, fmt="moodlexml")
    alpha = QuestionCategory.objects.get(idnumber="The inequalities < & >")
    alpha.name = "Alpha (đã đổi tên)"
    alpha.save()

    report = questions_import(data=data, fmt="moodlexml", update=True)

    assert report.updated == 1 and report.created == 0
    assert not QuestionCategory.objects.filter(name="Alpha").exists()
    assert Question.objects.get().category == alpha


def test_without_update_a_category_idnumber_is_not_given_twice():
    data = (FIXTURES / "html_chars_in_idnumbers.xml").read_bytes()
    questions_import(data=data, fmt="moodlexml")
    QuestionCategory.objects.filter(name="Alpha").update(name="Alpha cũ")

    questions_import(data=data, fmt="moodlexml")

    assert QuestionCategory.objects.get(name="Alpha").idnumber == ""
    assert QuestionCategory.objects.get(name="Alpha cũ").idnumber == (
        "The inequalities < & >"
    )


def test_update_only_matches_within_the_category():
    questions_import(data=FIRST.encode(), fmt="gift")

    elsewhere = FIRST.replace("Luật/Điều 8", "Luật/Điều 9")
    report = questions_import(data=elsewhere.encode(), fmt="gift", update=True)

    assert report.created == 3 and report.updated == 0
    assert Question.objects.filter(idnumber="dieu8-cam").count() == 2


def test_a_failed_update_changes_nothing(monkeypatch):
    questions_import(data=FIRST.encode(), fmt="gift")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importing, "_create", broken)
    with pytest.raises(RuntimeError):
        questions_import(data=SECOND.encode(), fmt="gift", update=True)

    assert Question.objects.get(idnumber="dieu8-cam").name == "Cấm"
    assert Question.objects.count() == 3


def test_a_category_cannot_hold_two_questions_with_one_idnumber():
    category = category_for_path("Luật")
    Question.objects.create(category=category, qtype="essay", text="a", idnumber="x")
    Question.objects.create(category=category, qtype="essay", text="b", idnumber="")
    Question.objects.create(category=category, qtype="essay", text="c", idnumber="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.create(
            category=category, qtype="essay", text="d", idnumber="x"
        )


def test_an_owner_cannot_hold_two_categories_with_one_idnumber():
    QuestionCategory.objects.create(name="A", idnumber="x")
    QuestionCategory.objects.create(name="B", idnumber="")
    QuestionCategory.objects.create(name="C", idnumber="")
    with pytest.raises(IntegrityError), transaction.atomic():
        QuestionCategory.objects.create(name="D", idnumber="x")


@pytest.fixture
def school_admin(make_learner):
    return make_learner("qtt", role=Role.SCHOOL_ADMIN)


def _upload(client, text: str, **extra):
    return client.post(
        reverse("lms_quizzes_import"),
        {
            "file": SimpleUploadedFile("cau-hoi.gift.txt", text.encode()),
            "fmt": "gift",
            "owner": School.objects.order_by("pk").first().pk,
            **extra,
        },
    )


def test_admin_preview_says_new_or_update_for_each_question(client, school_admin):
    client.force_login(school_admin)
    client.post(
        reverse("lms_quizzes_import"),
        {"token": _upload(client, FIRST).context["token"]},
    )

    preview = _upload(client, SECOND, update="on")

    assert [row["updates"] for row in preview.context["rows"]] == [True, True, False]
    page = preview.content.decode()
    assert "Sẽ tạo 1 câu hỏi, sẽ cập nhật 2 câu hỏi" in page
    assert page.count("<td>cập nhật</td>") == 2 and page.count("<td>mới</td>") == 1
    assert Question.objects.get(idnumber="dieu8-cam").name == "Cấm"

    done = client.post(
        reverse("lms_quizzes_import"), {"token": preview.context["token"]}
    )

    assert done.status_code == 302
    assert Question.objects.get(idnumber="dieu8-cam").name == "Cấm (sửa)"
    assert Question.objects.count() == 4


def test_admin_preview_without_update_marks_every_question_new(client, school_admin):
    client.force_login(school_admin)
    client.post(
        reverse("lms_quizzes_import"),
        {"token": _upload(client, FIRST).context["token"]},
    )

    preview = _upload(client, SECOND)

    assert [row["updates"] for row in preview.context["rows"]] == [False] * 3
    client.post(reverse("lms_quizzes_import"), {"token": preview.context["token"]})
    assert Question.objects.count() == 6
