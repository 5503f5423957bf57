"""The Department library's own review, and the review panels (issue 14,
points 4 and 5).

A school admin proposes one of their school's courses for the library: a
copy goes there as a draft, submitted to the library's workflow, which a
Department officer approves (it goes live, lessons and quizzes with it) or
sends back. The dashboard shows each reviewer what awaits them first, and
each author the state of their drafts with the reviewer's comment.
"""

import pytest
from django.urls import reverse
from wagtail.models import (
    GroupApprovalTask,
    PageLogEntry,
    TaskState,
    WorkflowPage,
    WorkflowState,
)

from courses import policies
from courses.models import CoursePage, LessonPage
from courses.services import (
    LIBRARY_WORKFLOW_NAME,
    PROPOSE_LOG_ACTION,
    catalogue_permissions_sync,
    course_propose_for_library,
)
from lms.people.models import Role
from lms.people.roles import ROLE_GROUPS
from tests.courses.factories import (
    CourseIndexPageFactory,
    CoursePageFactory,
    LessonPageFactory,
)
from tests.people.factories import (
    MembershipFactory,
    SchoolFactory,
    SchoolYearFactory,
    UserFactory,
    school_staff,
)
from tests.quizzes.factories import QuizPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(site_root):
    year = SchoolYearFactory()
    school_a = SchoolFactory(code="TRUONGA")
    school_b = SchoolFactory(code="TRUONGB", department=school_a.department)
    library = CourseIndexPageFactory(parent=site_root, slug="thu-vien", school=None)
    catalogue_a = CourseIndexPageFactory(
        parent=site_root, slug="truong-a", school=school_a
    )
    catalogue_b = CourseIndexPageFactory(
        parent=site_root, slug="truong-b", school=school_b
    )
    course_a = CoursePageFactory(parent=catalogue_a, title="Khóa của A", slug="khoa-a")
    lesson = LessonPageFactory(parent=course_a, title="Bài đã duyệt")
    draft = LessonPageFactory(parent=course_a, title="Bài nháp", live=False)
    quiz = QuizPageFactory(parent=course_a, title="Kiểm tra của A")
    author = school_staff("ctv", Role.CONTENT_AUTHOR, school_a, year)
    officer = UserFactory(username="canbo")
    MembershipFactory(
        user=officer,
        role=Role.DEPARTMENT_OFFICER,
        school=None,
        school_class=None,
        school_year=year,
        department=school_a.department,
    )
    return {
        "year": year,
        "library": library,
        "catalogue_a": catalogue_a,
        "course_a": course_a,
        "lesson": lesson,
        "draft": draft,
        "quiz": quiz,
        "course_b": CoursePageFactory(parent=catalogue_b, title="Khóa của B"),
        "author": author,
        "admin_a": school_staff("qta", Role.SCHOOL_ADMIN, school_a, year),
        "admin_b": school_staff("qtb", Role.SCHOOL_ADMIN, school_b, year),
        "officer": officer,
    }


def _propose(world):
    return course_propose_for_library(
        course=world["course_a"], library=world["library"], user=world["admin_a"]
    )


# -- The library's workflow ------------------------------------------------------


def test_the_library_has_its_own_workflow_approved_by_the_officers(world):
    workflow = WorkflowPage.objects.get(page=world["library"]).workflow
    assert workflow.name == LIBRARY_WORKFLOW_NAME
    task = GroupApprovalTask.objects.get(workflow_tasks__workflow=workflow)
    assert [g.name for g in task.groups.all()] == [ROLE_GROUPS[Role.DEPARTMENT_OFFICER]]
    catalogue_permissions_sync(catalogue=world["library"])
    assert GroupApprovalTask.objects.filter(name=task.name).count() == 1
    pages = WorkflowPage.objects.filter(workflow__name=LIBRARY_WORKFLOW_NAME)
    assert pages.count() == 1


def test_demo_library_has_the_library_workflow(db):
    from django.core.management import call_command

    from courses.models import CourseIndexPage

    call_command("seed_demo", verbosity=0)
    for library in CourseIndexPage.objects.filter(school__isnull=True):
        assert library.get_workflow().name == LIBRARY_WORKFLOW_NAME


