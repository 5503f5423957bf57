"""The family letters' confirm page, in Chromium: reached from the class list,
in Vietnamese, on a desktop and a phone, without serious axe violations."""

import pytest

from tests.e2e.conftest import PHONE, describe

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _admins_class():
    from django.contrib.auth import get_user_model

    from lms.people.models import SchoolClass
    from lms.people.policies import may_print_family_letters

    admin = get_user_model().objects.get(username="schooladmin")
    return next(
        c
        for c in SchoolClass.objects.order_by("name")
        if may_print_family_letters(user=admin, school_class=c)
    )


def test_school_admin_opens_the_family_letters(browse, axe_check):
    school_class = _admins_class()
    url = f"/admin/lms/reports/family-letters/{school_class.pk}/"
    for name, viewport in [("family-letters", None), ("family-letters-phone", PHONE)]:
        b = browse(name, viewport=viewport)
        b.sign_in("schooladmin")

        b.goto("/admin/lms/classes/")
        # In the "more" menu of each class the admin may print letters for.
        row = b.page.locator("tr", has_text=school_class.name).first
        row.locator("[data-w-dropdown-target='toggle']").click()
        b.shot("classes")
        b.page.get_by_role("link", name="In thư gửi phụ huynh").click()
        b.page.wait_for_url(f"**{url}")
        body = b.page.locator("main").inner_text()
        assert f"Thư gửi phụ huynh lớp {school_class.name}" in body
        assert "ngừng hiệu lực" in body
        assert "Chỉ các gia đình chưa có e-mail" in body
        b.shot("confirm")
        violations = axe_check(b.page)
        assert violations == [], describe(violations)
        b.assert_no_csp_violation()
