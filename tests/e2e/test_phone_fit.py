"""Every learner page and every report fits a 360 px phone: nothing makes the
page scroll sideways (issue 13, point 6). Wide report tables scroll inside
their own box, with the name column kept in view.

Screenshots land in var/e2e/ (phone-*.png, and desktop-* for the reports).
"""

import pytest
from django.urls import reverse

from courses.services import course_open, course_self_enrol, lesson_complete
from lms.people.models import User
from quizzes.services import attempt_start, attempt_submit

from . import learner
from .conftest import PHONE, describe

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The elements sticking out past the viewport's right edge, for the message.
WIDEST = """() => {
    const limit = document.documentElement.clientWidth;
    return [...document.querySelectorAll("body *")]
        .filter(el => el.getBoundingClientRect().right > limit + 0.5)
        .filter(el => !el.closest(".lms-report-scroll, [hidden]"))
        .slice(0, 8)
        .map(el => `${el.tagName.toLowerCase()}.${[...el.classList].join(".")} `
                   + `→ ${Math.round(el.getBoundingClientRect().right)}px`);
}"""


# How wide the page's content is. Wagtail's admin clips its <main> sideways
# (overflow-x: hidden), so what sticks out there is measured on <main>.
CONTENT_WIDTH = """() => Math.max(
    document.documentElement.scrollWidth,
    ...[...document.querySelectorAll("main")].map(
        main => Math.ceil(main.getBoundingClientRect().left + main.scrollWidth)
    )
)"""


CONTENT_HEIGHT = """() => Math.max(
    document.documentElement.scrollHeight,
    ...[...document.querySelectorAll("main")].map(
        main => Math.ceil(main.getBoundingClientRect().top + main.scrollHeight)
    )
)"""


def shot_whole(b, label: str) -> None:
    """A screenshot of all of the page, also where the admin scrolls <main>."""
    viewport = b.page.viewport_size
    height = min(b.page.evaluate(CONTENT_HEIGHT), 8000)
    b.page.set_viewport_size({"width": viewport["width"], "height": height})
    b.shot(label)
    b.page.set_viewport_size(viewport)


def assert_fits(b, label: str, axe_check=None) -> None:
    shot_whole(b, label)
    width = b.page.evaluate(CONTENT_WIDTH)
    assert width <= PHONE["width"], (
        f"{label}: the page is {width}px wide: {b.page.evaluate(WIDEST)}"
    )
    if axe_check is not None:
        found = axe_check(b.page)
        assert found == [], f"{label}: {describe(found)}"


def test_every_learner_page_fits_a_phone(browse, chromium):
    anonymous = browse("phone-anonymous", viewport=PHONE)
    anonymous.goto("/")
    assert_fits(anonymous, "home")
    anonymous.goto("/tai-khoan/dang-nhap/")
    assert_fits(anonymous, "login")
    anonymous.goto(reverse("lms_certificates:lookup"))
    assert_fits(anonymous, "certificate-lookup")

    student = User.objects.get(username="student")
    course = learner.course_to_take(user=student, audience="students")
    lessons, quiz = learner.course_steps(course)
    b = browse("phone-student", viewport=PHONE)
    b.sign_in("student")
    for label, path in [
        ("home", "/"),
        ("catalogue", course.get_parent().url),
        ("course", course.url),
        ("lesson", lessons[0].url),
        ("my-learning", reverse("lms_courses:my_learning")),
        ("password-change", reverse("lms_people:password_change")),
    ]:
        b.goto(path)
        assert_fits(b, label)

    # The quiz: its introduction, an attempt in progress, then its result.
    if course_open(user=student, course=course) is None:
        course_self_enrol(user=student, course=course)
    for lesson in lessons:
        lesson_complete(user=student, lesson=lesson, course=course)
    b.goto(quiz.url)
    assert_fits(b, "quiz")
    attempt = attempt_start(user=student, quiz=quiz)
    b.goto(reverse("lms_quizzes:attempt", args=[attempt.pk]))
    assert_fits(b, "attempt")
    attempt_submit(attempt=attempt, answers=learner.right_answers(attempt.snapshot))
    b.goto(reverse("lms_quizzes:review", args=[attempt.pk]))
    assert_fits(b, "result")
    b.goto(reverse("lms_courses:my_learning"))
    verify = b.page.locator("a[href*='/verify/']")
    if verify.count():
        anonymous.goto(verify.first.get_attribute("href"))
        assert_fits(anonymous, "certificate-verify")


