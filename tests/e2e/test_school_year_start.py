"""Starting a new school year in the browser: the demo school admin opens the
action from the schools listing, previews (in Vietnamese, nothing changes)
and confirms. Screenshots at both widths in var/e2e/ (school-year-start-*)."""

import pytest
from django.urls import reverse

from tests.e2e.conftest import PHONE

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _next_year() -> str:
    from lms.people.policies import current_school_year

    first = int(current_school_year().name[:4]) + 1
    return f"{first}-{first + 1}"


def test_schooladmin_previews_and_starts_the_new_school_year(browse):
    from lms.people.models import Membership, School

    school = School.objects.get(code="DEMO")
    url = reverse("lms_schools:new_year", args=[school.pk])
    year = _next_year()
    memberships = Membership.objects.count()
    for label, viewport in (("desktop", None), ("phone", PHONE)):
        admin = browse(f"school-year-start-{label}", viewport=viewport)
        admin.sign_in("schooladmin")
        admin.goto(reverse("lms_schools:index"))
        admin.page.locator('[aria-label^="Tùy chọn khác cho"]').first.click()
        admin.page.get_by_role("link", name="Sang năm học mới").click()
        admin.page.wait_for_load_state()
        assert admin.page.url.endswith(url), admin.page.url
        assert admin.page.locator("input[name=year]").input_value() == year
        admin.page.locator("input[name=carry_homeroom]").check()
        admin.shot("form")
        admin.page.locator("main form button[type=submit]").click()
        admin.page.wait_for_load_state()
        text = admin.page.locator("main").inner_text()
        assert f"sang năm học {year}" in text, text
        assert "Học sinh được chuyển lên" in text
        assert "Vai trò kết thúc cùng năm học cũ" in text
        admin.page.locator("details").first.evaluate("d => d.open = true")
        admin.shot("preview")
        admin.page.locator("button[name=confirm]").scroll_into_view_if_needed()
        admin.shot("preview-end")
        admin.assert_no_csp_violation()
    assert Membership.objects.count() == memberships  # the preview wrote nothing
    admin.page.locator("button[name=confirm]").click()
    admin.page.wait_for_load_state()
    assert f"đã sang năm học {year}" in admin.page.locator("body").inner_text()
    admin.shot("done")
    assert Membership.objects.filter(school_year__name=year).exists()