# -- Who may propose ------------------------------------------------------------


def test_a_school_admin_may_propose_their_own_schools_course_only(world):
    assert policies.may_propose_for_library(
        user=world["admin_a"], course=world["course_a"]
    )
    assert not policies.may_propose_for_library(
        user=world["admin_a"], course=world["course_b"]
    )
    assert not policies.may_propose_for_library(
        user=world["author"], course=world["course_a"]
    )
    assert not policies.may_propose_for_library(
        user=world["admin_a"], course=world["lesson"]
    )


def test_a_library_course_cannot_be_proposed_again(world):
    library_course = CoursePageFactory(parent=world["library"], title="Của Sở")
    assert not policies.may_propose_for_library(
        user=world["officer"], course=library_course
    )


def test_a_school_admin_may_not_publish_in_the_library(world):
    perms = world["library"].permissions_for_user(world["admin_a"])
    assert not perms.can_add_subpage()
    assert not perms.can_publish_subpage()
    copy = _propose(world)
    assert not copy.permissions_for_user(world["admin_a"]).can_publish()


# -- Proposing through the admin ---------------------------------------------------


def test_the_proposal_view_copies_the_course_into_the_library_and_submits_it(
    client, world
):
    client.force_login(world["admin_a"])
    url = reverse("lms_courses_propose_for_library", args=[world["course_a"].pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"library": world["library"].pk})
    assert response.status_code == 302
    copy = CoursePage.objects.child_of(world["library"]).get()
    assert not copy.live
    assert copy.title == "Khóa của A"
    assert copy.workflow_in_progress
    state = copy.current_workflow_state
    assert state.requested_by == world["admin_a"]
    assert state.workflow.name == LIBRARY_WORKFLOW_NAME
    titles = [p.title for p in copy.get_children()]
    assert titles == ["Bài đã duyệt", "Kiểm tra của A"]  # the school's draft stays
    assert not any(p.live for p in copy.get_children())
    # The school's own course is untouched.
    assert world["course_a"].get_children().count() == 3
    assert CoursePage.objects.get(pk=world["course_a"].pk).live


def test_another_schools_course_cannot_be_proposed_through_the_view(client, world):
    client.force_login(world["admin_b"])
    url = reverse("lms_courses_propose_for_library", args=[world["course_a"].pk])
    # Wagtail's admin turns a refusal into a redirect with a message.
    assert client.get(url).status_code in (302, 403)
    assert client.post(url, {"library": world["library"].pk}).status_code in (302, 403)
    assert not CoursePage.objects.child_of(world["library"]).exists()


def test_the_course_editor_offers_the_proposal_to_its_schools_admin(client, world):
    url = reverse("wagtailadmin_pages:edit", args=[world["course_a"].pk])
    target = reverse("lms_courses_propose_for_library", args=[world["course_a"].pk])
    client.force_login(world["admin_a"])
    assert target in client.get(url).content.decode()
    client.force_login(world["author"])
    assert target not in client.get(url).content.decode()


# -- The officers decide ------------------------------------------------------------


def test_an_officer_approves_and_the_course_goes_live_with_its_lessons(world):
    copy = _propose(world)
    task_state = copy.current_workflow_state.current_task_state
    task = task_state.task.specific
    assert task.get_actions(copy, world["admin_a"]) == []
    assert task.get_actions(copy, world["admin_b"]) == []
    assert task.get_actions(copy, world["officer"])
    task.on_action(task_state, world["officer"], "approve")
    copy = CoursePage.objects.get(pk=copy.pk)
    assert copy.live
    assert all(page.live for page in copy.get_children())
    assert copy.live_revision.user == world["admin_a"]


def test_an_officer_rejects_and_the_copy_stays_a_draft_with_the_comment(world):
    copy = _propose(world)
    task_state = copy.current_workflow_state.current_task_state
    task_state.task.specific.on_action(
        task_state, world["officer"], "reject", comment="Trùng khóa đã có."
    )
    copy = CoursePage.objects.get(pk=copy.pk)
    assert not copy.live
    assert copy.current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert TaskState.objects.get(pk=task_state.pk).comment == "Trùng khóa đã có."
    assert not LessonPage.objects.child_of(copy).filter(live=True).exists()


