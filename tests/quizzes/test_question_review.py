"""Questions go through the school's review (issue 14, point 3).

A content author ("soạn bài") writes questions of their school as drafts and
submits them to the one "Duyệt câu hỏi" workflow; only the admins of the
question's school approve. Quizzes draw live questions only, with their
published content, and an attempt's snapshot names the published revision.
"""

import pytest
from django.urls import reverse
from wagtail.models import TaskState, WorkflowState

from lms.people.models import Role
from quizzes import policies
from quizzes.importing import questions_import
from quizzes.models import Question, QuestionReviewTask
from quizzes.services import (
    attempt_start,
    attempt_submit,
    question_review_workflow_ensure,
)
from tests.people.factories import (
    MembershipFactory,
    SchoolFactory,
    SchoolYearFactory,
    school_staff,
)
from tests.quizzes.factories import (
    QuestionCategoryFactory,
    QuizPageFactory,
    add_draw,
    add_slots,
    single_choice,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank():
    # Made by a migration; a transactional test elsewhere may have flushed it.
    question_review_workflow_ensure()
    year = SchoolYearFactory()
    school_a = SchoolFactory(code="TRUONGA")
    school_b = SchoolFactory(code="TRUONGB", department=school_a.department)
    category = QuestionCategoryFactory(name="Luật An ninh mạng", school=school_a)
    question = single_choice(category=category, text="<p>Câu gốc?</p>")
    published_as_first(question)
    author = school_staff("ctv", Role.COLLABORATOR, school_a, year)
    MembershipFactory(
        user=author,
        role=Role.CONTENT_AUTHOR,
        school=school_a,
        school_class=None,
        school_year=year,
    )
    return {
        "school_a": school_a,
        "category": category,
        "question": question,
        "author": author,
        "admin_a": school_staff("qta", Role.SCHOOL_ADMIN, school_a, year),
        "admin_b": school_staff("qtb", Role.SCHOOL_ADMIN, school_b, year),
    }


def published_as_first(question):
    from quizzes.importing import published_as_imported

    published_as_imported(question)
    question.refresh_from_db()


def _edit_data(client, question, **changes):
    """The snippet editor's form for `question` as posted back, with `changes`
    (rich text given as HTML)."""
    url = reverse("wagtailsnippets_lms_quizzes_question:edit", args=[question.pk])
    form = client.get(url).context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or name in ("legal_references", "principles"):
            continue
        data[name] = value.pk if hasattr(value, "pk") else value
    for name in ("text", "general_feedback"):
        value = changes.pop(name, None) or form[name].value()
        data[name] = form.fields[name].widget.format_value(value)
    data.update(changes)
    for prefix, formset in form.formsets.items():
        data[f"{prefix}-TOTAL_FORMS"] = len(formset.forms)
        data[f"{prefix}-INITIAL_FORMS"] = formset.initial_form_count()
        data[f"{prefix}-MIN_NUM_FORMS"] = 0
        data[f"{prefix}-MAX_NUM_FORMS"] = 1000
        for index, child in enumerate(formset.forms):
            for name in child.fields:
                value = child[name].value()
                if value is not None:
                    data[f"{prefix}-{index}-{name}"] = value
            data[f"{prefix}-{index}-ORDER"] = index + 1
    return url, data


def _author_submits(client, bank, text):
    client.force_login(bank["author"])
    url, data = _edit_data(client, bank["question"], text=text)
    response = client.post(url, {**data, "action-submit": "1"})
    assert response.status_code == 302, response.context["form"].errors
    question = Question.objects.get(pk=bank["question"].pk)
    return question, question.current_workflow_state


def _drawn_text(quiz, learner):
    attempt = attempt_start(user=learner, quiz=quiz)
    texts = [item["text"] for item in attempt.snapshot]
    attempt_submit(attempt=attempt, answers={})
    return attempt, texts


def test_every_question_follows_the_one_review_workflow(bank):
    workflow = Question().get_workflow()
    assert workflow is not None and workflow.name == "Duyệt câu hỏi"
    [task] = [task.specific for task in workflow.tasks]
    assert isinstance(task, QuestionReviewTask)


def test_author_writes_drafts_in_their_schools_categories_but_never_publishes(bank):
    author, question = bank["author"], bank["question"]
    policy = policies.question_policy
    assert policy.user_has_permission_for_instance(author, "change", question)
    assert not policy.user_has_permission_for_instance(author, "publish", question)
    assert not policy.user_has_permission_for_instance(author, "delete", question)
    assert list(policies.categories_writable_by(author)) == [bank["category"]]
    # Categories stay with the school's admins; importing publishes.
    assert not policies.categories_changeable_by(author).exists()
    assert not policies.may_import_questions(author)
    assert policies.may_publish_question(bank["admin_a"], question)
    assert not policies.may_publish_question(bank["admin_b"], question)


def test_author_edit_stays_off_attempts_until_the_school_admin_approves(
    client, bank, make_course, make_learner
):
    quiz = QuizPageFactory(parent=make_course(lessons=0)[0])
    add_slots(quiz, [bank["question"]])
    learner = make_learner()
    question, state = _author_submits(client, bank, "<p>Câu đã sửa?</p>")
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert question.has_unpublished_changes
    assert question.text == "<p>Câu gốc?</p>"

    first, texts = _drawn_text(quiz, learner)
    assert texts == ["<p>Câu gốc?</p>"]
    assert first.snapshot[0]["revision_id"] == question.live_revision_id

    task_state = state.current_task_state
    client.force_login(bank["admin_a"])
    action = reverse(
        "wagtailsnippets_lms_quizzes_question:workflow_action",
        args=[question.pk, "approve", task_state.pk],
    )
    assert client.post(action, {}).status_code in (200, 302)
    question.refresh_from_db()
    assert "Câu đã sửa?" in question.text
    assert question.live_revision.user == bank["author"]
    # The question was shown before: the approved edit is a new version.
    assert question.version == 2
    second = attempt_start(user=learner, quiz=quiz)
    assert "Câu đã sửa?" in second.snapshot[0]["text"]
    assert second.snapshot[0]["revision_id"] == question.live_revision_id
    assert second.snapshot[0]["revision_id"] != first.snapshot[0]["revision_id"]
    assert second.snapshot[0]["version"] == 2


def test_rejected_edit_stays_a_draft_with_the_comment(client, bank):
    question, state = _author_submits(client, bank, "<p>Câu cần sửa?</p>")
    task_state = state.current_task_state
    task_state.task.specific.on_action(
        task_state, bank["admin_a"], "reject", comment="Trích sai điều luật."
    )
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert TaskState.objects.get(pk=task_state.pk).comment == "Trích sai điều luật."
    question.refresh_from_db()
    assert question.text == "<p>Câu gốc?</p>"
    assert question.has_unpublished_changes
    draft = question.get_latest_revision_as_object()
    assert "Câu cần sửa?" in draft.text


def test_another_schools_admin_has_no_action_on_the_task(client, bank):
    question, state = _author_submits(client, bank, "<p>Câu chờ duyệt?</p>")
    task_state = state.current_task_state
    task = task_state.task.specific
    other = bank["admin_b"]
    assert task.get_actions(question, other) == []
    assert task.locked_for_user(question, other)
    assert not TaskState.objects.reviewable_by(other).exists()
    assert TaskState.objects.reviewable_by(bank["admin_a"]).get() == task_state
    assert task.get_actions(question, bank["admin_a"])
    client.force_login(other)
    action = reverse(
        "wagtailsnippets_lms_quizzes_question:workflow_action",
        args=[question.pk, "approve", task_state.pk],
    )
    # Refused: Wagtail sends them back to the dashboard with a message.
    assert client.post(action, {}).status_code in (302, 403, 404)
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert Question.objects.get(pk=question.pk).text == "<p>Câu gốc?</p>"


def test_a_question_never_approved_is_never_drawn(bank, make_course, make_learner):
    draft = single_choice(category=bank["category"], text="<p>Nháp?</p>")
    Question.objects.filter(pk=draft.pk).update(live=False)
    quiz = QuizPageFactory(parent=make_course(lessons=0)[0])
    add_slots(quiz, [draft])
    add_draw(quiz, bank["category"], 5)
    _attempt, texts = _drawn_text(quiz, make_learner())
    assert texts == ["<p>Câu gốc?</p>"]


def test_author_cannot_publish_through_the_editor(client, bank):
    client.force_login(bank["author"])
    url, data = _edit_data(client, bank["question"], text="<p>Tự đăng?</p>")
    client.post(url, {**data, "action-publish": "1"})
    question = Question.objects.get(pk=bank["question"].pk)
    assert question.text == "<p>Câu gốc?</p>"
    assert question.live_revision_id == bank["question"].live_revision_id


def test_author_adds_a_question_as_a_draft(client, bank):
    client.force_login(bank["author"])
    url = reverse("wagtailsnippets_lms_quizzes_question:add")
    assert client.get(url).status_code == 200
    original = Question.objects.get(pk=bank["question"].pk)
    _url, data = _edit_data(client, original, text="<p>Câu mới?</p>")
    for key in list(data):
        if key.endswith("-id"):
            data[key] = ""
    data["choices-INITIAL_FORMS"] = 0
    data["pairs-INITIAL_FORMS"] = 0
    response = client.post(url, {**data, "action-publish": "1"})
    assert response.status_code == 302
    new = Question.objects.exclude(pk=original.pk).get()
    assert not new.live
    assert new.category == bank["category"]


def test_a_school_admins_import_is_live_with_a_published_revision(bank):
    xml = b"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="truefalse">
    <name><text>Nhap khau</text></name>
    <questiontext format="html"><text>Luat co hieu luc?</text></questiontext>
    <answer fraction="100"><text>true</text></answer>
    <answer fraction="0"><text>false</text></answer>
  </question>
</quiz>"""
    report = questions_import(
        data=xml,
        fmt="moodlexml",
        category_path="Nhập",
        school=bank["school_a"],
        user=bank["admin_a"],
    )
    question = Question.objects.get(pk=report.saved[0].pk)
    assert question.live and not question.has_unpublished_changes
    assert question.live_revision is not None
    assert question.live_revision.user == bank["admin_a"]
    assert question.live_revision.as_object().name == "Nhap khau"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_questions_made_before_review_stay_live_with_a_first_revision():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("lms_quizzes", "0017_grade_recompute_in_background")]
    after = [("lms_quizzes", "0021_question_review_workflow")]
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(before)
        old = executor.loader.project_state(before).apps
        category = old.get_model("lms_quizzes", "QuestionCategory").objects.create(
            name="Cũ", full_path="Cũ"
        )
        made = old.get_model("lms_quizzes", "Question").objects.create(
            category=category, qtype="single_choice", text="<p>Câu cũ?</p>"
        )
        old.get_model("lms_quizzes", "Choice").objects.create(
            question=made, text="Đúng", fraction=100, sort_order=0
        )
        executor = MigrationExecutor(connection)
        executor.migrate(after)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    question = Question.objects.get(pk=made.pk)
    assert question.live and not question.has_unpublished_changes
    assert question.live_revision_id == question.latest_revision_id is not None
    published = question.live_revision.as_object()
    assert published.text == "<p>Câu cũ?</p>"
    assert [choice.text for choice in published.choices.all()] == ["Đúng"]
    assert Question().get_workflow().name == "Duyệt câu hỏi"


MARKUP = "<script>alert('x')</script><img src=x onerror=alert(1)><b>giữ</b>"


def _with_markup(data):
    data = {**data, "feedback_true": MARKUP, "feedback_false": MARKUP}
    for key in list(data):
        if key.startswith("choices-") and key.endswith("-text"):
            data[key.removesuffix("-text") + "-feedback"] = MARKUP
    return data


def _assert_no_markup(html):
    assert "<script" not in html and "onerror" not in html, html


def test_an_authors_draft_is_stored_and_previewed_clean(client, bank):
    client.force_login(bank["author"])
    question = bank["question"]
    url, data = _edit_data(client, question, text="<p>Nháp có mã?</p>")
    data = _with_markup(data)
    # "Lưu bản nháp": the editor's plain save.
    assert client.post(url, data).status_code == 302
    question = Question.objects.get(pk=question.pk)
    assert question.has_unpublished_changes
    content = question.latest_revision.content
    assert "<b>giữ</b>" in content["feedback_true"]
    for html in [content["feedback_true"], content["feedback_false"]] + [
        choice["feedback"] for choice in content["choices"]
    ]:
        _assert_no_markup(html)

    preview = reverse(
        "wagtailsnippets_lms_quizzes_question:preview_on_edit", args=[question.pk]
    )
    assert client.post(preview, data).json()["is_valid"]
    response = client.get(preview)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nháp có mã?" in page
    _assert_no_markup(page)


def test_a_draft_set_by_code_is_revised_and_previewed_clean(client, bank, rf):
    question = Question.objects.get(pk=bank["question"].pk)
    question.text = f"<p>Nháp từ mã?</p>{MARKUP}"
    choices = list(question.choices.all())
    choices[0].text_html = MARKUP
    question.choices = choices
    request = rf.get("/admin/")
    request.user = bank["author"]
    response = question.serve_preview(request, "")
    response.render()
    _assert_no_markup(response.content.decode())

    revision = question.save_revision(user=bank["author"])
    _assert_no_markup(revision.content["text"])
    _assert_no_markup(revision.content["choices"][0]["text_html"])
    client.force_login(bank["admin_a"])
    url = reverse(
        "wagtailsnippets_lms_quizzes_question:revisions_view",
        args=[question.pk, revision.pk],
    )
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nháp từ mã?" in page
    _assert_no_markup(page)


def test_submission_mails_the_owner_schools_admins_in_vietnamese(
    client, bank, mailoutbox
):
    for key in ("admin_a", "admin_b", "author"):
        bank[key].email = f"{key}@truong.edu.vn"
        bank[key].save()
    _question, state = _author_submits(client, bank, "<p>Câu gửi duyệt?</p>")
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    to_admin = [m for m in mailoutbox if "admin_a@truong.edu.vn" in m.to]
    assert len(to_admin) == 1
    [message] = to_admin
    assert "gửi duyệt" in message.subject, message.subject
    assert "Quản trị trường của câu hỏi duyệt" in message.subject
    preview = reverse(
        "wagtailsnippets_lms_quizzes_question:workflow_preview",
        args=[bank["question"].pk, state.current_task_state.task_id],
    )
    assert preview in message.body
    assert "đang chờ thầy/cô duyệt" in message.body
    assert "Câu gửi duyệt?" in message.body
    edit = reverse(
        "wagtailsnippets_lms_quizzes_question:edit", args=[bank["question"].pk]
    )
    assert edit in message.body
    everyone = [address for m in mailoutbox for address in m.to]
    assert "admin_b@truong.edu.vn" not in everyone
    assert "author@truong.edu.vn" not in everyone


def test_the_quiz_editor_refuses_a_question_never_published(bank, make_course):
    from quizzes.models import QuizPage

    draft = single_choice(category=bank["category"], text="<p>Câu chưa duyệt?</p>")
    Question.objects.filter(pk=draft.pk).update(live=False, first_published_at=None)
    draft.refresh_from_db()
    quiz = QuizPageFactory(parent=make_course(lessons=0)[0])
    form = QuizPage.get_edit_handler().get_form_class()(
        instance=quiz, for_user=bank["admin_a"]
    )
    slot_form_class = form.formsets["slots"].form

    refused = slot_form_class(data={"question": draft.pk, "ORDER": 1})
    assert not refused.is_valid()
    [message] = refused.errors["question"]
    assert "Câu chưa duyệt?" in message and "chưa từng được đăng" in message

    live = slot_form_class(data={"question": bank["question"].pk, "ORDER": 1})
    assert live.is_valid(), live.errors
