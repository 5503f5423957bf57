"""Collaborators write, school admins approve (issue 14, groundwork).

A school's content author ("soạn bài") drafts lessons and courses in the
school's catalogue and submits them to the school's review workflow; only
the school's admins approve (it goes live) or ask for changes.
"""

import datetime

import pytest
from django.urls import reverse
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    TaskState,
    WorkflowPage,
    WorkflowState,
)
from wagtail.test.utils.form_data import nested_form_data, streamfield

from courses import policies
from courses.models import LessonPage
from lms.people.models import Role
from lms.people.policies import schools_authored_by
from lms.people.roles import content_author_group_name, school_admin_group_name
from lms.people.services import role_groups_sync_all
from tests.courses.factories import (
    CourseIndexPageFactory,
    CoursePageFactory,
    LessonPageFactory,
)
from tests.people.factories import (
    MembershipFactory,
    SchoolFactory,
    SchoolYearFactory,
    school_staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(site_root):
    year = SchoolYearFactory()
    school_a = SchoolFactory(code="TRUONGA")
    school_b = SchoolFactory(code="TRUONGB", department=school_a.department)
    catalogue_a = CourseIndexPageFactory(
        parent=site_root, slug="truong-a", school=school_a
    )
    catalogue_b = CourseIndexPageFactory(
        parent=site_root, slug="truong-b", school=school_b
    )
    course_a = CoursePageFactory(parent=catalogue_a, title="Khóa của A")
    author = school_staff("ctv", Role.COLLABORATOR, school_a, year)
    MembershipFactory(
        user=author,
        role=Role.CONTENT_AUTHOR,
        school=school_a,
        school_class=None,
        school_year=year,
    )
    return {
        "year": year,
        "school_a": school_a,
        "school_b": school_b,
        "catalogue_a": catalogue_a,
        "catalogue_b": catalogue_b,
        "course_a": course_a,
        "lesson_a": LessonPageFactory(parent=course_a, title="Bài gốc"),
        "course_b": CoursePageFactory(parent=catalogue_b, title="Khóa của B"),
        "author": author,
        "admin_a": school_staff("qta", Role.SCHOOL_ADMIN, school_a, year),
        "admin_b": school_staff("qtb", Role.SCHOOL_ADMIN, school_b, year),
    }


def _lesson_form(lesson, title):
    return nested_form_data(
        {
            "title": title,
            "slug": lesson.slug,
            "body": streamfield(
                [("heading", {"text": "Điều 8", "level": "h2"})],
            ),
            "estimated_minutes": 5,
            "required": "on",
        }
    )


def _live_title(page):
    return type(page).objects.get(pk=page.pk).title


# -- The content role -----------------------------------------------------


def test_content_authors_group_holds_add_and_change_but_not_publish(world):
    codenames = set(
        GroupPagePermission.objects.filter(
            page=world["catalogue_a"],
            group__name=content_author_group_name(world["school_a"]),
        ).values_list("permission__codename", flat=True)
    )
    assert codenames == {"add_page", "change_page"}
    admins = set(
        GroupPagePermission.objects.filter(
            page=world["catalogue_a"],
            group__name=school_admin_group_name(world["school_a"]),
        ).values_list("permission__codename", flat=True)
    )
    assert "publish_page" in admins


def test_the_content_role_joins_the_schools_authors_group_only(world):
    names = set(world["author"].groups.values_list("name", flat=True))
    assert content_author_group_name(world["school_a"]) in names
    assert content_author_group_name(world["school_b"]) not in names
    assert school_admin_group_name(world["school_a"]) not in names


def test_the_content_role_lapses_with_its_school_year(world):
    author = world["author"]
    ended = world["year"].ends_on + datetime.timedelta(days=1)
    assert list(schools_authored_by(viewer=author)) == [world["school_a"]]
    assert not schools_authored_by(viewer=author, today=ended).exists()
    role_groups_sync_all(today=ended)
    assert not author.groups.filter(
        name=content_author_group_name(world["school_a"])
    ).exists()


def test_a_school_admin_gives_the_content_role_at_their_own_school_only(world):
    from lms.people.policies import may_grant_membership

    grant = {
        "actor": world["admin_a"],
        "person": world["author"],
        "role": Role.CONTENT_AUTHOR,
        "school_year": world["year"],
    }
    assert may_grant_membership(**grant, school=world["school_a"])
    assert not may_grant_membership(**grant, school=world["school_b"])
    assert not may_grant_membership(
        **{**grant, "actor": world["author"], "person": world["admin_a"]},
        school=world["school_a"],
    )


def test_authoring_policy_covers_own_school_catalogue_only(world):
    author = world["author"]
    assert list(policies.catalogues_authorable_by(user=author)) == [
        world["catalogue_a"]
    ]
    assert policies.may_author_course(user=author, course=world["lesson_a"])
    assert not policies.may_author_course(user=author, course=world["course_b"])
    # Authoring is not managing: nothing to edit-and-publish, assign or import.
    assert not policies.catalogues_editable_by(user=author).exists()
    assert not policies.catalogues_importable_by(user=author).exists()


def test_author_saves_a_draft_that_stays_off_the_live_site(client, world):
    lesson = world["lesson_a"]
    client.force_login(world["author"])
    url = reverse("wagtailadmin_pages:edit", args=[lesson.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _lesson_form(lesson, "Bài mới của CTV"))
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.has_unpublished_changes
    assert lesson.get_latest_revision().as_object().title == "Bài mới của CTV"
    assert _live_title(lesson) == "Bài gốc"
    preview = reverse("wagtailadmin_pages:preview_on_edit", args=[lesson.pk])
    assert client.post(preview, _lesson_form(lesson, "Xem trước")).status_code == 200


def test_author_cannot_publish_through_wagtails_editor(client, world):
    lesson = world["lesson_a"]
    client.force_login(world["author"])
    url = reverse("wagtailadmin_pages:edit", args=[lesson.pk])
    client.post(url, {**_lesson_form(lesson, "Tự đăng"), "action-publish": "1"})
    assert _live_title(lesson) == "Bài gốc"
    perms = lesson.permissions_for_user(world["author"])
    assert perms.can_edit() and not perms.can_publish()
    assert (
        not world["catalogue_a"]
        .permissions_for_user(world["author"])
        .can_publish_subpage()
    )


def test_author_may_add_a_lesson_as_a_draft(client, world):
    course = world["course_a"]
    client.force_login(world["author"])
    url = reverse(
        "wagtailadmin_pages:add", args=["lms_courses", "lessonpage", course.pk]
    )
    data = nested_form_data(
        {
            "title": "Bài nháp",
            "slug": "bai-nhap",
            "body": streamfield([("heading", {"text": "Mở đầu", "level": "h2"})]),
            "estimated_minutes": 5,
            "required": "on",
        }
    )
    assert client.post(url, data).status_code == 302
    draft = LessonPage.objects.get(slug="bai-nhap")
    assert not draft.live


def test_author_cannot_reach_another_schools_catalogue(client, world):
    client.force_login(world["author"])
    course = world["course_b"]
    edit = reverse("wagtailadmin_pages:edit", args=[course.pk])
    assert client.get(edit).status_code != 200
    add = reverse(
        "wagtailadmin_pages:add", args=["lms_courses", "lessonpage", course.pk]
    )
    assert client.get(add).status_code != 200
    assert not course.permissions_for_user(world["author"]).can_edit()


# -- The school's review workflow -----------------------------------------


def test_each_school_catalogue_has_its_schools_review_workflow(world):
    workflow_a = WorkflowPage.objects.get(page=world["catalogue_a"]).workflow
    workflow_b = WorkflowPage.objects.get(page=world["catalogue_b"]).workflow
    assert workflow_a != workflow_b
    task = GroupApprovalTask.objects.get(workflow_tasks__workflow=workflow_a)
    assert [g.name for g in task.groups.all()] == [
        school_admin_group_name(world["school_a"])
    ]
    assert world["lesson_a"].get_workflow() == workflow_a


def test_syncing_again_makes_no_second_workflow(world):
    from courses.services import catalogue_permissions_sync

    catalogue_permissions_sync(catalogue=world["catalogue_a"])
    catalogue_permissions_sync(catalogue=world["catalogue_a"])
    group = school_admin_group_name(world["school_a"])
    assert GroupApprovalTask.objects.filter(groups__name=group).count() == 1


def test_a_catalogue_given_to_another_owner_follows_its_workflow(world):
    catalogue = world["catalogue_a"]
    catalogue.school = world["school_b"]
    catalogue.save()
    workflow_b = WorkflowPage.objects.get(page=world["catalogue_b"]).workflow
    assert WorkflowPage.objects.get(page=catalogue).workflow == workflow_b
    assert not catalogue.permissions_for_user(world["author"]).can_add_subpage()
    catalogue.school = None
    catalogue.save()
    # Given to the Department library: the library's workflow (officers).
    assert WorkflowPage.objects.get(page=catalogue).workflow.name == "Duyệt thư viện Sở"


def _submit(lesson, author, title):
    lesson.title = title
    lesson.save_revision(user=author)
    return lesson.get_workflow().start(lesson, author)


def test_submitted_edit_stays_off_the_live_site_until_approved(world):
    lesson = world["lesson_a"]
    state = _submit(lesson, world["author"], "Bài đã sửa")
    assert _live_title(lesson) == "Bài gốc"
    task_state = state.current_task_state
    task = task_state.task.specific
    assert task.get_actions(lesson, world["admin_a"])
    task.on_action(task_state, world["admin_a"], "approve")
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert _live_title(lesson) == "Bài đã sửa"
    assert LessonPage.objects.get(pk=lesson.pk).live_revision.user == world["author"]


def test_rejected_edit_stays_a_draft_with_the_comment(world):
    lesson = world["lesson_a"]
    state = _submit(lesson, world["author"], "Bài cần sửa")
    task_state = state.current_task_state
    task_state.task.specific.on_action(
        task_state, world["admin_a"], "reject", comment="Trích sai điều luật."
    )
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert TaskState.objects.get(pk=task_state.pk).comment == "Trích sai điều luật."
    assert _live_title(lesson) == "Bài gốc"
    assert LessonPage.objects.get(pk=lesson.pk).has_unpublished_changes


def test_another_schools_admin_neither_sees_nor_acts_on_the_task(client, world):
    lesson = world["lesson_a"]
    state = _submit(lesson, world["author"], "Bài chờ duyệt")
    task_state = state.current_task_state
    other = world["admin_b"]
    assert task_state.task.specific.get_actions(lesson, other) == []
    assert not TaskState.objects.reviewable_by(other).exists()
    assert TaskState.objects.reviewable_by(world["admin_a"]).get() == task_state
    client.force_login(other)
    action = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[lesson.pk, "approve", task_state.pk],
    )
    client.post(action, {})
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert _live_title(lesson) == "Bài gốc"
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Bài chờ duyệt" not in dashboard


def test_own_schools_admin_approves_through_the_admin_view(client, world):
    lesson = world["lesson_a"]
    state = _submit(lesson, world["author"], "Bài được duyệt")
    client.force_login(world["admin_a"])
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Bài được duyệt" in dashboard
    action = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[lesson.pk, "approve", state.current_task_state.pk],
    )
    client.post(action, {})
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert _live_title(lesson) == "Bài được duyệt"


