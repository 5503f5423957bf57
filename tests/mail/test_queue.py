"""The outgoing mail queue: written with the event, retried with backoff while
the mail server is down, never sent twice."""

import smtplib
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from lms.mail import services
from lms.mail.models import OutgoingEmail
from lms.mail.services import (
    MAX_ATTEMPTS,
    email_queue,
    outgoing_send_due,
    retry_delay,
)

pytestmark = pytest.mark.django_db

Status = OutgoingEmail.Status


def queue(n: int = 1) -> list[OutgoingEmail]:
    return [
        email_queue(
            to=f"hs{i}@example.edu.vn",
            subject=f"Nhắc nhở {i}",
            body="Em còn 1 khóa học cần hoàn thành.",
            html="<p>Em còn 1 khóa học cần hoàn thành.</p>",
            send_soon=False,
        )
        for i in range(n)
    ]


def make_due() -> None:
    OutgoingEmail.objects.update(next_try_at=timezone.now() - timedelta(seconds=1))


def test_a_message_exists_only_if_its_event_commits():
    with pytest.raises(RuntimeError), transaction.atomic():
        queue()
        raise RuntimeError("the event failed")
    assert not OutgoingEmail.objects.exists()


def test_a_queued_message_is_sent_after_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email_queue(to="gv@example.edu.vn", subject="Xin chào", body="…")
    assert [m.to for m in mail.outbox] == [["gv@example.edu.vn"]]
    row = OutgoingEmail.objects.get()
    assert row.status == Status.SENT and row.sent_at and row.attempts == 1


def test_with_the_server_down_messages_wait_and_nobody_sees_an_error(
    smtp_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        row = email_queue(to="gv@example.edu.vn", subject="Xin chào", body="…")
    row.refresh_from_db()
    assert row.status == Status.PENDING and row.attempts == 1
    assert "Connection refused" in row.last_error
    assert row.next_try_at > timezone.now() + timedelta(seconds=50)


def test_retries_back_off_and_give_up_after_the_last_attempt(smtp_down):
    (row,) = queue()
    waits = []
    for _attempt in range(MAX_ATTEMPTS):
        make_due()
        before = timezone.now()
        outgoing_send_due()
        row.refresh_from_db()
        waits.append(row.next_try_at - before)
    assert row.status == Status.FAILED and row.attempts == MAX_ATTEMPTS
    assert waits[1] > waits[0] * 1.9 and waits[2] > waits[1] * 1.9
    assert retry_delay(1) == timedelta(minutes=1)
    assert retry_delay(30) == timedelta(hours=6)
    make_due()
    outgoing_send_due()
    row.refresh_from_db()
    assert row.attempts == MAX_ATTEMPTS  # given up: not tried again


def test_when_the_server_is_back_each_message_is_sent_once(smtp_down, settings):
    queue(3)
    outgoing_send_due()
    assert mail.outbox == []
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    outgoing_send_due()  # not due yet: the backoff holds
    assert mail.outbox == []
    make_due()
    outgoing_send_due()
    outgoing_send_due()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "hs0@example.edu.vn",
        "hs1@example.edu.vn",
        "hs2@example.edu.vn",
    ]
    assert mail.outbox[0].alternatives[0][1] == "text/html"
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {Status.SENT}


def test_a_row_claimed_by_one_sender_is_not_taken_by_another():
    queue(2)
    first = services._claim()
    second = services._claim()
    assert len(first) == 2 and second == []


def test_a_message_cut_off_mid_send_is_not_sent_again(settings):
    queue(2)

    def cut_off(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    with mock.patch.object(LocmemBackend, "send_messages", cut_off):
        run = outgoing_send_due()
    assert run.uncertain == 1
    statuses = dict(OutgoingEmail.objects.values_list("to", "status"))
    assert statuses == {
        "hs0@example.edu.vn": Status.UNCERTAIN,
        "hs1@example.edu.vn": Status.PENDING,  # never handed over
    }
    make_due()
    outgoing_send_due()
    assert [m.to for m in mail.outbox] == [["hs1@example.edu.vn"]]


def test_a_refusal_from_the_server_is_retried():
    (row,) = queue()

    def refused(self, messages):
        raise smtplib.SMTPRecipientsRefused({row.to: (450, b"Mailbox busy")})

    with mock.patch.object(LocmemBackend, "send_messages", refused):
        outgoing_send_due()
    row.refresh_from_db()
    assert row.status == Status.PENDING and "450" in row.last_error
    make_due()
    outgoing_send_due()
    assert len(mail.outbox) == 1


def test_a_sender_that_died_while_sending_leaves_the_row_uncertain():
    (row,) = queue()
    OutgoingEmail.objects.filter(pk=row.pk).update(
        status=Status.SENDING, claimed_at=timezone.now() - timedelta(hours=1)
    )
    outgoing_send_due()
    row.refresh_from_db()
    assert row.status == Status.UNCERTAIN and mail.outbox == []
    assert "dừng giữa chừng" in row.last_error


def test_the_command_sends_and_says_so_and_fails_loudly_when_the_server_is_down(
    smtp_down, settings
):
    queue(2)
    with pytest.raises(CommandError, match="127.0.0.1|Connection refused"):
        call_command("send_queued_mail", stdout=StringIO())
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_queued_mail", stdout=StringIO())
    assert mail.outbox == []  # waiting out the backoff
    out = StringIO()
    call_command("send_queued_mail", "--now", stdout=out)
    assert "2" in out.getvalue()
    assert len(mail.outbox) == 2


def test_the_department_sees_what_is_waiting_and_why(client, superuser, smtp_down):
    queue()
    outgoing_send_due()
    client.force_login(superuser)
    page = client.get(reverse("lms_mail_outgoing")).content.decode()
    assert "Thư đang chờ gửi" in page
    assert "hs0@example.edu.vn" in page and "Connection refused" in page


def test_a_given_up_message_can_be_sent_again_by_staff(client, superuser):
    (row,) = queue()
    OutgoingEmail.objects.filter(pk=row.pk).update(
        status=Status.FAILED, attempts=MAX_ATTEMPTS
    )
    client.force_login(superuser)
    client.post(reverse("lms_mail_resend", args=[row.pk]))
    row.refresh_from_db()
    assert row.status == Status.PENDING and row.attempts == 0
    outgoing_send_due()
    assert len(mail.outbox) == 1


def test_erasing_a_person_removes_their_mail_and_export_lists_it(student):  # noqa: N806
    import io
    import json
    import zipfile

    from lms.people.models import PersonErasure
    from lms.people.services import person_data_export, person_erase

    SOURCE = PersonErasure.Source.values[0]

    student.email = "em@example.edu.vn"
    student.save()
    email_queue(
        to=student.email, user=student, subject="Chào em", body="…", send_soon=False
    )
    email_queue(to="khac@example.edu.vn", subject="Khác", body="…", send_soon=False)
    with zipfile.ZipFile(io.BytesIO(person_data_export(person=student))) as archive:
        exported = json.loads(archive.read("data.json"))["sections"]["mail"]
    assert [row["subject"] for row in exported] == ["Chào em"]
    person_erase(person=student, erased_by=None, reason="Yêu cầu", source=SOURCE)
    assert list(OutgoingEmail.objects.values_list("to", flat=True)) == [
        "khac@example.edu.vn"
    ]
