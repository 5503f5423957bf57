"""A parent's journey: `parent` signs in and follows their child's learning;
a family activates its account with the letter's code. Desktop and phone.

Run with ``bash lms/scripts/e2e.sh``; starts from the demo of ``seed_demo``.
"""

import re

import pytest

from certificates.models import Certificate
from lms.people.models import Guardian, GuardianChild, User
from lms.people.services import guardian_activation_code_issue

from .conftest import PHONE, describe

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CHILD = "Nguyễn Thị Ánh Tuyết"


def _overflow(page) -> int:
    return page.evaluate(
        "() => document.documentElement.scrollWidth - window.innerWidth"
    )


def test_parent_sees_their_childs_progress_and_certificate(browse, axe_check):
    student = User.objects.get(username="student")
    certificate = Certificate.objects.get(holder=student)
    other = Certificate.objects.exclude(holder=student).first()

    b = browse("parent-learning")
    page = b.page
    b.sign_in("parent")
    # The home page after signing in: the child's learning, no learner's to-do.
    home = page.locator("main").inner_text()
    assert f"Việc học của {CHILD}" in home
    assert "Việc cần làm tiếp" not in home
    b.goto("/hoc-tap/")
    main = page.locator("main")
    text = main.inner_text()
    assert f"Việc học của {CHILD}" in text
    assert certificate.serial in text
    if other is not None:
        assert other.serial not in text
    progress = main.locator("progress")
    assert progress.count() >= 1
    assert re.search(r"Đã xong \d+%", text)
    b.shot("desktop")
    assert axe_check(page) == [], describe(axe_check(page))
    b.assert_no_csp_violation()

    with page.expect_download() as download:
        main.get_by_role("link", name="Tải PDF").first.click()
    assert download.value.suggested_filename.endswith(".pdf")
    main.get_by_role("link", name="Trang xác thực").first.click()
    page.wait_for_url(re.compile(r"/certificates/"))
    assert certificate.serial in page.locator("main").inner_text()

    # No way into the admin.
    response = page.goto(b.url("/admin/"))
    assert "/admin/login/" in page.url or response.status >= 400

    phone = browse("parent-learning", viewport=PHONE)
    phone.sign_in("parent")
    phone.goto("/hoc-tap/")
    assert CHILD in phone.page.locator("main").inner_text()
    assert _overflow(phone.page) <= 0, "My learning is wider than a phone"
    phone.shot("phone")
    assert axe_check(phone.page) == [], describe(axe_check(phone.page))


def test_a_family_activates_its_account_with_the_letters_code(browse, axe_check):
    child = User.objects.get(username="hs01")
    guardian = Guardian.objects.create(
        school=child.memberships.first().school, full_name="Lê Thị Hạnh"
    )
    GuardianChild.objects.create(guardian=guardian, learner=child)
    code = guardian_activation_code_issue(guardian=guardian).code

    for label, viewport in (("desktop", None), ("phone", PHONE)):
        b = browse("parent-activate", viewport=viewport)
        b.goto("/tai-khoan/dang-nhap/")
        b.page.get_by_role("link", name=re.compile("Phụ huynh: kích hoạt")).click()
        b.page.wait_for_url(re.compile("/kich-hoat-phu-huynh/"))
        assert "Kích hoạt tài khoản phụ huynh" in b.page.locator("h1").inner_text()
        assert _overflow(b.page) <= 0
        b.shot(label)
        assert axe_check(b.page) == [], describe(axe_check(b.page))

    page = b.page
    page.fill("input[name=code]", code.lower())
    page.fill("input[name=username]", "me.hanh")
    page.fill("input[name=password1]", "Mật-khẩu-dài-2026")
    page.fill("input[name=password2]", "Mật-khẩu-dài-2026")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/hoc-tap/$"))
    text = page.locator("main").inner_text()
    assert "Tài khoản phụ huynh đã sẵn sàng" in page.content()
    assert f"Việc học của {child.get_full_name()}" in text
    b.shot("activated")
    guardian.refresh_from_db()
    assert guardian.user.username == "me.hanh"