def test_reviewer_is_offered_to_approve_in_the_words_of_the_review(client, world):
    # Wagtail's Vietnamese says "Phê chuẩn" (ratify); the review is "duyệt"
    # everywhere else: "Duyệt bài", "Đang chờ bạn duyệt", "Được … duyệt".
    lesson = world["lesson_a"]
    _submit(lesson, world["author"], "Bài chờ duyệt")
    client.force_login(world["admin_a"])
    editor = client.get(
        reverse("wagtailadmin_pages:edit", args=[lesson.pk]), HTTP_ACCEPT_LANGUAGE="vi"
    ).content.decode()
    assert "Duyệt và xuất bản" in editor
    assert "Duyệt kèm ý kiến và xuất bản" in editor
    assert "Yêu cầu sửa" in editor
    assert "Phê chuẩn" not in editor


def test_author_submits_for_review_from_the_editor(client, world):
    lesson = world["lesson_a"]
    client.force_login(world["author"])
    url = reverse("wagtailadmin_pages:edit", args=[lesson.pk])
    client.post(url, {**_lesson_form(lesson, "Gửi duyệt"), "action-submit": "1"})
    lesson.refresh_from_db()
    assert lesson.workflow_in_progress
    assert _live_title(lesson) == "Bài gốc"


# -- The demo ---------------------------------------------------------------


