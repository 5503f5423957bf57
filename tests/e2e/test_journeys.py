"""Real users' journeys through the learner pages and the Wagtail admin.

Run with ``bash lms/scripts/e2e.sh`` (PostgreSQL in CI). Each test starts from
the demo school seeded by ``seed_demo``.
"""

import io
import re

import pytest
from django.urls import reverse

from courses.models import CoursePage
from lms.people.models import User
from quizzes.models import QuizPage

from . import learner
from .conftest import PHONE, SCREENSHOTS, describe
from .editor import sending
from .flows import check_certificate, take_course_by_mouse, take_quiz
from .learner import vi, vi_plural

STAFF_COURSE_SLUG = "ky-nang-so-cho-giao-vien-va-cong-tac-vien"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_student_completes_a_course_and_gets_the_certificate(browse, chromium):
    student = User.objects.get(username="student")
    course = learner.course_to_take(user=student, audience="students")
    b = browse("student")
    b.goto("/")
    b.shot("home")
    b.sign_in("student")
    response = b.goto(course.get_parent().url)
    # The journeys run under the real Content-Security-Policy.
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy, policy
    b.shot("catalogue")
    take_course_by_mouse(b, course)

    b.goto(course.get_parent().url)
    b.page.get_by_role("link", name=vi("My learning")).first.click()
    b.page.wait_for_url(re.compile(r"/hoc-tap/$"))
    completed = b.page.locator("section[aria-labelledby=completed-title]")
    assert course.title in completed.inner_text()
    b.shot("my-learning")
    b.assert_no_csp_violation()
    check_certificate(b, chromium, course, holder=student.lms_profile.full_name)


def press_and_wait(page, key: str = "Enter") -> None:
    """Activate the focused control, after checking that its focus can be seen."""
    outline = page.evaluate(
        "() => getComputedStyle(document.activeElement).outlineStyle"
    )
    assert outline not in ("", "none"), "keyboard focus is not visible"
    with page.expect_navigation():
        page.keyboard.press(key)


def test_student_on_a_phone_with_the_keyboard_only(browse, chromium, axe_check):
    student = User.objects.get(username="student")
    course = learner.course_to_take(user=student, audience="students")
    lessons, quiz = learner.course_steps(course)
    b = browse("phone-keyboard", viewport=PHONE, has_touch=False)
    page = b.page

    b.goto("/tai-khoan/dang-nhap/")
    learner.tab_to(page, lambda el: el.get("name") == "username")
    page.keyboard.type("student")
    learner.tab_to(page, lambda el: el.get("name") == "password")
    page.keyboard.type("demo12345")
    press_and_wait(page)
    assert "/tai-khoan/dang-nhap/" not in page.url

    b.goto(course.get_parent().url)
    b.shot("catalogue")
    assert axe_check(page) == [], describe(axe_check(page))
    learner.tab_to_link(page, course.url)
    press_and_wait(page)
    if page.get_by_role("button", name=vi("Enrol in this course")).count():
        learner.tab_to_button(page, vi("Enrol in this course"))
        press_and_wait(page)
    b.shot("course")

    for lesson in lessons:
        learner.tab_to_link(page, lesson.url)
        press_and_wait(page)
        assert page.locator("h1").inner_text() == lesson.title
        if page.get_by_role("button", name=vi("Mark as done")).count():
            learner.tab_to_button(page, vi("Mark as done"))
            press_and_wait(page)
        b.goto(course.url)
    assert page.locator("ol.steps li.step-done").count() == len(lessons)

    learner.tab_to_link(page, quiz.url)
    press_and_wait(page)
    learner.tab_to_button(page, vi("Start the quiz"))
    press_and_wait(page)
    assert learner.ATTEMPT_URL.search(page.url)
    take_quiz(b, keyboard=True, leak_check=False, axe_check=axe_check)

    b.goto(course.get_parent().url)
    # My learning itself, not the catalogue link under it (/hoc-tap/khoa-hoc/).
    learner.tab_to(
        page, lambda el: el.get("tag") == "a" and el["href"].endswith("/hoc-tap/")
    )
    press_and_wait(page)
    completed = page.locator("section[aria-labelledby=completed-title]")
    assert course.title in completed.inner_text()
    b.shot("my-learning")
    assert axe_check(page) == [], describe(axe_check(page))
    b.assert_no_csp_violation()


