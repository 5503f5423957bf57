"""Question-bank ownership: each school edits its own, the Department its library."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from lms.people.models import Role
from quizzes.admin_views import ExportForm
from quizzes.models import Question, QuestionCategory
from quizzes.policies import (
    category_policy,
    question_policy,
    questions_usable_by,
)
from tests.people.factories import (
    DepartmentFactory,
    SchoolFactory,
    SchoolYearFactory,
    school_staff,
)
from tests.quizzes.factories import single_choice

pytestmark = pytest.mark.django_db


def _staff(username, role, *, school=None, year, department=None):
    return school_staff(username, role, school, year, department=department)


@pytest.fixture
def bank(db):
    department = DepartmentFactory()
    school_a = SchoolFactory(department=department, code="TRUONG-A")
    school_b = SchoolFactory(department=department, code="TRUONG-B")
    year = SchoolYearFactory()
    first = int(year.name[:4]) - 1
    last_year = SchoolYearFactory(
        name=f"{first}-{first + 1}",
        starts_on=datetime.date(first, 9, 5),
        ends_on=datetime.date(first + 1, 5, 31),
    )
    categories = {
        "a": QuestionCategory.objects.create(name="Riêng A", school=school_a),
        "b": QuestionCategory.objects.create(name="Riêng B", school=school_b),
        "lib": QuestionCategory.objects.create(name="Thư viện Sở"),
    }
    questions = {
        key: single_choice(category=category, name=f"CAU-{key.upper()}")
        for key, category in categories.items()
    }
    return {
        "school_a": school_a,
        "school_b": school_b,
        "admin_a": _staff("qt-a", Role.SCHOOL_ADMIN, school=school_a, year=year),
        "admin_b": _staff("qt-b", Role.SCHOOL_ADMIN, school=school_b, year=year),
        "lapsed_b": _staff(
            "qt-b-cu", Role.SCHOOL_ADMIN, school=school_b, year=last_year
        ),
        "officer": _staff(
            "can-bo-so", Role.DEPARTMENT_OFFICER, year=year, department=department
        ),
        "categories": categories,
        "questions": questions,
    }


def _refused(response) -> bool:
    """404, 403, or Wagtail's permission-denied redirect to the dashboard."""
    return response.status_code in (403, 404) or (
        response.status_code == 302
        and response["Location"] == reverse("wagtailadmin_home")
    )


def _url(name, *args):
    return reverse(f"wagtailsnippets_lms_quizzes_question:{name}", args=args)


def test_school_b_admin_lists_own_and_library_questions_but_not_school_a(client, bank):
    client.force_login(bank["admin_b"])
    html = client.get(_url("list")).content.decode()
    assert "CAU-B" in html and "CAU-LIB" in html
    assert "CAU-A" not in html
    # The category filter does not name School A's categories either.
    assert "Riêng A" not in html


def test_school_b_admin_cannot_open_edit_delete_copy_or_history_of_school_a(
    client, bank
):
    client.force_login(bank["admin_b"])
    question = bank["questions"]["a"]
    for name in ("edit", "delete", "copy", "history", "usage"):
        assert _refused(client.get(_url(name, question.pk))), name
    assert client.get(_url("edit", question.pk)).status_code == 404
    assert _refused(client.post(_url("delete", question.pk)))
    assert Question.objects.filter(pk=question.pk).exists()


def test_school_b_admin_uses_but_cannot_edit_the_department_library(client, bank):
    client.force_login(bank["admin_b"])
    question = bank["questions"]["lib"]
    assert _refused(client.get(_url("edit", question.pk)))
    assert _refused(client.post(_url("delete", question.pk)))
    assert _refused(client.post(_url("edit", question.pk), {"name": "Sửa"}))
    question.refresh_from_db()
    assert question.name == "CAU-LIB"
    usable = questions_usable_by(bank["admin_b"])
    assert question in usable and bank["questions"]["b"] in usable
    assert bank["questions"]["a"] not in usable


def test_school_b_admin_edits_own_school_question(client, bank):
    client.force_login(bank["admin_b"])
    assert client.get(_url("edit", bank["questions"]["b"].pk)).status_code == 200


def test_bulk_delete_leaves_other_owners_questions(client, bank):
    client.force_login(bank["admin_b"])
    ids = [q.pk for q in bank["questions"].values()]
    url = (
        reverse("wagtail_bulk_action", args=["lms_quizzes", "question", "delete"])
        + "?"
        + "&".join(f"id={pk}" for pk in ids)
    )
    client.post(url)
    remaining = set(Question.objects.values_list("name", flat=True))
    assert {"CAU-A", "CAU-LIB"} <= remaining
    assert "CAU-B" not in remaining


