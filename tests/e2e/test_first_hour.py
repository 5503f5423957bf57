"""A new student's first hour: from sign-in to a course by clicking links only
(issue 13, point 1), and how home, My learning and the 404 page look."""

import re

import pytest
from django.utils.translation import override, pgettext

from courses.models import LessonPage
from lms.people.models import Membership, Role, User
from tests.people.factories import MembershipFactory, UserFactory

from .conftest import DEMO_PASSWORD, PHONE, describe
from .learner import vi

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _new_student() -> User:
    """A pupil of the demo student's class who has opened nothing yet."""
    demo = Membership.objects.get(user__username="student", role=Role.STUDENT)
    user = UserFactory(
        username="hs-moi", full_name="Lê Minh Khang", password=DEMO_PASSWORD
    )
    MembershipFactory(
        user=user,
        role=Role.STUDENT,
        school_class=demo.school_class,
        school=demo.school,
        school_year=demo.school_year,
    )
    return user


def _click(page, link) -> None:
    with page.expect_navigation():
        link.click()


def test_new_student_reaches_a_course_from_home_and_from_my_learning(browse, axe_check):
    _new_student()
    b = browse("new-student")
    b.sign_in("hs-moi")  # the only address typed
    page = b.page
    assert page.url.rstrip("/") == b.base_url
    nav = page.locator("nav.site-nav")
    assert nav.get_by_role("link", name=vi("Course catalogue")).is_visible()
    assert nav.get_by_role("link", name=vi("Administration")).count() == 0
    assert axe_check(page) == [], describe(axe_check(page))
    b.shot("home")

    # Home → the next step of a course meant for them.
    _click(page, page.locator("section.next-step a.button"))
    lesson = LessonPage.objects.get(url_path__endswith=page.url.split("/", 3)[3])
    assert page.locator("h1").inner_text() == lesson.title

    # Header → My learning → a course meant for them.
    _click(page, nav.get_by_role("link", name=vi("My learning")))
    assert re.search(r"/hoc-tap/$", page.url)
    for_you = page.locator("section[aria-labelledby=for-you-title]")
    assert for_you.locator("a").count() > 0
    assert axe_check(page) == [], describe(axe_check(page))
    b.shot("my-learning")
    course_link = for_you.locator("h3 a").first
    title = course_link.inner_text()
    _click(page, course_link)
    assert page.locator("h1").inner_text() == title

    # Header → the catalogue.
    _click(
        page,
        page.locator("nav.site-nav").get_by_role("link", name=vi("Course catalogue")),
    )
    assert page.locator(".course-card, .course-cards").count() > 0
    b.assert_no_csp_violation()


def test_first_pages_fit_a_phone_and_look_right(browse, axe_check):
    _new_student()
    pages = {}
    for width, viewport in (("desktop", None), ("phone", PHONE)):
        anon = browse(f"anonymous-{width}", viewport=viewport)
        anon.goto("/")
        pages[f"anonymous-{width}-home"] = anon
        anon.shot("home")
        assert anon.page.get_by_role("link", name=vi("Sign in")).count() > 0
        response = anon.page.goto(anon.url("/khong-co-trang-nay/"))
        assert response.status == 404
        assert anon.page.locator("h1").inner_text() == vi("Page not found")
        anon.shot("404")
        assert anon.page.goto(anon.url("/favicon.ico")).status == 200

        for username, label in (("hs-moi", "new"), ("student", "demo")):
            b = browse(f"student-{label}-{width}", viewport=viewport)
            b.sign_in(username)
            b.shot("home")
            assert not _overflows(b.page), f"{label} home overflows at {width}"
            b.goto("/hoc-tap/")
            b.shot("my-learning")
            assert not _overflows(b.page), f"{label} My learning overflows"
            assert axe_check(b.page) == [], describe(axe_check(b.page))


def _overflows(page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth > window.innerWidth + 1"
    )


def test_new_student_goes_from_sign_in_to_a_verified_certificate_by_clicking(
    browse, axe_check
):
    """Issue 13's first journey: no address typed after the sign-in page."""
    from .flows import take_quiz

    _new_student()
    b = browse("first-hour")
    b.sign_in("hs-moi")
    page = b.page
    _click(page, page.locator("section.next-step a.button"))
    course = LessonPage.objects.get(
        url_path__endswith=page.url.split("/", 3)[3]
    ).get_parent()

    # Lesson after lesson: mark it done, then follow the pager to the next
    # step, until the pager leads to the final quiz.
    start = page.get_by_role("button", name=vi("Start the quiz"))
    for _ in range(30):
        if start.count():
            break
        done = page.get_by_role("button", name=vi("Mark as done"))
        if done.count():
            _click(page, done)
            assert page.locator(".messages, .message").first.is_visible()
            continue
        _click(page, page.locator("nav.pager a[rel=next]"))
    assert start.count(), "the pager never reached the quiz"
    b.shot("quiz-intro")
    _click(page, start)
    take_quiz(b, leak_check=False)

    # The result says the course is complete and hands over the certificate.
    main = page.locator("main")
    with override("vi"):
        ready = pgettext("student", "Course complete – your certificate is ready.")
    assert "giấy chứng nhận của em" in ready
    assert ready in main.inner_text()
    assert axe_check(page) == [], describe(axe_check(page))
    b.shot("result")
    with page.expect_download() as download:
        main.get_by_role("link", name=vi("Download the certificate")).click()
    pdf = download.value
    assert pdf.suggested_filename.endswith(".pdf")
    with open(pdf.path(), "rb") as file:
        assert file.read(5) == b"%PDF-"

    # My learning lists it; its verification page says it is valid.
    _click(
        page, page.locator("nav.site-nav").get_by_role("link", name=vi("My learning"))
    )
    row = page.locator(".certificate-list li", has_text=course.title)
    assert row.count() == 1
    b.shot("my-learning-certificate")
    _click(page, row.get_by_role("link", name=vi("Verification page")))
    assert vi("This certificate is valid.") in page.locator("main").inner_text()
    assert "Lê Minh Khang" in page.locator("main").inner_text()
    b.shot("verified")
    b.assert_no_csp_violation()


def test_school_admin_searches_the_admin(browse, axe_check):
    """A school admin's searches answer with results, never an error page.

    The two listings that answered HTTP 500 on a search (issue 13); every
    listing's search and filters are requested in
    tests/security/access/test_listing_searches.py.
    """
    b = browse("schooladmin-search")
    page = b.page
    b.goto("/admin/login/")
    page.fill("input[name=username]", "schooladmin")
    page.fill("input[name=password]", DEMO_PASSWORD)
    _click(page, page.locator("form:has(input[name=password]) button[type=submit]"))
    assert "/admin/login/" not in page.url

    searches = [
        ("/admin/snippets/lms_quizzes/question/", "mật khẩu", "question-bank"),
        ("/admin/snippets/lms_courses/legalreference/", "116/2025", "legal"),
    ]
    for path, term, label in searches:
        b.goto(path)
        box = page.locator("main input[name=q], header input[name=q]").first
        box.fill(term)
        with page.expect_response(lambda r: "q=" in r.url) as answered:
            box.press("Enter")
        assert answered.value.status == 200, (path, answered.value.status)
        page.wait_for_load_state("networkidle")
        listing = page.locator("main table tbody tr, main .listing li")
        assert listing.count() > 0, (path, page.locator("main").inner_text()[:500])
        assert term.split()[0].lower() in page.locator("main").inner_text().lower()
        b.shot(label)
    b.assert_no_csp_violation()