def test_the_library_task_is_reviewable_by_officers_not_school_admins(world):
    _propose(world)
    assert TaskState.objects.reviewable_by(world["officer"]).count() == 1
    assert not TaskState.objects.reviewable_by(world["admin_a"]).exists()
    assert not TaskState.objects.reviewable_by(world["admin_b"]).exists()


def test_the_history_names_who_proposed_and_who_approved(client, world):
    copy = _propose(world)
    task_state = copy.current_workflow_state.current_task_state
    task_state.task.specific.on_action(task_state, world["officer"], "approve")
    actions = {
        (entry.action, entry.user.username)
        for entry in PageLogEntry.objects.filter(page=copy)
    }
    assert (PROPOSE_LOG_ACTION, "qta") in actions
    assert ("wagtail.workflow.approve", "canbo") in actions
    assert ("wagtail.publish", "canbo") in actions
    assert PageLogEntry.objects.filter(
        page=world["course_a"], action=PROPOSE_LOG_ACTION, user=world["admin_a"]
    ).exists()
    client.force_login(world["officer"])
    html = client.get(reverse("wagtailadmin_pages:history", args=[copy.pk])).content
    html = html.decode()
    assert "Đã đề xuất đưa vào thư viện Sở" in html
    assert "canbo" in html or world["officer"].get_full_name() in html


# -- The dashboard ------------------------------------------------------------------


def _dashboard(client, user):
    client.force_login(user)
    return client.get(reverse("wagtailadmin_home")).content.decode()


def _submit(lesson, author, title):
    lesson = LessonPage.objects.get(pk=lesson.pk)
    lesson.title = title
    lesson.save_revision(user=author)
    return lesson.get_workflow().start(lesson, author)


def _panel(html, panel_id):
    """The HTML of one dashboard panel (up to the next panel)."""
    start = html.index(f'id="{panel_id}-section"')
    rest = html[start + 1 :]
    end = rest.find('class="w-panel w-panel--dashboard"')
    return rest if end < 0 else rest[:end]


def test_the_review_panel_comes_first_for_the_schools_admin_only(client, world):
    _submit(world["lesson"], world["author"], "Bài sửa của cộng tác viên")
    _propose(world)
    html = _dashboard(client, world["admin_a"])
    panel = _panel(html, "lms-review-queue")
    assert "Bài chờ duyệt" in panel
    assert "Bài sửa của cộng tác viên" in panel
    assert reverse("wagtailadmin_pages:edit", args=[world["lesson"].pk]) in panel
    # The library proposal is the officers' to review, not the school's.
    assert "Cán bộ Sở duyệt" not in panel
    assert 'id="awaiting-review-section"' not in html  # Wagtail's, replaced
    assert html.index('id="lms-review-queue-section"') < html.index(
        'id="lms-school-section"'
    )
    assert 'id="lms-review-queue-section"' not in _dashboard(client, world["admin_b"])


def test_the_officer_sees_the_library_proposal_to_review(client, world):
    copy = _propose(world)
    html = _dashboard(client, world["officer"])
    panel = _panel(html, "lms-review-queue")
    assert reverse("wagtailadmin_pages:edit", args=[copy.pk]) in panel
    assert "Cán bộ Sở duyệt" in panel


def test_the_author_sees_the_state_and_the_reviewers_comment(client, world):
    state = _submit(world["lesson"], world["author"], "Bài cần sửa")
    html = _dashboard(client, world["author"])
    assert "Bài của bạn đang chờ duyệt" in html
    assert "Đang chờ duyệt" in html
    task_state = state.current_task_state
    task_state.task.specific.on_action(
        task_state, world["admin_a"], "reject", comment="Thêm ví dụ về Điều 8."
    )
    panel = _panel(_dashboard(client, world["author"]), "lms-drafts-in-review")
    assert "Cần sửa" in panel
    assert "Thêm ví dụ về Điều 8." in panel


