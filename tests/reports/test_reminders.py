"""Reminders: who gets one, at most one per period, in their own language."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from wagtail.users.models import UserProfile

from lms.mail.models import OutgoingEmail
from lms.mail.services import outgoing_send_due
from lms.reports.models import ReminderKind, ReminderLog
from lms.reports.services import reminders_send as queue_reminders
from tests.mail.conftest import closed_port  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

# Inside the fixture's school year 2023-2024.
NOW = timezone.make_aware(datetime.datetime(2023, 10, 6, 8, 0))


def reminders_send(**kwargs):
    """Queue the reminders, then send the queue (as the command does)."""
    run = queue_reminders(**kwargs)
    outgoing_send_due()
    return run


def sent_to(kind=None) -> set[str]:
    logs = ReminderLog.objects.all()
    if kind:
        logs = logs.filter(kind=kind)
    return set(logs.values_list("user__username", flat=True))


def test_learners_with_required_courses_to_finish_get_a_reminder(world):
    run = reminders_send(now=NOW)
    # Students who have not completed K1, staff who have not completed K2;
    # not the collaborator (no course for them) nor anyone who finished.
    assert sent_to(ReminderKind.LEARNER) == {"s2", "s3", "s5", "gvcn", "qt", "qtb"}
    assert sent_to(ReminderKind.HOMEROOM_DIGEST) == {"gvcn"}
    assert len(mail.outbox) == len(run.sent) == 7
    message = next(m for m in mail.outbox if m.to == ["s3@example.edu.vn"])
    assert "An ninh mạng cơ bản" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "An ninh mạng cơ bản" in html


def test_at_most_one_reminder_per_period(world, settings):
    settings.LMS_REMINDER_PERIOD_DAYS = 7
    first = reminders_send(now=NOW)
    assert first.sent
    mail.outbox.clear()
    again = reminders_send(now=NOW + datetime.timedelta(days=6))
    assert again.sent == [] and mail.outbox == []
    later = reminders_send(now=NOW + datetime.timedelta(days=7, minutes=1))
    assert {r.user.username for r in later.sent} == {
        r.user.username for r in first.sent
    }


def test_reminder_subject_is_vietnamese_by_default_and_follows_a_preference(world):
    UserProfile.objects.create(user=world.people["s5"], preferred_language="en")
    reminders_send(now=NOW)
    subjects = {m.to[0].split("@")[0]: m.subject for m in mail.outbox}
    # A pupil is "em", a member of staff "bạn".
    assert subjects["s3"] == "Nhắc nhở: em còn 1 khóa học cần hoàn thành"
    assert subjects["qt"] == "Nhắc nhở: bạn còn 1 khóa học cần hoàn thành"
    assert subjects["s5"] == "Reminder: you have 1 course to finish"
    digest = next(
        m
        for m in mail.outbox
        if m.to == ["gvcn@example.edu.vn"] and "Tiến độ" in m.subject
    )
    assert digest.subject == "Tiến độ bồi dưỡng hằng tuần của lớp chủ nhiệm"
    # 10A1: 1 of 3 completed, 1 in progress, 1 not started.
    assert "1/3 đã hoàn thành, 1 đang học, 1 chưa bắt đầu" in digest.body


def test_people_without_an_email_address_are_skipped(world):
    world.people["s3"].email = ""
    world.people["s3"].save()
    reminders_send(now=NOW)
    assert "s3" not in sent_to()


def test_nothing_is_sent_outside_any_school_year(world):
    reminders_send(now=timezone.make_aware(datetime.datetime(2020, 1, 1)))
    assert mail.outbox == [] and not ReminderLog.objects.exists()


def test_nothing_is_sent_in_the_summer_holidays(world):
    reminders_send(now=timezone.make_aware(datetime.datetime(2024, 7, 15)))
    assert mail.outbox == [] and not ReminderLog.objects.exists()


def test_dry_run_sends_and_records_nothing(world, monkeypatch):
    import lms.reports.services as services

    monkeypatch.setattr(services.timezone, "now", lambda: NOW)
    out = StringIO()
    call_command("send_reminders", "--dry-run", stdout=out)
    assert mail.outbox == [] and not ReminderLog.objects.exists()
    assert "s3@example.edu.vn" in out.getvalue()
    assert "7" in out.getvalue().splitlines()[-1]
    call_command("send_reminders", stdout=StringIO())
    assert len(mail.outbox) == 7


def test_send_reminders_without_site_url_sends_nothing(world, settings):
    from django.core.management import CommandError

    del settings.LMS_SITE_URL

    with pytest.raises(CommandError, match="LMS_SITE_URL"):
        call_command("send_reminders", stdout=StringIO())

    assert mail.outbox == [] and not ReminderLog.objects.exists()


def test_with_the_mail_server_down_reminders_wait_in_the_queue(
    world,
    monkeypatch,
    settings,
    closed_port,  # noqa: F811
):
    from django.core.management import CommandError

    import lms.reports.services as services

    monkeypatch.setattr(services.timezone, "now", lambda: NOW)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port

    with pytest.raises(CommandError) as excinfo:
        call_command("send_reminders", stdout=StringIO(), stderr=StringIO())

    assert "7" in str(excinfo.value)
    # Recorded and queued: nothing lost, nothing queued twice by the next run.
    assert ReminderLog.objects.count() == 7
    waiting = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING)
    assert waiting.count() == 7
    assert all("Connection" in row.last_error for row in waiting)
    # The next run queues nothing new, and waits out the backoff.
    call_command("send_reminders", stdout=StringIO(), stderr=StringIO())
    assert OutgoingEmail.objects.count() == 7
    assert set(OutgoingEmail.objects.values_list("attempts", flat=True)) == {1}
