"""Work a killed worker left undone outside batches is picked up again."""

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from certificates.models import Certificate, CertificateStatus
from certificates.services import certificate_issue, certificate_revoke
from courses.models import CourseCompletion

pytestmark = pytest.mark.django_db

# Jobs go nowhere, as when the worker that took them was killed.
LOST = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def _age(minutes: int) -> None:
    CourseCompletion.objects.update(
        completed_at=timezone.now() - timezone.timedelta(minutes=minutes)
    )


@pytest.fixture
def lost_completion(certified_course, tuyet, complete):
    course, lessons = certified_course
    with override_settings(TASKS=LOST):
        complete(tuyet, course, lessons)
    assert not Certificate.objects.exists()
    return course


def test_a_lost_automatic_issue_is_issued_by_the_resume_command(
    lost_completion, tuyet, capsys
):
    _age(minutes=10)
    call_command("certificate_batches_resume")
    certificate = Certificate.objects.get(holder=tuyet, course=lost_completion)
    assert certificate.pdf and certificate.issued_by is None
    assert "1" in capsys.readouterr().out
    call_command("certificate_batches_resume")
    assert Certificate.objects.count() == 1


def test_recent_or_old_completions_are_left_alone(lost_completion):
    _age(minutes=1)  # its job may still be running
    call_command("certificate_batches_resume")
    assert not Certificate.objects.exists()
    _age(minutes=60 * 24 * 4)  # before the look-back window
    call_command("certificate_batches_resume")
    assert not Certificate.objects.exists()
    call_command("certificate_batches_resume", "--since-hours", "120")
    assert Certificate.objects.count() == 1


def test_a_revoked_certificate_is_not_given_back(lost_completion, tuyet, superuser):
    result = certificate_issue(user=tuyet, course=lost_completion, notify=False)
    certificate_revoke(certificate=result.certificate, by=superuser, reason="Sai")
    _age(minutes=10)
    call_command("certificate_batches_resume")
    assert list(Certificate.objects.values_list("status", flat=True)) == [
        CertificateStatus.REVOKED
    ]


def test_a_certificate_left_without_its_pdf_is_rendered(lost_completion, tuyet):
    result = certificate_issue(
        user=tuyet, course=lost_completion, render=False, notify=False
    )
    Certificate.objects.update(issued_at=timezone.now() - timezone.timedelta(hours=1))
    call_command("certificate_batches_resume")
    certificate = Certificate.objects.get(pk=result.certificate.pk)
    assert certificate.pdf and len(certificate.pdf_sha256) == 64
    assert Certificate.objects.count() == 1