def test_a_lessons_history_names_its_author_and_its_approver(client, world):
    state = _submit(world["lesson"], world["author"], "Bài đã sửa")
    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, world["admin_a"], "approve")
    actions = {
        (entry.action, entry.user.username)
        for entry in PageLogEntry.objects.filter(
            page=world["lesson"], user__isnull=False
        )
    }
    assert {
        ("wagtail.workflow.start", "ctv"),
        ("wagtail.workflow.approve", "qta"),
        ("wagtail.publish", "qta"),
    } <= actions
    client.force_login(world["admin_a"])
    url = reverse("wagtailadmin_pages:history", args=[world["lesson"].pk])
    html = client.get(url).content.decode()
    for user in (world["author"], world["admin_a"]):
        assert str(user) in html


# -- The library copy owns its questions and certificate template -------------------


@pytest.fixture
def quiz_world(world):
    """School A's quiz: two fixed questions of A's bank and one of the
    Department's, a random draw on an A category with a sub-category (and a
    draft there); a certificate setting on A's own template."""
    from certificates.models import CourseCertificateSetting
    from courses.models import ConductPrinciple
    from quizzes.models import QuestionCategory
    from tests.certificates.factories import CertificateTemplateFactory
    from tests.quizzes.factories import add_draw, add_slots, single_choice

    school_a = world["catalogue_a"].school
    law = QuestionCategory.objects.create(
        name="Luật An ninh mạng", school=school_a, ignore_diacritics=True
    )
    chapter = QuestionCategory.objects.create(name="Chương 1", parent=law)
    drawn = QuestionCategory.objects.create(name="Ứng xử", school=school_a)
    drawn_sub = QuestionCategory.objects.create(name="Mạng xã hội", parent=drawn)
    shared = QuestionCategory.objects.create(name="Của Sở", school=None)
    fixed = [
        single_choice(category=chapter, name="Điều 8", idnumber="D8"),
        single_choice(category=law, name="Điều 2"),
    ]
    library_question = single_choice(category=shared, name="Câu của Sở")
    pool = [
        single_choice(category=drawn, name="Bình luận"),
        single_choice(category=drawn_sub, name="Chia sẻ tin"),
    ]
    unapproved = single_choice(category=drawn_sub, name="Nháp", live=False)
    fixed[0].principles.add(ConductPrinciple.objects.create(name="Tôn trọng"))
    fixed[0].save()  # a parental many-to-many is written on save
    add_slots(world["quiz"], [*fixed, library_question])
    add_draw(world["quiz"], drawn, 5)
    template = CertificateTemplateFactory(school=school_a, name="Mẫu của trường A")
    CourseCertificateSetting.objects.create(
        course=world["course_a"], audience="students", template=template
    )
    world.update(
        fixed=fixed,
        pool=pool,
        unapproved=unapproved,
        library_question=library_question,
        school_template=template,
    )
    return world


def _library_quiz(copy):
    from quizzes.models import QuizPage

    return QuizPage.objects.child_of(copy).get()


def _drawable(quiz):
    """Every question an attempt of `quiz` can show."""
    from quizzes.models import Question

    fixed = {slot.question for slot in quiz.slots.all()}
    drawn = set()
    for draw in quiz.draws.all():
        drawn |= set(
            Question.objects.filter(
                category__in=draw.category.descendants_and_self(), live=True
            )
        )
    return fixed | drawn


def test_a_proposed_quiz_draws_only_department_questions(quiz_world):
    copy = _propose(quiz_world)
    quiz = _library_quiz(copy)
    questions = _drawable(quiz)
    # Two fixed copies, the Department's shared one, two drawn copies.
    assert len(questions) == 5
    assert all(question.category.school_id is None for question in questions)
    assert quiz_world["library_question"] in questions
    names = {question.name for question in questions}
    assert names == {"Điều 8", "Điều 2", "Câu của Sở", "Bình luận", "Chia sẻ tin"}
    for question in questions - {quiz_world["library_question"]}:
        # Live with a first revision, as an import publishes.
        assert question.live
        assert question.live_revision is not None
    copied = next(q for q in questions if q.name == "Điều 8")
    assert copied.pk != quiz_world["fixed"][0].pk
    assert copied.category.full_path == (
        "Thư viện Sở/Khóa của A/Luật An ninh mạng/Chương 1"
    )
    assert copied.idnumber == "D8"
    assert [c.text for c in copied.choices.all()] == ["Đúng", "Sai 1", "Sai 2"]
    assert [p.name for p in copied.principles.all()] == ["Tôn trọng"]
    # Settings the school's categories handed down still apply.
    assert copied.category.ignore_diacritics_default() is True
    # The revision the officers' approval publishes names the copies too.
    revision_quiz = quiz.get_latest_revision_as_object()
    assert {slot.question_id for slot in revision_quiz.slots.all()} == {
        slot.question_id for slot in quiz.slots.all()
    }
    assert [d.category_id for d in revision_quiz.draws.all()] == [
        d.category_id for d in quiz.draws.all()
    ]