def essay_attempt(*, student, course) -> None:
    """A submitted attempt with an essay waiting for a teacher, via the services."""
    from quizzes.services import attempt_start, attempt_submit
    from tests.quizzes.factories import QuizPageFactory, add_slots, essay

    CoursePage.objects.filter(pk=course.pk).update(
        sequential=False, lessons_before_quizzes=False
    )
    quiz = QuizPage.objects.child_of(course).filter(slug="bai-luan").first()
    if quiz is None:
        quiz = QuizPageFactory(
            parent=course, title="Bài luận ngắn", slug="bai-luan", required=False
        )
        add_slots(quiz, [essay(text="<p>Em sẽ làm gì khi bị bắt nạt trên mạng?</p>")])
    attempt = attempt_start(user=student, quiz=quiz)
    key = attempt.snapshot[0]["key"]
    attempt_submit(
        attempt=attempt,
        answers={
            key: f"{student.lms_profile.full_name}: em sẽ báo cho thầy cô và bố mẹ."
        },
    )


def test_homeroom_teacher_sees_their_class_and_grades_an_essay(browse):
    from quizzes.models import QuestionResponse

    own, other = User.objects.get(username="hs01"), User.objects.get(username="hs07")
    course = CoursePage.objects.live().filter(for_students=True).order_by("path")[0]
    essay_attempt(student=own, course=course)
    essay_attempt(student=other, course=course)

    b = browse("teacher")
    page = b.page
    b.sign_in("teacher")
    b.goto("/admin/")
    b.goto(reverse("lms_courses_learners", args=[course.pk]))
    listing = page.locator("main").inner_text()
    assert own.lms_profile.full_name in listing
    assert other.lms_profile.full_name not in listing, "a 10A2 student in 10A1's report"
    b.shot("learners")

    b.goto(reverse("lms_quizzes_essays"))
    queue = page.locator("main table")
    assert own.lms_profile.full_name in queue.inner_text()
    assert other.lms_profile.full_name not in queue.inner_text()
    b.shot("essays")
    queue.locator("tr", has_text=own.lms_profile.full_name).get_by_role(
        "link", name=vi("Grade")
    ).click()
    assert "báo cho thầy cô" in page.locator("main").inner_text()
    page.locator("#id_score").fill("4")
    page.locator("#id_comment").fill("Em trả lời đúng hướng, cần thêm ví dụ.")
    page.get_by_role("button", name=vi("Save grade")).click()
    page.wait_for_url(re.compile(re.escape(reverse("lms_quizzes_essays")) + "$"))
    assert vi("The essay has been graded.") in page.locator("body").inner_text()
    assert own.lms_profile.full_name not in page.locator("main table").inner_text()
    graded = QuestionResponse.objects.get(
        attempt__user=own, attempt__quiz__slug="bai-luan"
    )
    assert graded.score == 4 and graded.graded_by.username == "teacher"


def test_collaborator_completes_the_staff_course(browse, chromium):
    collaborator = User.objects.get(username="collaborator")
    # The staff course ("Kỹ năng số cho giáo viên và cộng tác viên"), by audience.
    course = learner.course_to_take(user=collaborator, audience="collaborators")
    assert course.slug == STAFF_COURSE_SLUG
    b = browse("collaborator")
    b.sign_in("collaborator")
    b.goto(course.get_parent().url)
    take_course_by_mouse(b, course, leak_check=False)
    b.goto(course.get_parent().url)
    b.page.get_by_role("link", name=vi("My learning")).first.click()
    completed = b.page.locator("section[aria-labelledby=completed-title]")
    assert course.title in completed.inner_text()
    b.shot("my-learning")
    b.assert_no_csp_violation()
    check_certificate(b, chromium, course, holder=collaborator.lms_profile.full_name)


