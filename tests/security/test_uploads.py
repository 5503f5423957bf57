"""Uploaded files are limited in size and type; bombs are refused cheaply."""

import io
import zipfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lms.people.models import Role
from quizzes.formats import QuestionFileError
from quizzes.formats.xlsx import parse_xlsx
from quizzes.models import Question


def _zip_bomb(unpacked_mb: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(unpacked_mb):
                part.write(chunk)
    return buffer.getvalue()


def test_zip_bomb_workbook_is_refused_before_it_is_opened():
    bomb = _zip_bomb(64)
    assert len(bomb) < 200 * 1024  # tiny on the wire
    with pytest.raises(QuestionFileError) as refusal:
        parse_xlsx(bomb)
    assert "50 MB" in refusal.value.problems[0].message


@pytest.mark.django_db
def test_zip_bomb_through_the_admin_import_creates_nothing(client, make_learner):
    client.force_login(make_learner("qt", role=Role.SCHOOL_ADMIN))
    response = client.post(
        reverse("lms_quizzes_import"),
        {"file": SimpleUploadedFile("cau-hoi.xlsx", _zip_bomb(64)), "fmt": "xlsx"},
    )
    assert response.status_code == 200
    assert "50 MB" in response.content.decode()
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_oversized_document_and_svg_image_are_refused(client, superuser):
    from wagtail.documents.models import Document
    from wagtail.images.models import Image

    client.force_login(superuser)
    too_big = settings.WAGTAILDOCS_MAX_UPLOAD_SIZE + 1
    response = client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Tài liệu",
            "file": SimpleUploadedFile("tai-lieu.pdf", b"0" * too_big),
        },
    )
    assert response.status_code == 200
    assert not Document.objects.exists()
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = client.post(
        reverse("wagtailimages:add"),
        {"title": "Ảnh", "file": SimpleUploadedFile("anh.svg", svg, "image/svg+xml")},
    )
    assert response.status_code == 200
    assert not Image.objects.exists()
