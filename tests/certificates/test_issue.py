"""Issuing: automatic on completion, once per person and course, serials, reissue."""

import re
from unittest import mock

import pytest
from django.core import mail
from django.db import DatabaseError, IntegrityError, connection, transaction

from certificates import services
from certificates.eligibility import eligibility_for
from certificates.models import (
    Certificate,
    CertificateEvent,
    CertificateStatus,
    SerialCounter,
)
from certificates.services import (
    CertificateRefused,
    certificate_issue,
    certificate_reissue,
    certificate_revoke,
)
from certificates.tasks import certificate_render_task
from courses.services import course_open, lesson_complete
from lms.mail.models import OutgoingEmail
from tests.certificates.factories import CourseCertificateSettingFactory

from .conftest import NAME

pytestmark = pytest.mark.django_db


def test_completing_the_course_issues_the_certificate_and_emails_the_holder(
    certified_course, tuyet, complete
):
    course, lessons = certified_course
    complete(tuyet, course, lessons)
    certificate = Certificate.objects.get(holder=tuyet, course=course)
    assert certificate.status == CertificateStatus.VALID
    assert certificate.issued_by is None  # automatic
    assert certificate.completion.user == tuyet
    assert certificate.pdf and len(certificate.pdf_sha256) == 64
    # The year in the serial is the school year's first (the current one).
    year = tuyet.memberships.get().school_year.starts_on.year
    assert re.fullmatch(rf"S\d+-{year}-000001", certificate.serial)
    assert [m.to for m in mail.outbox] == [["tuyet@example.edu.vn"]]
    assert "Giấy chứng nhận của em đã sẵn sàng" in mail.outbox[0].subject
    assert certificate.serial in mail.outbox[0].body


def test_no_automatic_certificate_when_the_course_says_manual(
    make_course, template, tuyet, complete
):
    course, lessons = make_course(lessons=1)
    CourseCertificateSettingFactory(course=course, template=template, auto_issue=False)
    complete(tuyet, course, lessons)
    assert not Certificate.objects.exists()
    assert eligibility_for(user=tuyet, course=course).eligible


def test_issuing_twice_returns_the_same_certificate(certified_course, tuyet, complete):
    course, lessons = certified_course
    complete(tuyet, course, lessons)
    again = certificate_issue(user=tuyet, course=course)
    assert again.created is False
    assert Certificate.objects.count() == 1
    assert SerialCounter.objects.get().last_number == 1