GIFT_FILE = """\
$CATEGORY: E2E/Nhập thử

::Thử nhập: mật khẩu::Mật khẩu nào sau đây mạnh nhất?{
=Tr@ngS0ng-2024!xanh
~12345678
~matkhau
}

::Thử nhập: mã OTP::Đúng hay sai? Có thể đọc mã OTP cho nhân viên ngân hàng.{FALSE}
"""


def add_block(page, label: str) -> None:
    """Open the last "Insert a block" menu of the StreamField and pick `label`."""
    page.locator("button.c-sf-add-button").last.click()
    option = page.locator(".w-combobox__option").filter(
        has=page.locator(".w-combobox__option-text", has_text=re.compile(f"^{label}$"))
    )
    option.first.click()


def type_rich_text(page, text: str) -> None:
    """Type into the newest Draftail editor, once it is there: a block's
    editor appears a moment after its other fields, and `.last` found the
    previous block's editor then (the text went into the wrong block).
    Return once the text has reached the form."""
    from playwright.sync_api import expect

    editor = page.locator(".Draftail-Editor [contenteditable=true]").last
    expect(editor).to_have_text("")  # the new block's editor, still empty
    editor.click()
    expect(editor).to_be_focused()
    page.keyboard.type(text)
    expect(editor).to_contain_text(text)
    # Draftail copies its state into the form's hidden input 250 ms after
    # the last keystroke; publishing sooner sent the block empty ("This
    # field is required" on the callout's text in a CI run on a busy machine).
    page.wait_for_function(
        "text => [...document.querySelectorAll('input[type=hidden]')]"
        ".some(input => input.value.includes(text))",
        arg=text,
    )


def publish(page) -> None:
    footer = page.locator("footer")
    with sending(page):
        footer.locator(".w-dropdown__toggle").last.click()
        footer.locator("button[name=action-publish]").click()
    errors = page.locator(".error-message, .w-field__errors, .messages .error")
    problems = [text.strip() for text in errors.all_inner_texts() if text.strip()]
    problems += page.evaluate(
        "() => [...document.querySelectorAll('[aria-invalid=true]')].map(e => e.id)"
    )
    assert re.search(r"/admin/pages/\d+/$", page.url), problems


