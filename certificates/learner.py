"""The certificates section of "My learning", contributed through a courses hook."""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from lms.people.policies import may_view_child

from .eligibility import eligibility_from_statuses
from .models import Certificate, CertificateStatus


def my_learning_panel(request, context: dict) -> dict | None:
    user = request.user
    statuses = [
        *context.get("in_progress", []),
        *context.get("enrolled", []),
        *context.get("completed", []),
    ]
    # Every certificate of the learner, in one query for both uses.
    held = list(
        Certificate.objects.filter(holder=user)
        .select_related("course")
        .annotate(replaced=Exists(Certificate.objects.filter(replaces=OuterRef("pk"))))
        .order_by("-issued_at")
    )
    eligibility = eligibility_from_statuses(
        user=user, statuses=statuses, certificates=held
    )
    certificates = [
        certificate
        for certificate in held
        if certificate.status == CertificateStatus.VALID or not certificate.replaced
    ]
    # What is left, for courses that give this learner a certificate.
    to_earn = [
        {"status": status, "refusal": eligibility[status.course.pk].refusal}
        for status in statuses
        if status.course.pk in eligibility
        and eligibility[status.course.pk].setting is not None
        and not eligibility[status.course.pk].holds
    ]
    if not certificates and not to_earn:
        return None
    return {
        "template": "lms_certificates/my_learning_panel.html",
        "certificates": certificates,
        "to_earn": to_earn,
    }


def course_certificate(request, status) -> dict | None:
    """The certificate of a course the learner has just completed, for the
    quiz result page (the ``lms_course_certificate`` hook of courses).

    None when the course gives this learner no certificate (or theirs was
    revoked); else whether it is ready and where to get it.
    """
    if not status.completed:
        return None
    eligibility = eligibility_from_statuses(user=request.user, statuses=[status]).get(
        status.course.pk
    )
    if eligibility is None or eligibility.setting is None:
        return None
    certificate = eligibility.certificate
    if certificate is None and eligibility.refusal is not None:
        if eligibility.refusal.check == "revoked":
            return None
    if certificate is not None and certificate.pdf:
        return {
            "ready": True,
            "url": reverse("lms_certificates:download", args=[certificate.pk]),
        }
    # Issued in the background: My learning lists it once its PDF is made.
    return {"ready": False, "url": reverse("lms_courses:my_learning")}


def child_certificates_panel(request, learning) -> dict | None:
    """A child's certificates on their parent's My learning (the
    ``lms_child_learning_panels`` hook of courses): download and verify."""
    child = learning.child
    if not may_view_child(parent=request.user, learner=child):
        return None
    certificates = list(
        Certificate.objects.filter(holder=child)
        .filter(Q(status=CertificateStatus.VALID) | Q(replaced_by__isnull=True))
        .order_by("-issued_at")
    )
    return {
        "template": "lms_certificates/child_certificates_panel.html",
        "certificates": certificates,
        "child": child,
    }