def test_database_allows_one_valid_certificate_per_person_and_course(
    certified_course, tuyet, complete
):
    course, lessons = certified_course
    complete(tuyet, course, lessons)
    first = Certificate.objects.get()
    duplicate = Certificate(
        serial="X-1",
        school_code="X",
        year=2023,
        number=1,
        code=services.new_code(),
        holder=tuyet,
        course=course,
        name_as_printed=NAME,
        course_title=course.title,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    # A revoked one does not count: the constraint is partial.
    Certificate.objects.filter(pk=first.pk).update(status=CertificateStatus.REVOKED)
    duplicate.save()


def test_serials_are_sequential_per_school_and_year(
    certified_course, make_learner, complete, school_class
):
    from tests.people.factories import SchoolClassFactory

    course, lessons = certified_course
    other_class = SchoolClassFactory(school_year=school_class.school_year)
    serials = []
    for index in range(3):
        learner = make_learner(username=f"a{index}")
        complete(learner, course, lessons)
        serials.append(Certificate.objects.get(holder=learner).serial)
    elsewhere = make_learner(username="b0", school_class_=other_class)
    complete(elsewhere, course, lessons)
    code = school_class.school.code
    year = school_class.school_year.starts_on.year
    assert serials == [f"{code}-{year}-00000{n}" for n in (1, 2, 3)]
    assert Certificate.objects.get(holder=elsewhere).serial == (
        f"{other_class.school.code}-{year}-000001"
    )


def test_a_failed_issue_gives_its_serial_back(certified_course, make_learner, complete):
    course, lessons = certified_course
    first = make_learner(username="first")
    with mock.patch.object(Certificate, "save", side_effect=RuntimeError("disk")):
        course_open(user=first, course=course)
        for lesson in lessons:
            lesson_complete(user=first, lesson=lesson, course=course)
        with pytest.raises(RuntimeError):
            certificate_issue(user=first, course=course)
    assert not Certificate.objects.exists()
    certificate = certificate_issue(user=first, course=course).certificate
    assert certificate.number == 1


def test_code_is_url_safe_and_at_least_80_bits(certified_course, tuyet, complete):
    course, lessons = certified_course
    complete(tuyet, course, lessons)
    code = Certificate.objects.get().code
    assert re.fullmatch(r"[A-Za-z0-9_-]+", code)
    assert len(code) * 6 >= 80
    codes = {services.new_code() for _ in range(1000)}
    assert len(codes) == 1000
    assert not any(code.startswith("-") for code in codes)


def test_eligibility_names_the_missing_steps(certified_course, tuyet):
    course, lessons = certified_course
    course_open(user=tuyet, course=course)
    lesson_complete(user=tuyet, lesson=lessons[0], course=course)
    result = eligibility_for(user=tuyet, course=course)
    assert not result.eligible
    assert result.refusal.check == "not_completed"
    assert result.refusal.missing == (lessons[1].title,)
    assert lessons[1].title in result.refusal.message
    with pytest.raises(CertificateRefused) as refused:
        certificate_issue(user=tuyet, course=course)
    assert refused.value.check == "not_completed"


def test_eligibility_refuses_an_audience_without_a_certificate(
    make_course, template, make_learner
):
    from lms.people.models import Role

    course, _lessons = make_course(lessons=1, for_teachers=True)
    CourseCertificateSettingFactory(course=course, template=template)
    teacher = make_learner(username="gv", role=Role.TEACHER)
    result = eligibility_for(user=teacher, course=course)
    assert result.refusal.check == "no_certificate"


def test_reissue_replaces_the_old_certificate_and_keeps_it(
    certified_course, tuyet, complete, superuser
):
    course, lessons = certified_course
    complete(tuyet, course, lessons)
    old = Certificate.objects.get()
    old_hash = old.pdf_sha256
    tuyet.lms_profile.full_name = "Nguyễn Thị Ánh Tuyết (sửa)"
    tuyet.lms_profile.save()
    new = certificate_reissue(certificate=old, by=superuser, reason="Sửa họ tên")
    old.refresh_from_db()
    assert old.status == CertificateStatus.REPLACED
    assert old.replaced_by == new and new.replaces == old
    assert old.pdf_sha256 == old_hash and old.name_as_printed == NAME
    assert new.status == CertificateStatus.VALID
    assert new.name_as_printed == "Nguyễn Thị Ánh Tuyết (sửa)"
    assert new.number == old.number + 1 and new.pdf_sha256 != old_hash
    assert new.snapshot["replaces"] == old.serial
    assert new.issued_by == superuser
    with pytest.raises(CertificateRefused):
        certificate_reissue(certificate=old, by=superuser, reason="again")


def test_audit_log_records_issue_render_revoke_and_reissue(
    certified_course, tuyet, complete, superuser
):
    course, lessons = certified_course
    complete(tuyet, course, lessons)
    first = Certificate.objects.get()
    second = certificate_reissue(certificate=first, by=superuser, reason="Đổi mẫu")
    certificate_revoke(certificate=second, by=superuser, reason="Gian lận")
    actions = list(
        CertificateEvent.objects.order_by("pk").values_list(
            "certificate_id", "action", "actor_id"
        )
    )
    assert actions == [
        (first.pk, "issued", None),
        (first.pk, "rendered", None),
        (second.pk, "reissued", superuser.pk),
        (first.pk, "reissued", superuser.pk),
        (second.pk, "rendered", None),
        (second.pk, "revoked", superuser.pk),
    ]
    second.refresh_from_db()
    assert second.status == CertificateStatus.REVOKED
    assert second.status_reason == "Gian lận" and second.status_changed_by == superuser


def test_a_stored_pdf_is_never_rendered_again(certified_course, tuyet, complete):
    course, lessons = certified_course
    complete(tuyet, course, lessons)
    certificate = Certificate.objects.get()
    with mock.patch("certificates.rendering.render_pdf") as render:
        services.certificate_render(certificate=certificate)
        certificate_issue(user=tuyet, course=course)
    render.assert_not_called()


def test_two_renders_racing_store_one_pdf(certified_course, tuyet, complete):
    course, lessons = certified_course
    with mock.patch.object(services, "certificate_render"):
        complete(tuyet, course, lessons)
    certificate = Certificate.objects.get()
    assert not certificate.pdf
    stale = Certificate.objects.get(pk=certificate.pk)
    services.certificate_render(certificate=certificate)
    stored = Certificate.objects.get(pk=certificate.pk).pdf.name
    services.certificate_render(certificate=stale)  # a second worker, late
    certificate.refresh_from_db()
    assert certificate.pdf.name == stored
    assert CertificateEvent.objects.filter(action="rendered").count() == 1
    storage = certificate.pdf.storage
    _dirs, files = storage.listdir(stored.rsplit("/", 1)[0])
    assert len(files) == 1


def test_issuing_one_certificate_takes_few_database_round_trips(
    make_course, make_learner, template, tuyet, complete, django_assert_num_queries
):
    """The whole path, once the school's counter exists: three reads (setting,
    memberships with the school, completion saying whether a certificate is
    held or revoked: none is, so the certificates are not read), one
    statement for the serial, the certificate and its audit row, then the
    stored file and its audit row, and the report recount it asks for (an
    outbox row, written with the certificate). One read of the active
    signing keys (the parsed chain is cached; the read makes a rotation
    apply at once). Four more for the two transactions' savepoints in a
    test. On PostgreSQL the stored file and its audit row are one statement,
    outside a transaction (tests/certificates/test_issue_postgres.py counts
    the real commits)."""
    course, lessons = make_course(lessons=1)
    CourseCertificateSettingFactory(course=course, template=template, auto_issue=False)
    other = make_learner(username="other", full_name="Trần Văn Bình")
    complete(tuyet, course, lessons)
    complete(other, course, lessons)
    certificate_issue(user=other, course=course, notify=False)
    expected = 11 if connection.vendor == "postgresql" else 14
    with django_assert_num_queries(expected) as captured:
        result = certificate_issue(user=tuyet, course=course, notify=False)
    assert result.created and result.certificate.pdf
    statements = [q["sql"].split()[0] for q in captured.captured_queries]
    assert statements.count("SELECT") == 4
    assert not any("FOR UPDATE" in q["sql"] for q in captured.captured_queries)


def test_a_stored_pdf_and_its_audit_row_are_written_together(
    certified_course, tuyet, complete
):
    """A worker dying between the two leaves neither, so the PDF is rendered
    again later and the log still has one 'rendered' row per stored PDF."""
    course, lessons = certified_course
    with mock.patch.object(services, "certificate_render"):
        complete(tuyet, course, lessons)
    certificate = Certificate.objects.get()
    with (
        mock.patch.object(services, "_log", side_effect=RuntimeError("killed")),
        pytest.raises(RuntimeError),
    ):
        services.certificate_render(certificate=certificate)
    assert not Certificate.objects.get(pk=certificate.pk).pdf
    services.certificate_render(certificate=Certificate.objects.get(pk=certificate.pk))
    assert Certificate.objects.get(pk=certificate.pk).pdf
    assert CertificateEvent.objects.filter(action="rendered").count() == 1


def ready_emails():
    return list(
        OutgoingEmail.objects.filter(kind="certificate_ready").values_list(
            "to", flat=True
        )
    )


def test_the_ready_email_follows_a_pdf_stored_after_the_issue_broke_off(
    certified_course, tuyet, complete
):
    """The issue's render dies before the PDF is recorded (the database
    restarting, say); the resume job's render stores it and the holder still
    gets the e-mail, once."""
    course, lessons = certified_course
    with mock.patch.object(
        services.rendering, "render_pdf", side_effect=DatabaseError("gone")
    ):
        complete(tuyet, course, lessons)  # the queue logs the task's failure
    certificate = Certificate.objects.get()
    assert not certificate.pdf
    assert ready_emails() == []

    certificate_render_task.call(certificate.pk)
    certificate_render_task.call(certificate.pk)

    assert Certificate.objects.get().pdf
    assert ready_emails() == ["tuyet@example.edu.vn"]


def test_rendering_a_certificate_issued_without_an_email_sends_none(
    make_course, template, tuyet, complete
):
    course, lessons = make_course(lessons=1)
    CourseCertificateSettingFactory(course=course, template=template, auto_issue=False)
    complete(tuyet, course, lessons)
    issued = certificate_issue(user=tuyet, course=course, render=False, notify=False)

    certificate_render_task.call(issued.certificate.pk)

    assert Certificate.objects.get().pdf
    assert ready_emails() == []