def test_proposing_leaves_the_schools_quiz_and_questions_as_they_were(quiz_world):
    from quizzes.models import Question

    before = set(Question.objects.values_list("pk", "category_id", "text", "version"))
    _propose(quiz_world)
    quiz = quiz_world["quiz"]
    assert [slot.question for slot in quiz.slots.order_by("sort_order")] == [
        *quiz_world["fixed"],
        quiz_world["library_question"],
    ]
    assert quiz.draws.get().category.school_id == quiz_world["catalogue_a"].school_id
    after = set(Question.objects.values_list("pk", "category_id", "text", "version"))
    assert before <= after
    # The school's draft was not copied.
    assert not Question.objects.filter(name="Nháp").exclude(
        pk=quiz_world["unapproved"].pk
    )


def test_the_proposed_course_certifies_with_a_department_template(quiz_world):
    from certificates.defaults import DEFAULT_TEMPLATE_NAME
    from certificates.models import CourseCertificateSetting

    copy = _propose(quiz_world)
    setting = CourseCertificateSetting.objects.get(course=copy)
    assert setting.template.school_id is None
    assert setting.template.name == DEFAULT_TEMPLATE_NAME
    assert "Trần Văn Hiệu" not in {s.name for s in setting.template.signatories.all()}
    revision = CoursePage.objects.get(pk=copy.pk).get_latest_revision_as_object()
    assert [s.template_id for s in revision.certificate_settings.all()] == [
        setting.template_id
    ]
    # The school's course keeps its own.
    source = CourseCertificateSetting.objects.get(course=quiz_world["course_a"])
    assert source.template == quiz_world["school_template"]


def test_a_failed_proposal_leaves_nothing_behind(quiz_world, monkeypatch):
    from quizzes import library_copy
    from quizzes.models import Question, QuestionCategory

    questions = Question.objects.count()
    categories = QuestionCategory.objects.count()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(library_copy, "published_as_imported", broken)
    with pytest.raises(RuntimeError):
        _propose(quiz_world)
    assert not CoursePage.objects.child_of(quiz_world["library"]).exists()
    assert Question.objects.count() == questions
    assert QuestionCategory.objects.count() == categories


def test_another_schools_learner_takes_the_approved_library_quiz(quiz_world):
    from quizzes.services import attempt_start
    from tests.people.factories import SchoolClassFactory

    copy = _propose(quiz_world)
    task_state = copy.current_workflow_state.current_task_state
    task_state.task.specific.on_action(task_state, quiz_world["officer"], "approve")
    quiz = _library_quiz(copy)
    quiz.refresh_from_db()
    assert quiz.live
    school_b = quiz_world["course_b"].get_parent().specific.school
    learner = UserFactory(username="hs-b")
    MembershipFactory(
        user=learner,
        role=Role.STUDENT,
        school_class=SchoolClassFactory(
            school=school_b, school_year=quiz_world["year"]
        ),
        school_year=quiz_world["year"],
    )
    attempt = attempt_start(user=learner, quiz=quiz)
    from quizzes.models import Question

    shown = Question.objects.filter(
        pk__in=[item["question_id"] for item in attempt.snapshot]
    )
    assert shown.count() == 5
    assert not shown.filter(category__school__isnull=False).exists()
    school_questions = {q.pk for q in [*quiz_world["fixed"], *quiz_world["pool"]]}
    assert not school_questions & {q.pk for q in shown}
