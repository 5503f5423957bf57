"""The world every access case is tried in: one Department, two schools,
this school year and the last, and content owned by school A, school B and
the Department's shared library.

Built once per test module (see conftest.py); each request runs in a
savepoint that is rolled back, so cases never see each other's changes.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from wagtail.contrib.redirects.models import Redirect
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, Locale, Page, Site, Task, Workflow

from certificates.models import CertificateStatus
from certificates.services import batch_create, certificate_issue
from courses.models import ConductPrinciple, LegalDocument, LegalReference
from courses.services import catalogue_permissions_sync, course_open, lesson_complete
from lms.people.models import Consent, Guardian, GuardianChild, Role, RosterImportJob
from lms.people.services import guardian_activation_code_issue
from quizzes.services import attempt_start, attempt_submit
from tests.certificates.factories import (
    CertificateTemplateFactory,
    CourseCertificateSettingFactory,
)
from tests.courses.factories import (
    CourseIndexPageFactory,
    CoursePageFactory,
    LessonPageFactory,
)
from tests.people.factories import (
    CURRENT_YEAR,
    DepartmentFactory,
    MembershipFactory,
    SchoolClassFactory,
    SchoolFactory,
    SchoolYearFactory,
    UserFactory,
)
from tests.quizzes.factories import (
    QuestionCategoryFactory,
    QuizPageFactory,
    add_slots,
    essay,
    single_choice,
)

# The people every case is tried as, seen from an object of school A.
RELATIONS = (
    "anonymous",
    "student_a",  # a learner of school A (the owner, where a learner owns it)
    "collaborator_a",  # a collaborator of school A: a learner too
    "homeroom_a",  # homeroom teacher of the learner's class
    "author_a",  # content author ("soạn bài") of school A this year
    "admin_a",  # school admin of A this year
    "admin_b",  # school admin of another school of the Department
    "admin_a_past",  # school admin of A last year only: the power has lapsed
    "officer",  # Department officer
    "superuser",
    "parent_a",  # parent account of another learner of school A (child_a)
)

PREVIOUS_YEAR = f"{int(CURRENT_YEAR[:4]) - 1}-{int(CURRENT_YEAR[:4])}"


@dataclass
class World:
    people: dict = field(default_factory=dict)
    obj: dict = field(default_factory=dict)

    def __getitem__(self, key):
        return self.obj[key] if key in self.obj else self.people[key]

    def pk(self, key) -> int:
        return self[key].pk


def _staff(user, role, *, school=None, year, department=None):
    return MembershipFactory(
        user=user,
        role=role,
        school=school,
        school_class=None,
        school_year=year,
        department=department,
    )


def build_world() -> World:
    w = World()
    o = w.obj
    department = DepartmentFactory(code="so-truy-cap", name="Sở Giáo dục Truy cập")
    year = SchoolYearFactory()
    first = int(PREVIOUS_YEAR[:4])
    past = SchoolYearFactory(
        name=PREVIOUS_YEAR,
        starts_on=datetime.date(first, 9, 5),
        ends_on=datetime.date(first + 1, 5, 31),
    )
    school_a = SchoolFactory(code="TRUONGA", name="Trường A", department=department)
    school_b = SchoolFactory(code="TRUONGB", name="Trường B", department=department)
    class_a = SchoolClassFactory(name="10A1", school=school_a, school_year=year)
    class_b = SchoolClassFactory(name="10B1", school=school_b, school_year=year)
    class_a_past = SchoolClassFactory(name="9A1", school=school_a, school_year=past)
    o.update(
        department=department,
        year=year,
        past_year=past,
        school_a=school_a,
        school_b=school_b,
        class_a=class_a,
        class_b=class_b,
        class_a_past=class_a_past,
    )

    def user(username, **kwargs):
        return UserFactory(username=username, full_name=f"Người {username}", **kwargs)

    p = w.people
    p["student_a"] = user("hs_a")
    o["membership_student_a"] = MembershipFactory(
        user=p["student_a"], role=Role.STUDENT, school_class=class_a
    )
    MembershipFactory(user=p["student_a"], role=Role.STUDENT, school_class=class_a_past)
    p["collaborator_a"] = user("ctv_a")
    _staff(p["collaborator_a"], Role.COLLABORATOR, school=school_a, year=year)
    p["homeroom_a"] = user("gvcn_a")
    MembershipFactory(
        user=p["homeroom_a"], role=Role.HOMEROOM_TEACHER, school_class=class_a
    )
    p["author_a"] = user("sb_a")
    _staff(p["author_a"], Role.CONTENT_AUTHOR, school=school_a, year=year)
    p["admin_a"] = user("qt_a")
    o["membership_admin_a"] = _staff(
        p["admin_a"], Role.SCHOOL_ADMIN, school=school_a, year=year
    )
    p["admin_b"] = user("qt_b")
    _staff(p["admin_b"], Role.SCHOOL_ADMIN, school=school_b, year=year)
    p["admin_a_past"] = user("qt_a_cu")
    _staff(p["admin_a_past"], Role.SCHOOL_ADMIN, school=school_a, year=past)
    p["officer"] = user("can_bo_so")
    o["membership_officer"] = _staff(
        p["officer"], Role.DEPARTMENT_OFFICER, year=year, department=department
    )
    p["superuser"] = user("quantri", is_superuser=True, is_staff=True)
    # Targets that are nobody's relation.
    o["student_b"] = user("hs_b")
    MembershipFactory(user=o["student_b"], role=Role.STUDENT, school_class=class_b)
    o["teacher_a"] = user("gv_a")
    _staff(o["teacher_a"], Role.TEACHER, school=school_a, year=year)
    o["consent_a"] = Consent.objects.create(
        learner=p["student_a"],
        given_by=Consent.GivenBy.LEARNER,
        giver_name="Người hs_a",
        method=Consent.Method.PAPER_FORM,
    )

    # Pages: the Department library and school A's own catalogue.
    home = _site_home()
    o["home"] = home
    for key, owner in (("lib", None), ("a", school_a)):
        catalogue = CourseIndexPageFactory(
            parent=home, title=f"Danh mục {key}", slug=f"danh-muc-{key}", school=owner
        )
        catalogue_permissions_sync(catalogue=catalogue)
        course = CoursePageFactory(parent=catalogue, title=f"Khóa học {key}")
        lesson = LessonPageFactory(parent=course)
        quiz = QuizPageFactory(parent=course, pass_mark=50, required=False)
        o.update(
            {
                f"catalogue_{key}": catalogue,
                f"course_{key}": course,
                f"lesson_{key}": lesson,
                f"quiz_{key}": quiz,
            }
        )
    o["course_a"].save_revision(user=p["superuser"])
    o["revision_a"] = o["course_a"].latest_revision
    # A lesson of A's that its content author submitted for review.
    submitted = o["lesson_a"]
    submitted.title = "Bài gửi duyệt"
    submitted.save_revision(user=p["author_a"])
    o["review_a"] = (
        submitted.get_workflow().start(submitted, p["author_a"]).current_task_state
    )

    # The question bank: a category and questions per owner.
    for key, owner in (("lib", None), ("a", school_a), ("b", school_b)):
        category = QuestionCategoryFactory(name=f"Ngân hàng {key}", school=owner)
        o[f"category_{key}"] = category
        o[f"question_{key}"] = single_choice(category=category)
    o["essay_question_a"] = essay(category=o["category_a"])
    add_slots(o["quiz_a"], [o["question_a"], o["essay_question_a"]])
    add_slots(o["quiz_lib"], [o["question_lib"]])

    # student_a's submitted attempt with an essay awaiting grading.
    attempt = attempt_start(user=p["student_a"], quiz=o["quiz_a"])
    essay_key = attempt.snapshot[1]["key"]
    o["attempt_a"] = attempt_submit(
        attempt=attempt, answers={essay_key: "Bài tự luận của em hs_a"}
    )
    o["essay_response_a"] = o["attempt_a"].responses.get(key=essay_key)
    o["open_attempt_a"] = attempt_start(user=p["student_a"], quiz=o["quiz_lib"])

    # Certificates: a template owned by A, student_a certified for A's course.
    o["template_a"] = CertificateTemplateFactory(name="Mẫu trường A", school=school_a)
    o["template_lib"] = CertificateTemplateFactory(name="Mẫu của Sở", school=None)
    CourseCertificateSettingFactory(
        course=o["course_a"], template=o["template_a"], auto_issue=False
    )
    course_open(user=p["student_a"], course=o["course_a"])
    lesson_complete(user=p["student_a"], lesson=o["lesson_a"], course=o["course_a"])
    o["certificate_a"] = certificate_issue(
        user=p["student_a"], course=o["course_a"], notify=False
    ).certificate
    assert o["certificate_a"].status == CertificateStatus.VALID
    o["batch_a"] = batch_create(
        course=o["course_a"],
        users=[p["student_a"]],
        created_by=p["admin_a"],
        school=school_a,
    )

    # Families: parent_a's account belongs to the guardian of child_a, a
    # student of A's class 10A1 with a certificate of A's course; a second
    # family has a fresh activation code and no account yet.
    o["child_a"] = user("con_a")
    MembershipFactory(user=o["child_a"], role=Role.STUDENT, school_class=class_a)
    p["parent_a"] = user("ph_a")
    o["guardian_a"] = Guardian.objects.create(
        school=school_a,
        full_name="Người ph_a",
        email="ph_a@example.edu.vn",
        user=p["parent_a"],
    )
    GuardianChild.objects.create(guardian=o["guardian_a"], learner=o["child_a"])
    course_open(user=o["child_a"], course=o["course_a"])
    lesson_complete(user=o["child_a"], lesson=o["lesson_a"], course=o["course_a"])
    o["certificate_child_a"] = certificate_issue(
        user=o["child_a"], course=o["course_a"], notify=False
    ).certificate
    new_family = Guardian.objects.create(school=school_a, full_name="Người ph_moi")
    GuardianChild.objects.create(guardian=new_family, learner=p["student_a"])
    o["activation_code"] = guardian_activation_code_issue(guardian=new_family).code

    # Wagtail content: a collection, a document, an image, snippets.
    # A transactional test run earlier in this process may have flushed the
    # root collection that Wagtail's migration made.
    root_collection = Collection.get_first_root_node() or Collection.add_root(
        name="Root"
    )
    o["collection"] = root_collection.add_child(name="Trường A")
    o["document"] = Document.objects.create(
        title="Nội quy",
        file=ContentFile(b"%PDF-1.4 noi quy", name="noi-quy.pdf"),
        collection=o["collection"],
        uploaded_by_user=p["admin_a"],
    )
    o["image"] = Image.objects.create(
        title="Ảnh trường",
        file=get_test_image_file(),
        collection=o["collection"],
        uploaded_by_user=p["admin_a"],
    )
    o["legal_document"] = LegalDocument.objects.create(
        **_fields(LegalDocument, "Luật An ninh mạng")
    )
    o["legal_reference"] = LegalReference.objects.create(
        document=o["legal_document"], **_fields(LegalReference, "8")
    )
    o["conduct_principle"] = ConductPrinciple.objects.create(
        **_fields(ConductPrinciple, "Tôn trọng")
    )
    o["root_collection"] = Collection.get_first_root_node()
    o["site"] = Site.objects.get(is_default_site=True)
    o["workflow"] = Workflow.objects.order_by("pk").first()
    o["task"] = Task.objects.order_by("pk").first()
    o["redirect"] = Redirect.objects.create(old_path="/cu", redirect_page=o["course_a"])
    o["group_admins"] = Group.objects.get(name="LMS – Quản trị trường")
    o["group_moderators"] = Group.objects.get(name="Moderators")
    # A finished background roster import into school A (no file kept).
    o["roster_job_a"] = RosterImportJob.objects.create(
        school=school_a,
        school_year=year,
        created_by=p["admin_a"],
        filename="lop-10a1.xlsx",
        status=RosterImportJob.Status.DONE,
        outcome={"created": 1, "updated": 0, "unchanged": 0},
    )
    # An e-mail the queue gave up on (lms.mail), to be sent again by hand.
    from lms.mail.models import OutgoingEmail

    o["outgoing_failed"] = OutgoingEmail.objects.create(
        to="hs@example.edu.vn",
        subject="Nhắc nhở",
        body="…",
        status=OutgoingEmail.Status.FAILED,
        attempts=14,
        last_error="ConnectionRefusedError: [Errno 111] Connection refused",
    )
    return w


def _site_home():
    """Wagtail's home page under the root, as the default site's root."""
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
    home = root.get_children().first() or root.add_child(title="Trang chủ", slug="home")
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home},
    )
    return home


def _fields(model, text: str) -> dict:
    """Required text fields of a small snippet model filled with `text`."""
    values = {}
    for f in model._meta.concrete_fields:
        if f.primary_key or f.has_default() or f.null or f.blank:
            continue
        if f.get_internal_type() in ("CharField", "TextField", "SlugField"):
            values[f.name] = text[: f.max_length or None]
        elif f.get_internal_type() == "URLField":
            values[f.name] = "https://example.edu.vn/"
    return values
