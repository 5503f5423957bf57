"""A new student's first hour: from sign-in to a course by clicking links only
(issue 13, point 1), and how home, My learning and the 404 page look."""

import re

import pytest

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
