"""What staff see after a full disk and a mail outage: the certificates whose
PDF waits, and the mail waiting to be sent, on a desktop and a phone."""

import pytest
from django.utils import timezone

from certificates.models import Certificate
from lms.mail.models import OutgoingEmail

from .conftest import PHONE, describe

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DISK_FULL = "Ổ đĩa đã đầy. (No space left on device)"
REFUSED = "ConnectionRefusedError: [Errno 111] Connection refused"


def _faults_left_behind() -> None:
    certificate = Certificate.objects.order_by("pk").first()
    Certificate.objects.filter(pk=certificate.pk).update(
        pdf="", pdf_sha256="", render_error=DISK_FULL
    )
    now = timezone.now()
    OutgoingEmail.objects.create(
        to="hs01@example.edu.vn",
        subject="Giấy chứng nhận của em đã sẵn sàng: An toàn trên mạng",
        body="…",
        attempts=3,
        next_try_at=now + timezone.timedelta(minutes=4),
        last_error=REFUSED,
    )
    OutgoingEmail.objects.create(
        to="gv01@example.edu.vn",
        subject="Nhắc nhở: bạn còn 1 khóa học cần hoàn thành",
        body="…",
        status=OutgoingEmail.Status.UNCERTAIN,
        attempts=1,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
    )


def test_the_department_sees_waiting_pdfs_and_waiting_mail(browse, axe_check):
    _faults_left_behind()
    for name, viewport in (("faults-desktop", None), ("faults-phone", PHONE)):
        b = browse(name, viewport=viewport)
        b.sign_in("officer")
        b.goto("/admin/lms/certificates/")
        banner = b.page.locator("[data-unrendered]")
        assert "chưa lưu được PDF" in banner.inner_text()
        assert "Ổ đĩa đã đầy" in banner.inner_text()
        b.shot("certificates")
        b.goto("/admin/lms/mail/")
        main = b.page.locator("main").inner_text()
        assert "Thư đang chờ gửi" in main
        assert "hs01@example.edu.vn" in main and "Connection refused" in main
        assert "Không rõ đã gửi chưa" in main
        assert "Số lần gửi thử" in main
        b.shot("mail")
        assert axe_check(b.page) == [], describe(axe_check(b.page))
        b.assert_no_csp_violation()