def test_school_admin_builds_a_course_imports_questions_and_exports(browse):
    from openpyxl import load_workbook

    from courses.models import CourseIndexPage, LessonPage
    from quizzes.models import Question

    # The school's own catalogue: the Department library is not theirs to edit.
    catalogue = CourseIndexPage.objects.live().get(school__code="DEMO")
    b = browse("schooladmin")
    page = b.page
    b.sign_in("schooladmin")
    b.goto("/admin/")
    b.shot("dashboard")

    # A course, through the page editor.
    b.goto(f"/admin/pages/{catalogue.pk}/add_subpage/")
    # A catalogue holds only courses, so Wagtail opens the course form directly.
    page.wait_for_url(re.compile(r"/admin/pages/add/lms_courses/coursepage/\d+/$"))
    page.locator("#id_title").fill("Khóa học thử: an toàn với mã OTP")
    page.locator("#id_summary").fill("Nhận biết và từ chối yêu cầu đọc mã OTP.")
    page.locator("#id_estimated_minutes").fill("10")
    publish(page)
    course = CoursePage.objects.get(title="Khóa học thử: an toàn với mã OTP")
    assert course.live

    # A lesson with a heading, rich text and a callout.
    b.goto(f"/admin/pages/add/lms_courses/lessonpage/{course.pk}/")
    page.locator("#id_title").fill("Không ai chính đáng cần mã OTP")
    add_block(page, vi("Heading"))
    page.locator("#body-0-value-text").fill("Mã OTP là chìa khóa của em")
    add_block(page, vi("Text"))
    type_rich_text(page, "Ngân hàng không bao giờ hỏi mã OTP qua điện thoại.")
    add_block(page, vi("Callout"))
    page.locator("#body-2-value-title").fill("Nhớ nhé")
    type_rich_text(page, "Cúp máy và gọi lại số tổng đài in trên thẻ.")
    b.shot("lesson-editor")
    publish(page)
    lesson = LessonPage.objects.child_of(course).get()
    assert lesson.live
    assert [block.block_type for block in lesson.body] == [
        "heading",
        "rich_text",
        "callout",
    ]

    # A quiz after the lesson.
    b.goto(f"/admin/pages/add/lms_quizzes/quizpage/{course.pk}/")
    page.locator("#id_title").fill("Kiểm tra nhanh về OTP")
    page.locator("#id_title").press("Tab")  # the slug follows the title on blur
    page.wait_for_function("() => document.querySelector('#id_slug').value !== ''")
    publish(page)
    assert QuizPage.objects.child_of(course).get().live
    b.goto(f"/admin/pages/{course.pk}/")
    b.shot("course-explorer")
    assert "Kiểm tra nhanh về OTP" in page.locator("main").inner_text()

    # The lesson as learners see it.
    b.goto(lesson.url)
    body = page.locator("main").inner_text()
    for text in ("Mã OTP là chìa khóa của em", "Ngân hàng không bao giờ", "Nhớ nhé"):
        assert text in body

    # Questions from a GIFT file: upload, preview, confirm.
    b.goto(reverse("lms_quizzes_import"))
    upload = page.locator("form[enctype='multipart/form-data']")
    upload.locator("#id_file").set_input_files(
        files=[
            {
                "name": "otp.gift",
                "mimeType": "text/plain",
                "buffer": GIFT_FILE.encode(),
            }
        ]
    )
    upload.locator("#id_fmt").select_option("gift")
    page.get_by_role("button", name=vi("Preview"), exact=True).click()
    # The preview lists each question by its text, shortened.
    assert "Mật khẩu nào sau đây mạnh nhất?" in page.locator("main table").inner_text()
    imported = Question.objects.filter(category__full_path="E2E/Nhập thử")
    assert imported.count() == 0
    b.shot("import-preview")
    page.get_by_role("button", name=vi("Confirm the import")).click()
    page.wait_for_url(re.compile(re.escape(reverse("lms_quizzes_import")) + "$"))
    assert sorted(imported.values_list("name", flat=True)) == [
        "Thử nhập: mã OTP",
        "Thử nhập: mật khẩu",
    ]

    # A quiz report with the demo student's result, exported to Excel.
    student = User.objects.get(username="student")
    quiz = QuizPage.objects.filter(attempts__user=student).distinct().first()
    b.goto(reverse("lms_quizzes_report", args=[quiz.pk]))
    assert student.lms_profile.full_name in page.locator("main").inner_text()
    b.shot("quiz-report")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=vi("Export XLSX")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = SCREENSHOTS / "admin-quiz-report.xlsx"
    download.save_as(saved)
    rows = list(load_workbook(saved, read_only=True).active.values)
    assert any(student.lms_profile.full_name in row for row in rows), rows[:3]


ROSTER_NAME = "Phạm Thu Trang"
ROSTER_CODE = "HS2024901"


