"""seed_demo leaves the demo student with a completed course and its certificate."""

import pytest
from django.core.management import call_command

from certificates.models import Certificate, CertificateStatus
from courses.models import CourseCompletion
from lms.people.policies import current_school_year

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_the_student_one_completed_course_and_its_certificate():
    call_command("seed_demo", "--password", "Demo-pass-1", verbosity=0)
    call_command("seed_demo", "--password", "Demo-pass-1", verbosity=0)
    completion = CourseCompletion.objects.get(user__username="student")
    certificate = Certificate.objects.get(holder__username="student")
    assert certificate.course_id == completion.course_id
    assert certificate.status == CertificateStatus.VALID
    # Numbered in the current school year's series, whatever today's date.
    year = current_school_year().starts_on.year
    assert certificate.serial == f"DEMO-{year}-000001"
    assert certificate.name_as_printed == "Nguyễn Thị Ánh Tuyết"
    assert certificate.pdf and certificate.pdf_sha256