# Pairs of report filter fields whose boxes cross each other.
OVERLAPS = """() => {
    const boxes = [...document.querySelectorAll(
        ".lms-report-filters__fields > *, .lms-report-form__fields > *"
    )].map(el => [el.querySelector("label")?.textContent.trim(),
                  el.getBoundingClientRect()]);
    const crossed = [];
    boxes.forEach(([a, p], i) => boxes.slice(i + 1).forEach(([b, q]) => {
        if (p.left < q.right - 1 && q.left < p.right - 1
            && p.top < q.bottom - 1 && q.top < p.bottom - 1) crossed.push([a, b]);
    }));
    return crossed;
}"""

# The table's name column after its box is scrolled sideways: where it stands
# against the box, and on how many lines the longest name is written.
NAME_COLUMN = """() => {
    const box = document.querySelector(".lms-report-scroll");
    const names = [...box.querySelectorAll("tbody th[scope=row]")];
    box.scrollLeft = 200;
    const lines = name => {
        const range = document.createRange();
        range.selectNodeContents(name);
        return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
    };
    const left = el => el.getBoundingClientRect().left;
    return {
        scrolled: box.scrollLeft,
        offset: left(names[0]) - left(box),
        lines: Math.max(...names.map(lines)),
    };
}"""


def assert_filters_apart(b, label: str) -> None:
    crossed = b.page.evaluate(OVERLAPS)
    assert crossed == [], f"{label}: filters overlap: {crossed}"


REPORTS = [
    ("schooladmin", "lms_reports:completion"),
    ("schooladmin", "lms_reports:learners"),
    ("schooladmin", "lms_reports:annual"),
    ("officer", "lms_reports:department"),
]


@pytest.mark.parametrize(("username", "name"), REPORTS)
def test_every_report_fits_a_phone(browse, axe_check, username, name):
    label = name.split(":")[1]
    b = browse(f"phone-report-{label}", viewport=PHONE)
    b.sign_in(username)
    b.goto(reverse(name))
    assert_fits(b, "report", axe_check)
    assert_filters_apart(b, f"phone {label}")

    desktop = browse(f"desktop-report-{label}")
    desktop.sign_in(username)
    desktop.goto(reverse(name))
    shot_whole(desktop, "report")
    assert_filters_apart(desktop, f"desktop {label}")


def test_a_wide_table_scrolls_in_its_box_with_the_names_in_view(browse):
    b = browse("phone-report-learners-scrolled", viewport=PHONE)
    b.sign_in("schooladmin")
    b.goto(reverse("lms_reports:learners"))
    column = b.page.evaluate(NAME_COLUMN)
    shot_whole(b, "report")
    assert column["scrolled"] > 0, "the table is wider than its box on a phone"
    assert abs(column["offset"]) <= 1, column
    assert column["lines"] <= 2, column


def test_the_question_bank_page_fits_a_phone_with_long_category_paths(
    browse, axe_check
):
    """The import and export forms list categories by their whole path; a long
    path must not push the selects past the screen."""
    from lms.people.models import School
    from quizzes.models import QuestionCategory

    school = School.objects.get(code="DEMO")
    parent = QuestionCategory.objects.create(
        name="Luật An ninh mạng năm 2025 và các văn bản hướng dẫn thi hành",
        school=school,
    )
    QuestionCategory.objects.create(
        name="Các hành vi bị nghiêm cấm trên không gian mạng đối với học sinh",
        parent=parent,
        school=school,
    )
    b = browse("phone-question-bank", viewport=PHONE)
    b.sign_in("schooladmin")
    b.goto(reverse("lms_quizzes_import"))
    assert_fits(b, "import", axe_check)
