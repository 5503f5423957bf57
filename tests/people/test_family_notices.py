"""Family notices: one digest per period, every child in it, opt-out, language,
families without e-mail left to letters, and notifiers chosen by a setting."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from certificates.models import Certificate
from courses.models import CourseCompletion, Enrolment
from courses.services import course_assign_to_classes, course_open
from lms.mail.models import OutgoingEmail
from lms.mail.services import outgoing_send_due
from lms.people.models import FamilyDigest, Guardian, Role
from lms.people.notify import FamilyNotice, family_notifiers
from lms.reports.family_digests import family_digests_send, period_bounds
from tests.certificates.conftest import (  # noqa: F401 - shared fixtures
    catalogue,
    certified_course,
    complete,
    make_course,
    make_learner,
    school_class,
    site_root,
    template,
)
from tests.people.factories import GuardianFactory, SchoolClassFactory
from tests.quizzes.factories import QuizPageFactory

pytestmark = pytest.mark.django_db

SITE = "https://hoc.example.edu.vn"
# Ten in the morning today (Vietnam): a run an hour later is the same period
# whatever the period; a week later is the next one.
NOW = timezone.make_aware(
    datetime.datetime.combine(timezone.localdate(), datetime.time(10, 0))
)
# Before both NOW and the real clock (the command runs at the real time).
EARLIER = min(NOW, timezone.now()) - datetime.timedelta(hours=1)


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.LMS_SITE_URL = SITE
    settings.LMS_FAMILY_DIGEST_PERIOD = "weekly"


def digests() -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(kind="family:digest").order_by("pk"))


@pytest.fixture
def family(make_learner, make_course, certified_course, complete, school_class):  # noqa: F811
    """A mother of two: Hà in 10A1 (a course assigned, another completed with
    its certificate), Minh in 10A2 (a course assigned)."""
    other_class = SchoolClassFactory(
        name="10A2", school=school_class.school, school_year=school_class.school_year
    )
    ha = make_learner(username="ha", full_name="Lê Thị Thu Hà")
    minh = make_learner(
        username="minh", full_name="Lê Đức Minh", school_class_=other_class
    )
    assigned, _lessons = make_course(
        lessons=1, title="Phòng chống lừa đảo trực tuyến", enrolment_mode="assigned"
    )
    course_assign_to_classes(
        course=assigned, classes=[school_class, other_class], assigned_by=None
    )
    certified, lessons = certified_course
    complete(ha, certified, lessons)
    Enrolment.objects.update(enrolled_at=EARLIER)
    CourseCompletion.objects.update(completed_at=EARLIER)
    mother = GuardianFactory(
        school=school_class.school,
        full_name="Nguyễn Thị Hoa",
        email="me.ha@example.com",
        children=[ha, minh],
    )
    return {
        "mother": mother,
        "ha": ha,
        "minh": minh,
        "assigned": assigned,
        "certified": certified,
    }


def test_one_digest_groups_every_child_and_links_the_certificate(family):
    run = family_digests_send(now=NOW)
    assert [line.guardian for line in run.sent] == [family["mother"]]
    [row] = digests()
    assert row.to == "me.ha@example.com"
    assert row.subject.startswith("Tình hình học tập của con")
    for text in (row.body, row.html):
        assert "Lê Thị Thu Hà" in text and "Lê Đức Minh" in text
        assert "lớp 10A1" in text and "lớp 10A2" in text
        assert "Phòng chống lừa đảo trực tuyến" in text
        assert family["certified"].title in text
    code = Certificate.objects.get(holder=family["ha"]).code
    assert f"{SITE}/certificates/verify/{code}/" in row.body
    # Hà's section lists both her courses; Minh's only the assigned one.
    ha_part, minh_part = row.body.split("== Lê Đức Minh")
    assert family["certified"].title not in minh_part
    assert "Phòng chống lừa đảo trực tuyến" in minh_part
    outgoing_send_due()
    assert [m.to for m in mail.outbox if m.subject == row.subject] == [
        ["me.ha@example.com"]
    ]


def test_a_second_run_in_the_same_period_sends_nothing(family):
    family_digests_send(now=NOW)
    # Something new happens; the period has had its digest already.
    Enrolment.objects.filter(user=family["minh"]).update(
        enrolled_at=NOW + datetime.timedelta(minutes=30)
    )
    again = family_digests_send(now=NOW + datetime.timedelta(hours=1))
    assert again.sent == [] and len(digests()) == 1
    assert FamilyDigest.objects.count() == 1
    # The next period tells the news since the last digest, and only that.
    start, end = period_bounds(timezone.localdate(NOW))
    next_week = NOW + datetime.timedelta(days=7)
    assert period_bounds(timezone.localdate(next_week))[0] == end + datetime.timedelta(
        days=1
    )
    later = family_digests_send(now=next_week)
    assert len(later.sent) == 1
    newest = digests()[-1]
    assert "Lê Đức Minh" in newest.body and "Lê Thị Thu Hà" not in newest.body
    assert FamilyDigest.objects.count() == 2


def test_the_period_setting_is_honoured(family, settings):
    settings.LMS_FAMILY_DIGEST_PERIOD = "daily"
    family_digests_send(now=NOW)
    Enrolment.objects.filter(user=family["minh"]).update(
        enrolled_at=NOW + datetime.timedelta(hours=2)
    )
    assert family_digests_send(now=NOW + datetime.timedelta(hours=3)).sent == []
    tomorrow = family_digests_send(now=NOW + datetime.timedelta(days=1))
    assert len(tomorrow.sent) == 1


def test_a_family_that_opted_out_gets_nothing_queued(family):
    Guardian.objects.filter(pk=family["mother"].pk).update(notices_opt_out=True)
    run = family_digests_send(now=NOW)
    assert run.sent == [] and digests() == []
    assert not FamilyDigest.objects.exists()


def test_the_digest_is_written_in_the_familys_language(family):
    Guardian.objects.filter(pk=family["mother"].pk).update(language="en")
    family_digests_send(now=NOW)
    [row] = digests()
    assert row.subject.startswith("Your children's learning")
    assert "Dear Nguyễn Thị Hoa," in row.body
    assert "New courses assigned:" in row.body
    assert "Khóa học" not in row.subject


def test_the_vietnamese_digest_speaks_to_a_parent(family):
    family_digests_send(now=NOW)
    [row] = digests()
    assert "Kính gửi phụ huynh Nguyễn Thị Hoa," in row.body
    assert "Khóa học mới được giao:" in row.body
    assert "Đã hoàn thành:" in row.body


def test_families_without_email_are_skipped_and_left_to_letters(family):
    Guardian.objects.filter(pk=family["mother"].pk).update(email="")
    run = family_digests_send(now=NOW)
    assert run.sent == [] and run.unreachable == 1
    assert digests() == [] and not FamilyDigest.objects.exists()


def test_a_family_with_no_news_gets_nothing(family):
    Enrolment.objects.update(enrolled_at=NOW - datetime.timedelta(days=60))
    CourseCompletion.objects.update(completed_at=NOW - datetime.timedelta(days=60))
    run = family_digests_send(now=NOW)
    assert run.sent == [] and run.quiet == 1 and digests() == []


def test_a_passed_deadline_on_an_unfinished_course_is_overdue(family, make_course):  # noqa: F811
    course, _lessons = make_course(lessons=1, title="Bảo vệ dữ liệu cá nhân")
    QuizPageFactory(parent=course, closes_at=NOW - datetime.timedelta(hours=2))
    course_open(user=family["ha"], course=course)
    Enrolment.objects.update(enrolled_at=NOW - datetime.timedelta(days=60))
    CourseCompletion.objects.update(completed_at=NOW - datetime.timedelta(days=60))
    family_digests_send(now=NOW)
    [row] = digests()
    assert "Đã quá hạn mà chưa hoàn thành:" in row.body
    assert "Bảo vệ dữ liệu cá nhân" in row.body
    # Minh's school has the course too (automatic enrolment): his as well.
    assert row.body.count("Bảo vệ dữ liệu cá nhân") == 2


def test_the_command_sends_once_per_period(family):
    out = StringIO()
    call_command("send_family_digests", stdout=out)
    assert "Nguyễn Thị Hoa" in out.getvalue()
    assert len(digests()) == 1
    call_command("send_family_digests", stdout=StringIO())
    assert len(digests()) == 1


def test_a_dry_run_records_and_queues_nothing(family):
    out = StringIO()
    call_command("send_family_digests", "--dry-run", stdout=out)
    assert "Nguyễn Thị Hoa" in out.getvalue()
    assert digests() == [] and not FamilyDigest.objects.exists()


# -- the notifier registry ------------------------------------------------------

SMS_SENT: list[tuple[str, str]] = []


class FakeSmsNotifier:
    """What an SMS or Zalo ZNS sender would look like: a phone is enough."""

    name = "sms"

    def reaches(self, guardian):
        return bool(guardian.phone)

    def send(self, *, guardian, notice: FamilyNotice):
        names = ", ".join(child.name for child in notice.children)
        SMS_SENT.append((guardian.phone, f"{notice.count} tin: {names}"))
        return True


def test_a_new_notifier_is_added_by_the_setting_alone(family, settings):
    SMS_SENT.clear()
    settings.LMS_FAMILY_NOTIFIERS = [
        "lms.mail.notifiers.EmailNotifier",
        "tests.people.test_family_notices.FakeSmsNotifier",
    ]
    assert [n.name for n in family_notifiers()] == ["email", "sms"]
    Guardian.objects.filter(pk=family["mother"].pk).update(email="", phone="0901234567")
    call_command("send_family_digests", stdout=StringIO())
    assert SMS_SENT == [("0901234567", "3 tin: Lê Thị Thu Hà, Lê Đức Minh")]
    assert digests() == []
    assert FamilyDigest.objects.get().channel == "sms"
    # A family with an address still gets e-mail first.
    FamilyDigest.objects.all().delete()
    Guardian.objects.filter(pk=family["mother"].pk).update(email="me.ha@example.com")
    family_digests_send(now=NOW)
    assert len(digests()) == 1 and len(SMS_SENT) == 1
    # And opting out stops every notifier.
    FamilyDigest.objects.all().delete()
    Guardian.objects.filter(pk=family["mother"].pk).update(
        email="", notices_opt_out=True
    )
    family_digests_send(now=NOW)
    assert len(SMS_SENT) == 1


def test_a_student_is_never_a_guardians_reader(family):
    # Guardians are contacts, not members: the digest never goes to a child.
    family_digests_send(now=NOW)
    [row] = digests()
    assert row.to not in {family["ha"].email, family["minh"].email}
    assert family["ha"].memberships.get().role == Role.STUDENT