def test_demo_collaborator_writes_for_demo_whose_catalogue_has_its_workflow(db):
    from django.core.management import call_command

    from courses.models import CourseIndexPage
    from lms.people.models import Membership, School

    call_command("seed_demo", verbosity=0)
    demo = School.objects.get(code="DEMO")
    assert Membership.objects.filter(
        user__username="collaborator", role=Role.CONTENT_AUTHOR, school=demo
    ).exists()
    assert list(schools_authored_by(viewer=_user("collaborator"))) == [demo]
    catalogue = CourseIndexPage.objects.get(school=demo)
    task = GroupApprovalTask.objects.get(
        workflow_tasks__workflow=WorkflowPage.objects.get(page=catalogue).workflow
    )
    assert [g.name for g in task.groups.all()] == [school_admin_group_name(demo)]
    lesson = LessonPage.objects.descendant_of(catalogue).first()
    assert lesson.permissions_for_user(_user("collaborator")).can_edit()
    assert not lesson.permissions_for_user(_user("collaborator")).can_publish()
    assert task.get_actions(lesson, _user("schooladmin"))


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def test_submission_mails_the_schools_admins_only_in_vietnamese(world, mailoutbox):
    for key in ("admin_a", "admin_b"):
        world[key].email = f"{key}@truong.edu.vn"
        world[key].save()
    _submit(world["lesson_a"], world["author"], "Bài chờ duyệt")
    to = [address for message in mailoutbox for address in message.to]
    assert "admin_a@truong.edu.vn" in to
    assert "admin_b@truong.edu.vn" not in to
    assert all("gửi duyệt" in message.subject for message in mailoutbox)