def test_question_chooser_offers_only_usable_questions(client, bank):
    client.force_login(bank["admin_b"])
    base = "wagtailsnippetchoosers_lms_quizzes_question"
    html = client.get(reverse(f"{base}:choose")).content.decode()
    assert "CAU-B" in html and "CAU-LIB" in html and "CAU-A" not in html
    chosen = reverse(f"{base}:chosen", args=[bank["questions"]["a"].pk])
    assert client.get(chosen).status_code == 404


def test_department_officer_edits_the_library(client, bank):
    officer = bank["officer"]
    question = bank["questions"]["lib"]
    assert question_policy.user_has_permission_for_instance(officer, "change", question)
    client.force_login(officer)
    assert client.get(_url("edit", question.pk)).status_code == 200


def test_lapsed_school_admin_cannot_edit_last_years_school_questions(client, bank):
    lapsed = bank["lapsed_b"]
    question = bank["questions"]["b"]
    assert not question_policy.user_has_permission_for_instance(
        lapsed, "change", question
    )
    assert not question_policy.user_has_permission(lapsed, "change")
    client.force_login(lapsed)
    assert _refused(client.get(_url("edit", question.pk)))


def test_category_views_follow_ownership(client, bank):
    client.force_login(bank["admin_b"])
    index = client.get(reverse("lms_question_categories:index")).content.decode()
    assert "Riêng B" in index and "Thư viện Sở" in index and "Riêng A" not in index
    a = bank["categories"]["a"]
    lib = bank["categories"]["lib"]
    assert (
        client.get(reverse("lms_question_categories:edit", args=[a.pk])).status_code
        == 404
    )
    assert _refused(
        client.post(reverse("lms_question_categories:delete", args=[lib.pk]))
    )
    assert QuestionCategory.objects.filter(pk=lib.pk).exists()


def test_new_category_belongs_to_a_school_the_admin_manages(client, bank):
    client.force_login(bank["admin_b"])
    url = reverse("lms_question_categories:add")
    # Not School A, not the Department library.
    client.post(url, {"name": "Lén", "school": bank["school_a"].pk})
    client.post(url, {"name": "Thư viện mới", "school": ""})
    assert not QuestionCategory.objects.filter(
        name__in=["Lén", "Thư viện mới"]
    ).exists()
    # Not inside the library either.
    client.post(url, {"name": "Con", "parent": bank["categories"]["lib"].pk})
    assert not QuestionCategory.objects.filter(name="Con").exists()
    client.post(url, {"name": "Của B", "school": bank["school_b"].pk})
    assert QuestionCategory.objects.get(name="Của B").school == bank["school_b"]


def test_a_sub_category_takes_its_parents_owner(bank):
    child = QuestionCategory.objects.create(
        name="Con", parent=bank["categories"]["b"], school=bank["school_a"]
    )
    assert child.school == bank["school_b"]


def test_top_level_names_are_unique_per_owner(bank):
    QuestionCategory.objects.create(name="Luật An ninh mạng", school=bank["school_a"])
    QuestionCategory.objects.create(name="Luật An ninh mạng", school=bank["school_b"])
    QuestionCategory.objects.create(name="Luật An ninh mạng")
    with pytest.raises(IntegrityError), transaction.atomic():
        QuestionCategory.objects.create(name="Luật An ninh mạng")
    with pytest.raises(IntegrityError), transaction.atomic():
        QuestionCategory.objects.create(
            name="Luật An ninh mạng", school=bank["school_a"]
        )


def test_export_form_offers_only_usable_categories(bank):
    form = ExportForm(
        {"export-category": bank["categories"]["a"].pk, "export-fmt": "gift"},
        user=bank["admin_b"],
    )
    assert not form.is_valid()
    assert set(form.fields["category"].queryset) == {
        bank["categories"]["b"],
        bank["categories"]["lib"],
    }
    assert not category_policy.user_has_permission_for_instance(
        bank["admin_b"], "view", bank["categories"]["a"]
    )


