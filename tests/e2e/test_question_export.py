"""A school admin exports a category of the question bank in a real browser:
GIFT is refused with the reason when a question shows a picture, Moodle XML
downloads with the picture inside, under an ASCII file name.

Screenshots (Vietnamese, 1280 px and 360 px) land in var/e2e/.
"""

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from .conftest import PHONE

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _category_with_a_picture():
    from PIL import Image
    from wagtail.images import get_image_model

    from quizzes.models import Choice, Question, QuestionCategory

    out = io.BytesIO()
    Image.new("RGB", (30, 20), "red").save(out, format="PNG")
    flag = get_image_model()(
        title="co-viet-nam.png", file=ContentFile(out.getvalue(), name="co.png")
    )
    flag.save()
    category = QuestionCategory.objects.create(name="Tiếng Anh – Nghe nói")
    question = Question.objects.create(
        category=category,
        qtype="single_choice",
        name="Lá cờ",
        text=(
            "<p>Đây là cờ nước nào?</p>"
            f'<embed alt="" embedtype="image" format="fullwidth" id="{flag.pk}"/>'
        ),
    )
    Choice.objects.create(question=question, text="Việt Nam", fraction=100)
    Choice.objects.create(question=question, text="Trung Quốc", fraction=0)
    return category


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_school_admin_exports_a_category_with_a_picture(browse, viewport):
    category = _category_with_a_picture()
    name = "export-" + ("phone" if viewport else "desktop")
    b = browse(name, viewport=viewport)
    b.sign_in("schooladmin")
    b.goto(reverse("lms_quizzes_import"))
    export = b.page.locator(f'form[action^="{reverse("lms_quizzes_export")}"]')
    export.locator("select[name=export-category]").select_option(str(category.pk))
    b.shot("form")

    export.locator("select[name=export-fmt]").select_option("gift")
    export.locator("button[type=submit]").click()
    b.page.wait_for_load_state()
    body = b.page.locator("body").inner_text()
    assert "Lá cờ" in body and "co-viet-nam.png" in body
    assert "Thầy/cô hãy xuất danh mục này dạng Moodle XML" in body
    b.page.locator("select[name=export-fmt]").scroll_into_view_if_needed()
    b.page.screenshot(path=str(b.shot("gift-refused").with_suffix(".view.png")))

    export = b.page.locator(f'form[action^="{reverse("lms_quizzes_export")}"]')
    export.locator("select[name=export-category]").select_option(str(category.pk))
    export.locator("select[name=export-fmt]").select_option("moodlexml")
    with b.page.expect_download() as caught:
        export.locator("button[type=submit]").click()
    download = caught.value
    assert download.suggested_filename == "tieng-anh-nghe-noi.xml"
    with open(download.path(), "rb") as handle:
        assert b'<file name="co-viet-nam.png"' in handle.read()
