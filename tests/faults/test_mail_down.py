"""Mail down: the learner finishes the course as usual; the "certificate
ready" e-mail waits in the queue and goes out once, when the server is back.

SMTP is Django's real backend pointed at a closed port (tests/mail/conftest.py).
"""

import pytest
from django.core import mail
from django.utils import timezone

from certificates.models import Certificate
from lms.mail.models import OutgoingEmail
from lms.mail.services import outgoing_send_due
from tests.mail.conftest import closed_port, smtp_down  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def test_the_certificate_is_issued_and_its_email_waits_for_the_server(
    certified_course,
    tuyet,
    complete,
    smtp_down,  # noqa: F811
    settings,
):
    course, lessons = certified_course
    complete(tuyet, course, lessons)  # no error for the learner
    certificate = Certificate.objects.get(holder=tuyet, course=course)
    assert certificate.pdf
    row = OutgoingEmail.objects.get()
    assert row.to == "tuyet@example.edu.vn" and row.kind == "certificate_ready"
    assert row.status == OutgoingEmail.Status.PENDING and row.attempts == 1
    assert certificate.serial in row.body

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutgoingEmail.objects.update(next_try_at=timezone.now())
    outgoing_send_due()
    outgoing_send_due()
    assert [m.to for m in mail.outbox] == [["tuyet@example.edu.vn"]]
    assert "Giấy chứng nhận của em đã sẵn sàng" in mail.outbox[0].subject