def test_admin_import_target_is_limited_to_managed_owners(client, bank):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(bank["admin_b"])
    data = b"::T::Cau hoi?{=Dung ~Sai}\n"

    def upload(owner):
        return client.post(
            reverse("lms_quizzes_import"),
            {
                "file": SimpleUploadedFile("q.gift.txt", data),
                "fmt": "gift",
                "owner": owner,
            },
        )

    # Another school is not a choice.
    assert "token" not in (upload(bank["school_a"].pk).context or {})
    # Without a choice, a one-school admin imports into their own school,
    # never into the Department library.
    token = upload("").context["token"]
    client.post(reverse("lms_quizzes_import"), {"token": token})
    assert QuestionCategory.objects.get(name="Đã nhập").school == bank["school_b"]


GIFT = "$CATEGORY: Nhập thử\n\n::T::Câu hỏi?{=Đúng ~Sai}\n"


def test_import_questions_without_school_goes_to_the_department_library(bank, tmp_path):
    path = tmp_path / "q.gift"
    path.write_text(GIFT, encoding="utf-8")
    call_command("import_questions", str(path), "--format", "gift", stdout=StringIO())
    category = QuestionCategory.objects.get(name="Nhập thử")
    assert category.school is None


def test_import_questions_with_school_belongs_to_that_school(bank, tmp_path):
    path = tmp_path / "q.gift"
    path.write_text(GIFT, encoding="utf-8")
    call_command(
        "import_questions",
        str(path),
        "--format",
        "gift",
        "--school",
        "TRUONG-A",
        stdout=StringIO(),
    )
    category = QuestionCategory.objects.get(name="Nhập thử")
    assert category.school == bank["school_a"]
    assert Question.objects.get(category=category).text


def test_import_questions_with_unknown_school_imports_nothing(bank, tmp_path):
    from django.core.management import CommandError

    path = tmp_path / "q.gift"
    path.write_text(GIFT, encoding="utf-8")
    with pytest.raises(CommandError):
        call_command(
            "import_questions", str(path), "--format", "gift", "--school", "KHONG"
        )
    assert not QuestionCategory.objects.filter(name="Nhập thử").exists()


def test_a_new_question_goes_only_into_a_category_one_may_change(client, bank):
    client.force_login(bank["admin_b"])
    form = client.get(_url("add")).context["form"]
    assert set(form.fields["category"].queryset) == {bank["categories"]["b"]}


def test_quiz_page_form_offers_only_usable_questions_and_categories(bank, make_course):
    from quizzes.models import QuizPage
    from tests.quizzes.factories import QuizPageFactory, add_draw, add_slots

    course, _lessons = make_course(lessons=0)
    quiz = QuizPageFactory(parent=course)
    add_slots(quiz, [bank["questions"]["b"]])
    add_draw(quiz, bank["categories"]["lib"], 1)
    form_class = QuizPage.get_edit_handler().get_form_class()
    form = form_class(instance=quiz, for_user=bank["admin_b"])
    slot_form = form.formsets["slots"].forms[0]
    draw_form = form.formsets["draws"].forms[0]
    for field in (
        slot_form.fields["question"],
        form.formsets["slots"].empty_form.fields["question"],
    ):
        assert bank["questions"]["a"] not in field.queryset
        assert bank["questions"]["lib"] in field.queryset
    for field in (
        draw_form.fields["category"],
        form.formsets["draws"].empty_form.fields["category"],
    ):
        assert bank["categories"]["a"] not in field.queryset
        assert bank["categories"]["lib"] in field.queryset


def test_school_admins_group_holds_no_global_change_or_delete_on_the_bank(db):
    from django.contrib.auth.models import Group

    from lms.people.roles import ROLE_GROUPS

    group = Group.objects.get(name=ROLE_GROUPS[Role.SCHOOL_ADMIN])
    codenames = set(
        group.permissions.filter(content_type__app_label="lms_quizzes").values_list(
            "codename", flat=True
        )
    )
    assert "change_question" not in codenames
    assert "delete_question" not in codenames
    assert "delete_questioncategory" not in codenames
    assert {"add_question", "view_question"} <= codenames


def test_bulk_delete_confirmation_names_no_other_schools_question(client, bank):
    client.force_login(bank["admin_b"])
    ids = [q.pk for q in bank["questions"].values()]
    url = (
        reverse("wagtail_bulk_action", args=["lms_quizzes", "question", "delete"])
        + "?"
        + "&".join(f"id={pk}" for pk in ids)
    )
    html = client.get(url).content.decode()
    assert "CAU-B" in html  # theirs, to delete
    assert "CAU-LIB" in html  # the library's: seen, not theirs to delete
    assert "CAU-A" not in html  # another school's: not even named
