"""A school admin copies a demo library course into their school's catalogue
through course packs, in a real browser: download the pack, upload it under
a new title, read the preview, confirm, find the course in the explorer.

Screenshots (Vietnamese, 1280 px and 360 px) land in var/e2e/.
"""

import zipfile

import pytest
from django.urls import reverse

from .conftest import PHONE, describe

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _library_course():
    from courses.models import CourseIndexPage, CoursePage

    library = CourseIndexPage.objects.filter(school__isnull=True).first()
    return CoursePage.objects.child_of(library).live().order_by("path").first()


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_school_admin_copies_a_library_course_through_a_pack(
    browse, axe_check, viewport, tmp_path
):
    from courses.models import CoursePage

    course = _library_course()
    new_title = f"{course.title} (bản của trường)"
    name = "packs-" + ("phone" if viewport else "desktop")
    b = browse(name, viewport=viewport)
    b.sign_in("schooladmin")

    b.goto(reverse("lms_courses_pack_import"))
    b.shot("import-form")
    assert axe_check(b.page) == [], describe(axe_check(b.page))
    export = reverse("lms_courses_pack_export", args=[course.pk])
    with b.page.expect_download() as caught:
        b.page.locator(f'a[href="{export}"]').click()
    download = caught.value
    assert download.suggested_filename.endswith(".zip")

    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    # A hostile archive first: refused, naming the entry, nothing written.
    hostile = tmp_path / "goi-xau.zip"
    with zipfile.ZipFile(hostile, "w") as archive:
        archive.writestr("../ngoai-goi.txt", "x")
    form = b.page.locator("form.lms-bank-form")
    form.locator("input[name=file]").set_input_files(hostile)
    form.locator("button[type=submit]").click()
    b.page.wait_for_load_state()
    alert = b.page.get_by_role("alert").inner_text()
    assert "Chưa nhập gì" in alert and "../ngoai-goi.txt" in alert, alert
    b.shot("refused")

    form = b.page.locator("form.lms-bank-form")
    form.locator("input[name=file]").set_input_files(saved)
    form.locator("input[name=title]").fill(new_title)
    form.locator("button[type=submit]").click()
    b.page.wait_for_load_state()
    body = b.page.locator("main").inner_text()
    assert "Một khóa học mới sẽ được tạo" in body, body
    assert new_title in body
    assert "mới" in body
    b.shot("preview")
    assert axe_check(b.page) == [], describe(axe_check(b.page))

    b.page.get_by_role("button", name="Xác nhận nhập").click()
    b.page.wait_for_load_state()
    copy = CoursePage.objects.get(title=new_title)
    assert b.page.url.endswith(reverse("wagtailadmin_explore", args=[copy.pk]))
    assert "Đã nhập khóa học" in b.page.locator("body").inner_text()
    b.shot("imported")
    assert copy.get_parent().specific.school.code
    b.assert_no_csp_violation()