def test_school_admin_imports_a_roster(browse):
    """Admin → Organisation → Import class lists: upload, preview, confirm."""
    from openpyxl import load_workbook

    from lms.people.models import School
    from lms.people.policies import current_school_year
    from tests.people.roster_files import xlsx_bytes

    school = School.objects.get(code="DEMO")
    year = current_school_year()
    roster = xlsx_bytes(
        [
            ["STT", "Họ và tên", "Mã học sinh", "Lớp", "Ngày sinh"],
            [1, ROSTER_NAME, ROSTER_CODE, "10A2", "12/09/2008"],
        ]
    )
    b = browse("schooladmin-roster")
    page = b.page
    b.sign_in("schooladmin")
    b.goto("/admin/")
    index = reverse("lms_roster:index")
    assert index in page.content(), "no Import class lists item in the admin menu"

    b.goto(index)
    upload = page.locator("form[enctype='multipart/form-data']")
    upload.locator("#id_file").set_input_files(
        files=[{"name": "lop-10a2.xlsx", "mimeType": "", "buffer": roster}]
    )
    upload.locator("#id_school").select_option(str(school.pk))
    upload.locator("#id_school_year").select_option(str(year.pk))
    page.get_by_role("button", name=vi("Preview"), exact=True).click()
    page.wait_for_load_state()
    created = page.locator("main table.listing")
    assert created.count() == 1, page.locator("main").inner_text()
    assert ROSTER_NAME in created.inner_text()
    assert ROSTER_CODE in created.inner_text()
    assert "12/09/2008" in created.inner_text()  # the date as read from the file
    assert not User.objects.filter(lms_profile__student_code=ROSTER_CODE).exists()
    b.shot("preview")

    page.get_by_role("button", name=vi("Confirm the import")).click()
    page.wait_for_load_state()
    new = User.objects.get(lms_profile__student_code=ROSTER_CODE)
    assert (
        new.lms_profile.full_name == ROSTER_NAME
        and new.lms_profile.must_change_password
    )
    assert new.username in page.locator("main table.listing").inner_text()
    b.shot("done")
    with page.expect_download() as download_info:
        page.get_by_role(
            "link", name=vi("Download the initial passwords (XLSX)")
        ).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(download.path().read_bytes()))
    assert workbook.sheetnames == ["10A2"]
    rows = list(workbook["10A2"].values)
    # The sheet says where to sign in: this very site.
    assert b.url(reverse("lms_people:login")) in rows[1][0]
    number, name, code, username, password = rows[4][:5]
    assert (number, name, code, username) == (1, ROSTER_NAME, ROSTER_CODE, new.username)
    assert password and len(rows) == 5

    # The new student's first sign-in, in a browser of their own.
    s = browse("roster-student")
    s.sign_in(username, password)
    change = reverse("lms_people:password_change")
    assert s.page.url.startswith(s.url(change)), s.page.url
    assert s.page.locator("h1").inner_text() == vi("Change password")
    assert s.page.locator("p.notice").count() == 1
    s.shot("password-change")
    s.page.locator("input[name=old_password]").fill(password)
    s.page.locator("input[name=new_password1]").fill("Mat-khau-rieng-2024")
    s.page.locator("input[name=new_password2]").fill("Mat-khau-rieng-2024")
    s.page.get_by_role("button", name=vi("Save new password")).click()
    s.page.wait_for_load_state()
    assert change not in s.page.url, s.page.url
    new.refresh_from_db()
    assert not new.lms_profile.must_change_password
    s.goto("/")
    assert change not in s.page.url, "still sent to change the password"
    s.assert_no_csp_violation()


