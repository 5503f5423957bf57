"""A visitor downloads a certificate's Open Badges file and checks it on the
verification page, on a phone and on a desktop."""

import pytest

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("width", [360, 1280])
def test_visitor_downloads_the_badge_and_the_upload_check_accepts_it(
    browse, axe_check, tmp_path, width
):
    from certificates.models import Certificate

    certificate = Certificate.objects.get(holder__username="student")
    b = browse(f"badge-{width}", viewport={"width": width, "height": 900})
    b.goto(f"/certificates/verify/{certificate.code}/")
    link = b.page.get_by_role("link", name="Tải chứng nhận số (Open Badges)")
    with b.page.expect_download() as download:
        link.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.endswith(".badge.json")
    assert axe_check(b.page) == []
    b.shot("verify")

    b.goto("/certificates/verify/")
    form = b.page.locator("form:has(input[name=kind][value=badge])")
    form.locator("input[type=file]").set_input_files(str(saved))
    form.locator("button[type=submit]").click()
    b.page.wait_for_load_state()
    verdict = b.page.get_by_role("status")
    assert "Chữ ký hợp lệ và chứng nhận chưa bị thu hồi." in verdict.inner_text()
    assert certificate.name_as_printed in verdict.inner_text()
    assert axe_check(b.page) == []
    b.assert_no_csp_violation()
    b.shot("upload")
