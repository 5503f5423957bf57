"""One certificate issue on PostgreSQL, as production runs it: real commits.

Run with DATABASE_URL pointing at a PostgreSQL database (skipped on SQLite).
"""

import hashlib

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings

from certificates import services
from certificates.models import Certificate, CertificateEvent
from certificates.services import certificate_issue
from lms.mail.models import OutgoingEmail
from tests.certificates.factories import CourseCertificateSettingFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# Jobs wait in the queue (as with RQ) instead of running inside the commit.
QUEUED = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def two_finished(make_course, make_learner, template, tuyet, complete):
    course, lessons = make_course(lessons=1)
    CourseCertificateSettingFactory(course=course, template=template, auto_issue=False)
    other = make_learner(username="other", full_name="Trần Văn Bình")
    with override_settings(TASKS=QUEUED):
        complete(tuyet, course, lessons)
        complete(other, course, lessons)
    return course, tuyet, other


def test_an_issue_waits_for_one_disk_flush_in_eleven_round_trips(two_finished):
    """Three reads, one transaction (counter, certificate, outbox row, audit
    row) that commits without waiting for the disk, the signing keys' read,
    and one statement storing the PDF with its audit row, whose durable
    commit flushes the transaction before it too (the log is written in
    order). It was fifteen, with two commits waiting for the disk."""
    course, tuyet, other = two_finished
    with override_settings(TASKS=QUEUED):
        certificate_issue(user=other, course=course, notify=False)  # the counter
        with CaptureQueriesContext(connection) as captured:
            result = certificate_issue(user=tuyet, course=course, notify=False)
    statements = [q["sql"] for q in captured.captured_queries]
    assert len(statements) == 11, "\n".join(s[:120] for s in statements)
    assert statements.count("COMMIT") == 1
    issuing = statements[statements.index("BEGIN") : statements.index("COMMIT")]
    assert issuing[1].startswith("SET LOCAL synchronous_commit TO OFF;")
    assert sum("synchronous_commit" in s for s in statements) == 1
    assert statements[-1].startswith("WITH stored AS (UPDATE")
    certificate = Certificate.objects.get(pk=result.certificate.pk)
    with certificate.pdf.open("rb") as handle:
        assert certificate.pdf_sha256 == hashlib.sha256(handle.read()).hexdigest()
    assert list(certificate.events.order_by("pk").values_list("action", "detail")) == [
        ("issued", ""),
        ("rendered", certificate.pdf_sha256),
    ]


def test_a_late_second_render_records_nothing(two_finished):
    """The PDF and its audit row go in one statement, for the first worker
    only: a second one, late, removes its file and changes nothing."""
    course, tuyet, _other = two_finished
    with override_settings(TASKS=QUEUED):
        certificate = certificate_issue(
            user=tuyet, course=course, render=False, notify=False
        ).certificate
        stale = Certificate.objects.get(pk=certificate.pk)
        services.certificate_render(certificate=certificate)
        stored = Certificate.objects.get(pk=certificate.pk)
        late = services.certificate_render(certificate=stale)
    assert late.pdf.name == stored.pdf.name
    assert late.pdf_sha256 == stored.pdf_sha256
    events = CertificateEvent.objects.filter(certificate=certificate)
    assert list(events.order_by("pk").values_list("action", flat=True)) == [
        "issued",
        "rendered",
    ]
    _dirs, files = stored.pdf.storage.listdir(stored.pdf.name.rsplit("/", 1)[0])
    assert len(files) == 1


def test_an_owed_email_is_queued_with_the_pdf_in_one_transaction(two_finished):
    """With the e-mail to queue, the PDF is recorded in a transaction (the
    e-mail's outbox row commits with it), not in the single statement."""
    course, tuyet, _other = two_finished
    with override_settings(TASKS=QUEUED):
        with CaptureQueriesContext(connection) as captured:
            certificate_issue(user=tuyet, course=course)
    statements = [q["sql"] for q in captured.captured_queries]
    assert not any(s.startswith("WITH stored AS") for s in statements)
    recorded = next(
        index
        for index, s in enumerate(statements)
        if s.startswith('UPDATE "lms_certificates_certificate" SET "pdf"')
    )
    assert statements[recorded - 1] == "BEGIN"
    assert OutgoingEmail.objects.filter(kind="certificate_ready").count() == 1
    certificate = Certificate.objects.get(holder=tuyet)
    assert certificate.pdf and not certificate.notify_pending
    assert certificate.events.filter(action="rendered").count() == 1


def test_inside_a_callers_transaction_the_commit_waits_for_the_disk(two_finished):
    """The caller's transaction is not made to commit without waiting: the
    issue's setting would hold for the caller's whole transaction."""
    course, tuyet, _other = two_finished
    with (
        override_settings(TASKS=QUEUED),
        CaptureQueriesContext(connection) as captured,
        transaction.atomic(),
    ):
        result = certificate_issue(user=tuyet, course=course, notify=False)
    assert result.created and result.certificate.pdf
    assert not any("synchronous_commit" in q["sql"] for q in captured.captured_queries)