def test_school_admin_imports_a_long_roster_in_the_background(
    browse, settings, monkeypatch
):
    """A 402-row list: confirm, watch the job's progress bar, read the outcome,
    then fetch the new staff's initial passwords from the link it gives."""
    from django.db import connection
    from openpyxl import load_workbook

    from lms.people.models import RosterImportJob, School
    from lms.people.policies import current_school_year
    from lms.people.roster import jobs
    from tests.people.roster_files import xlsx_bytes

    settings.LMS_ROSTER_BACKGROUND_ROWS = 100
    # Jobs wait in the queue, as with RQ; this test plays the worker.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    school = School.objects.get(code="DEMO")
    year = current_school_year()
    students = [
        [
            n,
            f"Học Sinh Nền {n:03d}",
            f"HSN{n:03d}",
            "10A1" if n % 2 else "10A2",
            "Học sinh",
        ]
        for n in range(1, 401)
    ]
    teachers = [
        [401, "Phạm Thu Hà", "GVN01", "", "Giáo viên"],
        [402, "Đỗ Minh Tâm", "GVN02", "", "Cộng tác viên"],
    ]
    roster = xlsx_bytes(
        [["STT", "Họ và tên", "Mã học sinh", "Lớp", "Vai trò"], *students, *teachers]
    )
    b = browse("schooladmin-roster-job")
    page = b.page
    b.sign_in("schooladmin")
    b.goto(reverse("lms_roster:index"))
    upload = page.locator("form[enctype='multipart/form-data']")
    upload.locator("#id_file").set_input_files(
        files=[{"name": "toan-truong.xlsx", "mimeType": "", "buffer": roster}]
    )
    upload.locator("#id_school").select_option(str(school.pk))
    upload.locator("#id_school_year").select_option(str(year.pk))
    page.get_by_role("button", name=vi("Preview"), exact=True).click()
    page.wait_for_load_state()
    page.get_by_role("button", name=vi("Confirm the import")).click()
    page.wait_for_url(re.compile(r"/admin/lms/roster-import/jobs/\d+/$"))
    job = RosterImportJob.objects.get()
    assert (job.status, job.rows) == (RosterImportJob.Status.QUEUED, 402)
    label = page.locator("[data-lms-job-label]")
    bar = page.locator("[data-lms-job-progress]")
    assert label.inner_text() == vi("Waiting")
    b.shot("waiting")

    # The worker: halfway through, the page's bar (polled) shows how far it is.
    # Only on PostgreSQL: SQLite's shared in-memory test database locks the
    # tables the import writes, so the page's polls would fail until it ends.
    real_import = jobs.roster_import
    watch_halfway = connection.vendor == "postgresql"

    def import_watched(**kwargs):
        record = kwargs["progress"]

        def progress(done, total):
            record(done, total)
            if done == 200 and watch_halfway:
                page.wait_for_function(
                    "() => document.querySelector('[data-lms-job-progress]')"
                    ".value >= 200"
                )
                assert label.inner_text() == vi("Running")
                assert bar.evaluate("el => [el.max, el.value]") == [402, 200]
                b.shot("running")

        return real_import(**{**kwargs, "progress": progress})

    monkeypatch.setattr(jobs, "roster_import", import_watched)
    jobs.job_run(job.pk)
    job.refresh_from_db()
    assert job.status == RosterImportJob.Status.DONE, job.outcome
    # The page reloads itself once the job has finished.
    heading = page.get_by_role("heading", name=vi("Initial passwords"))
    heading.wait_for()
    assert "<progress" not in page.content()
    main = page.locator("main").inner_text()
    assert "402" in main, main
    b.shot("done")
    b.page.set_viewport_size(PHONE)
    b.shot("done-phone")
    b.page.set_viewport_size({"width": 1280, "height": 900})

    staff_link = page.get_by_role(
        "link", name=vi("Staff of %(school)s") % {"school": school.name}
    )
    links = page.locator("main ul li a").all_inner_texts()
    assert links == [
        vi("Students of class %(class)s") % {"class": "10A1"},
        vi("Students of class %(class)s") % {"class": "10A2"},
        vi("Staff of %(school)s") % {"school": school.name},
    ], links
    staff_link.click()
    page.wait_for_load_state()
    staff_form = page.locator("form", has=page.locator("#id_staff"))
    with page.expect_download() as download_info:
        staff_form.get_by_role("button").click()
    workbook = load_workbook(io.BytesIO(download_info.value.path().read_bytes()))
    rows = list(workbook.worksheets[0].values)[4:]
    assert [row[1] for row in rows] == ["Phạm Thu Hà", "Đỗ Minh Tâm"]
    assert User.objects.get(username=rows[0][3]).check_password(rows[0][4])
    b.assert_no_csp_violation()


