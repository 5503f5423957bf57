"""The admin dashboard per role: each panel shows its figures, never beyond scope.

The world is the reports' own (tests/reports/conftest.py) moved into this
school year, since the dashboard answers for the year the reports open on.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks

from certificates.models import Certificate, IssueBatch, IssueBatchItem
from courses.services import course_open, lesson_complete
from lms.people.models import Consent, Role, RosterImportJob, SchoolYear
from lms.reports.dashboard import RUNNING_BATCHES_HOOK
from quizzes.services import attempt_start, attempt_submit
from tests.people.factories import (
    CURRENT_YEAR,
    MembershipFactory,
    SchoolClassFactory,
    SchoolYearFactory,
    UserFactory,
)
from tests.quizzes.factories import QuizPageFactory, add_slots, essay

from .conftest import build_world

pytestmark = pytest.mark.django_db

HOME = reverse("wagtailadmin_home")
PANELS = ("class-progress", "essays", "school", "batches", "department")


@pytest.fixture
def world(catalogue, summary, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        return build_world(parent=catalogue, year_name=CURRENT_YEAR)


def panel(html: str, name: str) -> str:
    """The HTML of one of our dashboard panels, or "" when it is not shown."""
    match = re.search(
        rf'<section[^>]*id="lms-{name}-section".*?</section>', html, flags=re.S
    )
    return match.group(0) if match else ""


def dashboard(client, username, world) -> str:
    client.force_login(world.people[username])
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def submit_essay(user, quiz, text):
    attempt = attempt_start(user=user, quiz=quiz)
    key = attempt.snapshot[0]["key"]
    attempt = attempt_submit(attempt=attempt, answers={key: text})
    return attempt.responses.get(key=key)


@pytest.fixture
def essays(world):
    """An essay quiz in K1, answered by s1 (10A1), s4 (10A2) and s6 (school B),
    all of whom have read every lesson."""
    quiz = QuizPageFactory(parent=world.courses["K1"], title="Bài luận an toàn")
    add_slots(quiz, [essay()])
    return {
        name: submit_essay(world.people[name], quiz, f"Bài viết của {name}")
        for name in ("s1", "s4", "s6")
    }


def certificate(world, holder, school, number, issued_at=None):
    course = world.courses["K1"]
    return Certificate.objects.create(
        serial=f"{school.code}-{number:06d}",
        school_code=school.code,
        year=timezone.now().year,
        number=number,
        code=f"code-{number}",
        holder=world.people[holder],
        course=course,
        school=school,
        name_as_printed=world.people[holder].lms_profile.full_name,
        course_title=course.title,
        issued_at=issued_at or timezone.now(),
    )


def running_batch(world, school, done, pending):
    batch = IssueBatch.objects.create(
        course=world.courses["K1"], school=world.schools[school]
    )
    for name in done:
        IssueBatchItem.objects.create(
            batch=batch, user=world.people[name], state=IssueBatchItem.State.DONE
        )
    for name in pending:
        IssueBatchItem.objects.create(batch=batch, user=world.people[name])
    return batch


def test_homeroom_teacher_sees_their_class_progress_per_course(client, world):
    html = panel(dashboard(client, "gvcn", world), "class-progress")
    assert "10A1" in html
    # 10A1 in K1: s1 completed, s2 in progress, s3 not started (the report's
    # figures); K2 is a teachers' course, nothing to the class.
    row = re.search(r"<tr>\s*<td[^>]*>An ninh mạng cơ bản</td>(.*?)</tr>", html, re.S)
    cells = re.findall(r"<td>(.*?)</td>", row.group(1))
    assert cells == ["1", "1", "1", "33,3 %"]
    assert "Ứng xử trên mạng cho giáo viên" not in html
    assert "10A2" not in html
    learners = reverse("lms_reports:learners")
    assert f'href="{learners}?school_year={world.year.pk}&amp;school_class=' in html


def test_homeroom_teacher_of_a_class_without_students_is_told_what_comes(client, world):
    empty = SchoolClassFactory(
        school=world.schools["A"], school_year=world.year, name="12A9"
    )
    MembershipFactory(
        user=world.people["t1"], role=Role.HOMEROOM_TEACHER, school_class=empty
    )
    html = panel(dashboard(client, "t1", world), "class-progress")
    assert "Lớp 12A9" in html
    assert "Lớp chưa có khóa học nào." in html
    assert "<table" not in html


def test_homeroom_teacher_sees_essays_of_their_class_only(client, world, essays):
    html = panel(dashboard(client, "gvcn", world), "essays")
    assert world.people["s1"].lms_profile.full_name in html
    grade = reverse("lms_quizzes_essay_grade", args=[essays["s1"].pk])
    assert f'href="{grade}"' in html
    assert reverse("lms_quizzes_essays") in html
    for other in ("s4", "s6"):
        assert world.people[other].lms_profile.full_name not in html
        grade = reverse("lms_quizzes_essay_grade", args=[essays[other].pk])
        assert grade not in html


def test_homeroom_teacher_with_nothing_to_grade_is_told_so(client, world):
    html = panel(dashboard(client, "gvcn", world), "essays")
    assert "Không có bài tự luận nào chờ thầy/cô chấm." in html


def test_homeroom_dashboard_is_vietnamese_and_styled(client, world, essays):
    html = dashboard(client, "gvcn", world)
    assert "lms_reports/admin/dashboard.css" in html
    assert "Tiến độ lớp của tôi" in panel(html, "class-progress")
    assert "Bài tự luận cần chấm" in panel(html, "essays")


def test_school_admin_sees_their_school_figures(client, world, essays):
    certificate(world, "s1", world.schools["A"], 1)
    certificate(world, "s6", world.schools["B"], 2)
    last_year = world.year.starts_on - timezone.timedelta(days=30)
    certificate(
        world,
        "s4",
        world.schools["A"],
        3,
        issued_at=timezone.make_aware(
            timezone.datetime.combine(last_year, timezone.datetime.min.time())
        ),
    )
    for given_by in (Consent.GivenBy.LEARNER, Consent.GivenBy.PARENT):
        Consent.objects.create(
            learner=world.people["s1"],
            given_by=given_by,
            giver_name="Lê Văn Cha",
            method=Consent.Method.PAPER_FORM,
        )
    html = panel(dashboard(client, "qt", world), "school")
    assert "Trường THPT An Lạc" in html and "Bình Hưng" not in html

    def figure(label):
        match = re.search(rf"<th[^>]*>{label}</th><td>(.*?)</td>", html, re.S)
        return match.group(1)

    assert figure("Giấy chứng nhận đã cấp trong năm học") == "1"
    # Five students of An Lạc, s1's consent complete: four missing.
    consent = reverse("lms_consent_status:index")
    assert (
        f'<a href="{consent}?status=missing&amp;school={world.schools["A"].pk}">4</a>'
        in figure("Học sinh chưa có đủ đồng ý")
    )
    assert "%" in figure("Tỉ lệ hoàn thành khóa học")
    assert panel(dashboard(client, "qt", world), "essays")


def test_school_admin_sees_their_school_batches_running(client, world):
    mine = running_batch(world, "A", done=["s1"], pending=["s2", "s3"])
    finished = running_batch(world, "A", done=["s4"], pending=[])
    theirs = running_batch(world, "B", done=[], pending=["s6"])
    html = panel(dashboard(client, "qt", world), "batches")
    assert reverse("lms_certificates_batch", args=[mine.pk]) in html
    assert '<progress max="3" value="1"' in html
    assert reverse("lms_certificates_batch", args=[finished.pk]) not in html
    assert reverse("lms_certificates_batch", args=[theirs.pk]) not in html


def test_other_apps_add_their_running_work_through_the_hook(client, world):
    def roster_jobs(viewer):
        if viewer.username != "qt":
            return []
        return [
            {
                "kind": "Nhập danh sách",
                "title": "lop10.xlsx",
                "where": "Trường THPT An Lạc",
                "done": 40,
                "total": 400,
                "url": "/admin/lms/roster-import/job/7/",
            }
        ]

    with hooks.register_temporarily(RUNNING_BATCHES_HOOK, roster_jobs):
        html = panel(dashboard(client, "qt", world), "batches")
        assert "Nhập danh sách: lop10.xlsx" in html
        assert '<progress max="400" value="40"' in html
        assert "lop10.xlsx" not in panel(dashboard(client, "qtb", world), "batches")


def test_school_admin_sees_their_school_roster_imports_running(client, world):
    def job(school, status, filename):
        return RosterImportJob.objects.create(
            school=world.schools[school],
            school_year=world.year,
            filename=filename,
            rows=400,
            status=status,
        )

    mine = job("A", RosterImportJob.Status.QUEUED, "khoi10.xlsx")
    done = job("A", RosterImportJob.Status.DONE, "khoi11.xlsx")
    theirs = job("B", RosterImportJob.Status.RUNNING, "binhhung.xlsx")
    html = panel(dashboard(client, "qt", world), "batches")
    assert "Nhập danh sách lớp: khoi10.xlsx" in html
    assert reverse("lms_roster:job", args=[mine.pk]) in html
    assert '<progress max="400" value="0"' in html
    assert reverse("lms_roster:job", args=[done.pk]) not in html
    assert reverse("lms_roster:job", args=[theirs.pk]) not in html


def test_school_admin_without_running_batches_is_told_so(client, world):
    html = panel(dashboard(client, "qtb", world), "batches")
    assert "Không có việc nào đang chạy nền" in html


def test_officer_sees_the_departments_schools_only(client, world):
    html = dashboard(client, "so", world)
    department = panel(html, "department")
    assert "Trường THPT An Lạc" in department
    assert "Trường THPT Bình Hưng" in department
    assert "Cần Giờ" not in department
    report = reverse("lms_reports:department")
    assert f"{report}?school_year={world.year.pk}&amp;sort=percent" in department
    assert panel(html, "class-progress") == ""
    assert panel(html, "school") == ""


def test_staff_without_a_dashboard_role_get_no_panel_of_ours(client, world):
    html = dashboard(client, "t1", world)
    assert all(panel(html, name) == "" for name in PANELS)


def test_last_years_roles_give_no_panel_once_a_new_year_runs(client, world):
    html = dashboard(client, "gvcn", world)
    assert panel(html, "class-progress")
    SchoolYear.objects.filter(pk=world.year.pk).update(
        name="2001-2002",
        starts_on=world.year.starts_on.replace(year=2001),
        ends_on=world.year.ends_on.replace(year=2002),
    )
    SchoolYearFactory()  # this year, in which gvcn holds no role yet
    html = dashboard(client, "gvcn", world)
    assert all(panel(html, name) == "" for name in PANELS)


# -- query budget ------------------------------------------------------------

# Measured on SQLite: 33, 38 and 36 queries for the whole admin home page.
# The admin menu asks one question per item it may show; the Department
# officer's menu gained the mail queue and waiting tasks pages. The review
# panels ("Bài chờ duyệt", issue 14) ask Wagtail which tasks each person may
# review: one query per kind of task and one per group approval task (a
# school's, the library's), here two; see docs/schools-and-roles.md. One more
# reads which school owns each course counted (courses.progress.course_owners):
# a school's own course is meant for its own people only.
BUDGET = {"gvcn": 41, "qt": 48, "so": 45}


def grow(world, count: int, start: int):
    """More classes and learners at An Lạc, and more in 10A1, some of them
    halfway and with an essay waiting."""
    course = world.courses["K1"]
    lesson = world.lessons["K1"][0]
    for index in range(start, start + count):
        school_class = SchoolClassFactory(
            school=world.schools["A"], school_year=world.year, name=f"11B{index}"
        )
        for number in range(2):
            for target in (school_class, world.classes["10A1"]):
                user = UserFactory(username=f"g{index}-{number}-{target.pk}")
                MembershipFactory(user=user, role=Role.STUDENT, school_class=target)
                course_open(user=user, course=course)
                if number:
                    lesson_complete(user=user, lesson=lesson, course=course)


def count_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(HOME)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("username", sorted(BUDGET))
def test_dashboard_queries_do_not_grow_with_classes_or_learners(
    client, world, username, django_capture_on_commit_callbacks
):
    quiz = QuizPageFactory(parent=world.courses["K1"])
    add_slots(quiz, [essay()])
    submit_essay(world.people["s1"], quiz, "Một")
    running_batch(world, "A", done=["s1"], pending=["s2"])
    client.force_login(world.people[username])
    client.get(HOME)  # warm per-process caches
    with django_capture_on_commit_callbacks(execute=True):
        grow(world, 1, start=0)
    few = count_queries(client)
    with django_capture_on_commit_callbacks(execute=True):
        grow(world, 4, start=1)
    many = count_queries(client)
    assert many == few
    assert many <= BUDGET[username]