def test_a_request_for_changes_mails_the_author_with_the_comment(world, mailoutbox):
    world["author"].email = "ctv@truong.edu.vn"
    world["author"].save()
    state = _submit(world["lesson_a"], world["author"], "Bài cần sửa")
    mailoutbox.clear()
    task_state = state.current_task_state
    task_state.task.specific.on_action(
        task_state, world["admin_a"], "reject", comment="Thêm ví dụ."
    )
    [message] = [m for m in mailoutbox if "ctv@truong.edu.vn" in m.to]
    assert "Thêm ví dụ." in message.body


def test_a_learner_reads_only_the_approved_lesson(client, world, make_learner):
    from tests.people.factories import SchoolClassFactory

    lesson = world["lesson_a"]
    school_class = SchoolClassFactory(
        school=world["school_a"], school_year=world["year"]
    )
    learner = make_learner(username="hs_a", school_class_=school_class)
    lesson.body = [("rich_text", "<p>Nội dung đã duyệt.</p>")]
    lesson.save_revision(user=world["admin_a"]).publish()
    lesson.body = [("rich_text", "<p>Nội dung chưa duyệt.</p>")]
    state = _submit(lesson, world["author"], "Bài gốc")
    client.force_login(learner)
    client.get(world["course_a"].url)
    html = client.get(lesson.url).content.decode()
    assert "Nội dung đã duyệt." in html
    assert "Nội dung chưa duyệt." not in html
    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, world["admin_a"], "approve")
    html = client.get(lesson.url).content.decode()
    assert "Nội dung chưa duyệt." in html


# -- Media: authors upload into their school's collection ----------------------


