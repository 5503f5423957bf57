"""Demo certificates: the default template on every demo course, and the demo
student's certificate for the course they completed. Idempotent."""

from courses.models import Audience, CoursePage

from .defaults import default_template_ensure
from .models import CourseCertificateSetting
from .services import certificate_issue

DEMO_SIGNATORY_NAME = "Lê Thị Minh Châu"


def seed_certificate_settings(*, courses: list[CoursePage]) -> None:
    template = default_template_ensure()
    signatory = template.signatories.first()
    if signatory is not None and signatory.name == "Họ và tên người ký":
        signatory.name = DEMO_SIGNATORY_NAME
        signatory.save(update_fields=["name"])
    for course in courses:
        # In the order the audiences are listed (a set's order changes from
        # one run to the next, and the demo packs are written from this).
        for audience in [a for a, _label in Audience.choices if a in course.audiences]:
            CourseCertificateSetting.objects.get_or_create(
                course=course,
                audience=audience,
                defaults={"template": template, "auto_issue": True},
            )


def seed_student_certificate(*, student, course: CoursePage):
    """Issue (or return) the student's certificate; the course must be complete."""
    return certificate_issue(user=student, course=course, notify=False).certificate