def test_school_admin_bulk_issues_and_revokes_certificates(browse):
    """Bulk-issue, watch the progress bar finish, revoke one, see it public."""
    from certificates.models import Certificate, CourseCertificateSetting
    from lms.people.models import SchoolClass
    from lms.people.policies import current_school_year

    course = CoursePage.objects.live().filter(for_students=True).order_by("path")[0]
    # Issued by hand, not on completion, so the two are eligible and hold none.
    CourseCertificateSetting.objects.filter(course=course).update(auto_issue=False)
    finished = [User.objects.get(username=name) for name in ("hs01", "hs02")]
    for student in finished:
        learner.complete_by_services(user=student, course=course)
    assert not Certificate.objects.filter(holder__in=finished).exists()
    holder = User.objects.get(username="student")  # seed_demo's certificate
    class_10a1 = SchoolClass.objects.get(
        name="10A1", school__code="DEMO", school_year=current_school_year()
    )

    b = browse("schooladmin-certificates")
    page = b.page
    b.sign_in("schooladmin")
    b.goto(reverse("lms_certificates_bulk"))
    page.locator("#id_course").select_option(str(course.pk))
    page.locator("#id_school_class").select_option(str(class_10a1.pk))
    page.locator("#id_role").select_option("student")
    page.get_by_role("button", name=vi("Preview"), exact=True).click()
    page.wait_for_load_state()
    eligible = page.locator("ul.eligible > li")
    assert eligible.count() == 2, eligible.all_inner_texts()
    for student in finished:
        assert student.lms_profile.full_name in page.locator("ul.eligible").inner_text()
    assert holder.lms_profile.full_name in page.locator("ul.holding").inner_text()
    b.shot("bulk-preview")

    issue = vi_plural(
        "Issue %(counter)s certificate in the background",
        "Issue %(counter)s certificates in the background",
        2,
    )
    # The immediate task backend issues during the request; the bar's script
    # then polls the progress JSON once and finds the batch finished.
    with page.expect_response(re.compile(r"/progress\.json$")) as polled:
        page.get_by_role("button", name=issue).click()
        page.wait_for_url(re.compile(r"/admin/lms/certificates/batches/\d+/$"))
    assert polled.value.json()["finished"] is True
    box = page.locator("[data-lms-batch-progress]")
    bar = box.locator("progress")
    assert (bar.get_attribute("max"), bar.evaluate("el => el.value")) == ("2", 2)
    field = {
        name: box.locator(f"[data-field={name}]").inner_text()
        for name in ("done", "total", "failed", "state")
    }
    assert field == {"done": "2", "total": "2", "failed": "0", "state": vi("Finished.")}
    b.shot("batch")
    issued = Certificate.objects.filter(course=course, holder__in=finished)
    assert issued.count() == 2

    # Revoke one, from the ledger, with a reason.
    revoked = issued.get(holder=finished[0])
    b.goto(reverse("lms_certificates_admin_list") + f"?q={revoked.serial}")
    page.get_by_role("link", name=revoked.serial).click()
    page.wait_for_url(re.compile(r"/admin/lms/certificates/\d+/$"))
    page.locator("#id_reason").fill("Cấp nhầm: học sinh làm bài hộ bạn.")
    page.get_by_role("button", name=vi("Revoke"), exact=True).click()
    page.wait_for_load_state()
    assert vi("The certificate was revoked.") in page.locator("body").inner_text()
    revoked.refresh_from_db()
    assert revoked.status == "revoked"
    b.shot("revoked")
    verify = page.get_by_role("link", name=vi("Verification page"))
    verify_href = verify.get_attribute("href")
    assert verify_href == reverse("lms_certificates:verify", args=[revoked.code])

    # Anyone holding the paper sees that it was revoked.
    public = browse("public-verify")
    public.goto(verify_href)
    verdict = public.page.locator("p.verdict").inner_text()
    said = vi("This certificate was revoked on %(date)s.").split("%(date)s")[0]
    assert verdict.startswith(said), verdict
    assert finished[0].lms_profile.full_name in public.page.locator("main").inner_text()
    public.shot("revoked")
    other = issued.get(holder=finished[1])
    public.goto(reverse("lms_certificates:verify", args=[other.code]))
    assert vi("This certificate is valid.") in public.page.locator("main").inner_text()
    public.assert_no_csp_violation()
