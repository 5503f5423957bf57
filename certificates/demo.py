"""Demo certificates: the default template (its signatory named), which the
demo course packs' certificate settings use, and the demo student's
certificate for the course they completed. Idempotent."""

from courses.models import CoursePage

from .defaults import default_template_ensure
from .services import certificate_issue

DEMO_SIGNATORY_NAME = "Lê Thị Minh Châu"


def seed_certificate_template():
    """The default template with the demo's signatory. Made before the packs
    are imported, so their certificate sections find the template they were
    exported with instead of making a copy."""
    template = default_template_ensure()
    signatory = template.signatories.first()
    if signatory is not None and signatory.name == "Họ và tên người ký":
        signatory.name = DEMO_SIGNATORY_NAME
        signatory.save(update_fields=["name"])
    return template


def seed_student_certificate(*, student, course: CoursePage):
    """Issue (or return) the student's certificate; the course must be complete."""
    return certificate_issue(user=student, course=course, notify=False).certificate