def test_authors_upload_images_and_documents_into_their_schools_collection(
    client, world
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from wagtail.documents import get_document_model
    from wagtail.documents.models import Document
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file
    from wagtail.permissions import policy_registry

    from quizzes.import_files import school_collection

    own = school_collection(world["school_a"])
    other = school_collection(world["school_b"])
    author = world["author"]
    image_policy = policy_registry.get_by_type(get_image_model())
    document_policy = policy_registry.get_by_type(get_document_model())
    for policy in (image_policy, document_policy):
        assert list(policy.collections_user_has_permission_for(author, "add")) == [own]
        assert own in policy.collections_user_has_permission_for(author, "choose")
    client.force_login(author)
    url = reverse("wagtaildocs:add")
    assert client.get(url).status_code == 200
    for collection, title in ((other, "Của trường B"), (own, "Của trường A")):
        client.post(
            url,
            {
                "title": title,
                "collection": collection.pk,
                "file": SimpleUploadedFile("quy-che.pdf", b"%PDF-1.4 quy che"),
            },
        )
    # Only the school's own collection is offered: nothing lands in B's.
    assert not Document.objects.filter(collection=other).exists()
    assert Document.objects.filter(collection=own, title="Của trường A").exists()
    image_url = reverse("wagtailimages:add")
    client.post(
        image_url,
        {"title": "Ảnh B", "collection": other.pk, "file": get_test_image_file()},
    )
    from wagtail.images.models import Image

    assert not Image.objects.filter(title="Ảnh B").exists()
    # Another school's admin has no upload right from the authors' group.
    assert not image_policy.user_has_permission(world["admin_b"], "add")


# -- A new lesson goes before the course's closing quiz --------------------------


def _author_adds_lesson(client, world, slug):
    course = world["course_a"]
    client.force_login(world["author"])
    url = reverse(
        "wagtailadmin_pages:add", args=["lms_courses", "lessonpage", course.pk]
    )
    data = nested_form_data(
        {
            "title": "Bài mới",
            "slug": slug,
            "body": streamfield([("heading", {"text": "Mở đầu", "level": "h2"})]),
            "estimated_minutes": 5,
            "required": "on",
        }
    )
    assert client.post(url, {**data, "action-submit": "1"}).status_code == 302
    return LessonPage.objects.get(slug=slug)


def _tree_order(course):
    return [page.pk for page in course.get_children().order_by("path")]


def test_a_new_lesson_goes_before_the_courses_closing_quiz(client, world, make_learner):
    from courses.selectors import course_status_for
    from tests.people.factories import SchoolClassFactory
    from tests.quizzes.factories import QuizPageFactory

    course, lesson = world["course_a"], world["lesson_a"]
    quiz = QuizPageFactory(parent=course, title="Bài kiểm tra cuối khóa")
    new = _author_adds_lesson(client, world, "bai-moi")
    assert _tree_order(course) == [lesson.pk, new.pk, quiz.pk]

    state = new.current_workflow_state
    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, world["admin_a"], "approve")
    school_class = SchoolClassFactory(
        school=world["school_a"], school_year=world["year"]
    )
    learner = make_learner(username="hs_a", school_class_=school_class)
    steps = course_status_for(user=learner, course=course).steps
    assert [step.page.pk for step in steps] == [lesson.pk, new.pk, quiz.pk]


def test_a_lesson_added_to_a_course_ending_in_a_lesson_stays_last(client, world):
    course, lesson = world["course_a"], world["lesson_a"]
    new = _author_adds_lesson(client, world, "bai-moi")
    assert _tree_order(course) == [lesson.pk, new.pk]


def test_a_new_lesson_goes_before_all_closing_quizzes_and_a_new_quiz_stays_last(
    world,
):
    from courses.services import step_place_before_closing_quizzes
    from tests.quizzes.factories import QuizPageFactory

    course, lesson = world["course_a"], world["lesson_a"]
    first = QuizPageFactory(parent=course)
    second = QuizPageFactory(parent=course)
    new = LessonPageFactory(parent=course)
    assert step_place_before_closing_quizzes(step=new, user=world["author"])
    assert _tree_order(course) == [lesson.pk, new.pk, first.pk, second.pk]
    quiz = QuizPageFactory(parent=course)
    assert not step_place_before_closing_quizzes(step=quiz, user=world["author"])
    assert _tree_order(course)[-1] == quiz.pk
