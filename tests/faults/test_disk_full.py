"""A full disk (or any storage refusing a write): nothing is half-done.

The storage's `_save` raises OSError(ENOSPC), as FileSystemStorage does when
the media volume is full.
"""

import errno
from unittest import mock

import pytest
from django.core import mail
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate, CertificateEvent
from certificates.services import certificate_issue
from lms.mail.models import OutgoingEmail

pytestmark = pytest.mark.django_db


def _disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def _half_written(storage_save):
    """A write that puts part of the file on the disk, then runs out of space."""

    def save(self, name, content):
        storage_save(self, name, content.__class__(b"%PDF-1.7 trunc"))
        raise OSError(errno.ENOSPC, "No space left on device")

    return save


def full_disk():
    return mock.patch.object(FileSystemStorage, "_save", _disk_full)


def _age_certificates(minutes: int = 10) -> None:
    Certificate.objects.update(
        issued_at=timezone.now() - timezone.timedelta(minutes=minutes)
    )


def test_a_certificate_whose_pdf_cannot_be_stored_is_issued_and_waits_for_its_pdf(
    certified_course, tuyet, complete
):
    course, lessons = certified_course
    with full_disk():
        complete(tuyet, course, lessons)  # the learner sees no error
    certificate = Certificate.objects.get(holder=tuyet, course=course)
    assert certificate.serial.endswith("-000001")
    assert not certificate.pdf and not certificate.pdf_sha256
    assert "Ổ đĩa đã đầy" in certificate.render_error
    assert certificate.events.filter(
        action=CertificateEvent.Action.RENDER_FAILED
    ).exists()
    # Nothing to download yet, so no "your certificate is ready" e-mail.
    assert mail.outbox == [] and not OutgoingEmail.objects.exists()


def test_a_half_written_pdf_is_removed(certified_course, tuyet, complete, settings):
    course, lessons = certified_course
    storage_save = FileSystemStorage._save
    with mock.patch.object(FileSystemStorage, "_save", _half_written(storage_save)):
        complete(tuyet, course, lessons)
    certificate = Certificate.objects.get()
    folder = settings.MEDIA_ROOT / "certificates" / str(certificate.year)
    leftovers = [
        path for path in folder.rglob("*.pdf") if certificate.serial in path.name
    ]
    assert leftovers == []


def test_the_resume_command_stores_the_pdf_later_and_only_then_tells_the_holder(
    certified_course, tuyet, complete, make_learner, django_capture_on_commit_callbacks
):
    course, lessons = certified_course
    with full_disk():
        complete(tuyet, course, lessons)
        _age_certificates()
        call_command("certificate_batches_resume")  # still full: still waiting
    assert not Certificate.objects.get().pdf
    assert (
        CertificateEvent.objects.filter(
            action=CertificateEvent.Action.RENDER_FAILED
        ).count()
        == 1
    ), "the same reason is logged once, not on every retry"

    with django_capture_on_commit_callbacks(execute=True):
        call_command("certificate_batches_resume")
    certificate = Certificate.objects.get()
    assert certificate.pdf and len(certificate.pdf_sha256) == 64
    assert certificate.render_error == ""
    assert certificate.serial.endswith("-000001")
    assert [m.to for m in mail.outbox] == [["tuyet@example.edu.vn"]]

    # Serials stay gapless: the next certificate takes the next number.
    other = make_learner(username="lan", full_name="Trần Thị Lan")
    complete(other, course, lessons)
    numbers = sorted(Certificate.objects.values_list("number", flat=True))
    assert numbers == [1, 2]


def test_the_certificates_admin_lists_the_waiting_pdfs_and_why(
    certified_course, tuyet, complete, client, superuser
):
    course, lessons = certified_course
    with full_disk():
        complete(tuyet, course, lessons)
    client.force_login(superuser)
    page = client.get(reverse("lms_certificates_admin_list")).content.decode()
    assert "data-unrendered" in page
    assert "Ổ đĩa đã đầy" in page
    certificate = Certificate.objects.get()
    detail = client.get(
        reverse("lms_certificates_admin_detail", args=[certificate.pk])
    ).content.decode()
    assert "data-render-error" in detail and "Ổ đĩa đã đầy" in detail


def test_issuing_one_by_hand_on_a_full_disk_warns_the_admin(
    certified_course, tuyet, client, superuser
):
    from courses.services import course_open, lesson_complete

    course, lessons = certified_course
    course_open(user=tuyet, course=course)
    for lesson in lessons:
        lesson_complete(user=tuyet, lesson=lesson, course=course)
    client.force_login(superuser)
    with full_disk():
        response = client.post(
            reverse("lms_certificates_issue_one"),
            {"user": tuyet.pk, "course": course.pk},
            follow=True,
        )
    assert response.status_code == 200
    text = response.content.decode()
    assert "chưa lưu được" in text.lower()
    assert Certificate.objects.get().render_error


def test_the_service_returns_the_issued_certificate_without_raising(
    certified_course, tuyet, complete
):
    course, lessons = certified_course
    with full_disk():
        complete(tuyet, course, lessons)
        again = certificate_issue(user=tuyet, course=course)
    assert again.created is False and not again.certificate.pdf


# -- imports: the uploaded file cannot be spooled to the temporary folder ------


def _temporary_folder_full():
    from django.core.files.uploadhandler import TemporaryFileUploadHandler

    return mock.patch.object(
        TemporaryFileUploadHandler, "receive_data_chunk", side_effect=_disk_full
    )


def _upload(name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"x" * 4096)


@pytest.mark.parametrize(
    ("url_name", "filename"),
    [("lms_roster:index", "lop-10a1.xlsx"), ("lms_quizzes_import", "cau-hoi.gift")],
)
def test_an_import_whose_upload_cannot_be_stored_is_refused_with_nothing_written(
    client, superuser, settings, url_name, filename
):
    from django.contrib.auth import get_user_model

    from quizzes.models import QuestionCategory

    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 100  # spool to the temporary folder
    people = get_user_model().objects.count()
    categories = QuestionCategory.objects.count()
    client.force_login(superuser)
    with _temporary_folder_full():
        response = client.post(
            reverse(url_name), {"file": _upload(filename)}, follow=True
        )
    assert response.status_code == 200
    assert "Chưa có gì được nhập" in response.content.decode()
    assert get_user_model().objects.count() == people
    assert QuestionCategory.objects.count() == categories


# -- Wagtail's own uploads, and any other file write in a request -------------


def _png() -> bytes:
    from io import BytesIO

    from PIL import Image as PilImage

    buffer = BytesIO()
    PilImage.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def _media_files(settings) -> set:
    return {path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()}


def test_an_image_upload_on_a_full_disk_says_so_in_vietnamese_and_saves_nothing(
    client, superuser, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from wagtail.images.models import Image

    before = _media_files(settings)
    client.force_login(superuser)
    with full_disk():
        response = client.post(
            reverse("wagtailimages:add"),
            {"title": "Ảnh lớp", "file": SimpleUploadedFile("anh.png", _png())},
        )
    assert response.status_code == 507
    assert "Retry-After" not in response
    page = response.content.decode()
    assert "Ổ đĩa của máy chủ đã đầy" in page
    assert "quản trị viên" in page
    assert not Image.objects.exists()
    assert _media_files(settings) == before


def test_a_document_upload_from_a_script_gets_the_reason_as_json(
    client, superuser, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from wagtail.documents.models import Document

    client.force_login(superuser)
    with mock.patch.object(
        FileSystemStorage, "_save", side_effect=OSError(errno.EDQUOT, "Quota")
    ):
        response = client.post(
            reverse("wagtaildocs:add"),
            {"title": "Tài liệu", "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4")},
            headers={"X-Requested-With": "XMLHttpRequest"},
        )
    assert response.status_code == 507
    assert response.json() == {
        "error": "Ổ đĩa của máy chủ đã đầy nên chưa có gì được lưu. "
        "Vui lòng báo cho quản trị viên.",
        "retry": False,
    }
    assert not Document.objects.exists()


def test_other_storage_errors_are_still_server_errors(client, superuser):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(superuser)
    with mock.patch.object(
        FileSystemStorage, "_save", side_effect=OSError(errno.EACCES, "Denied")
    ):
        with pytest.raises(PermissionError):
            client.post(
                reverse("wagtaildocs:add"),
                {"title": "Tài liệu", "file": SimpleUploadedFile("a.pdf", b"%PDF")},
            )


def test_a_file_cut_short_by_a_full_disk_is_removed_from_the_media_folder(settings):
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    class RunsOutOfSpace(ContentFile):
        def chunks(self, chunk_size=None):
            yield b"%PDF-1.7 the first part"
            raise OSError(errno.ENOSPC, "No space left on device")

    storage = storages["default"]
    before = _media_files(settings)
    with pytest.raises(OSError):
        storage.save("documents/cut-short.pdf", RunsOutOfSpace(b"", name="x.pdf"))
    assert _media_files(settings) == before
    # A file that was there before a failed overwrite is not touched.
    storage.save("documents/kept.txt", ContentFile(b"kept"))
    assert storage.exists("documents/kept.txt")
    storage.delete("documents/kept.txt")


def test_a_full_disk_outside_a_view_is_still_the_disk_page(rf):
    from lms.db_faults import server_error

    try:
        raise OSError(errno.ENOSPC, "No space left on device")
    except OSError:
        response = server_error(rf.get("/"))
    assert response.status_code == 507


@pytest.mark.django_db(transaction=True)
def test_the_multiple_image_uploader_gets_507_and_no_image_is_saved(
    client, superuser, settings
):
    """Wagtail's usual way to add images (a script posting each file).

    A transaction test: Django marks the enclosing transaction for rollback
    when a save fails, as it would roll back a request's own transaction.
    An earlier transaction test may have flushed the root collection the
    migrations made, so it is made again when missing.
    """
    from django.core.files.uploadedfile import SimpleUploadedFile
    from wagtail.images.models import Image
    from wagtail.models import Collection

    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")

    before = _media_files(settings)
    client.force_login(superuser)
    with full_disk():
        response = client.post(
            reverse("wagtailimages:add_multiple"),
            {"files[]": SimpleUploadedFile("a.png", _png(), "image/png")},
            headers={"X-Requested-With": "XMLHttpRequest"},
        )
    assert response.status_code == 507
    assert response.json()["retry"] is False
    assert not Image.objects.exists()
    assert _media_files(settings) == before
