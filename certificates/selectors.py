"""Reads for certificates: what a person holds, who may see which certificate."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from lms.people.models import Membership, School, SchoolClass
from lms.people.policies import may_view_child
from lms.people.selectors import learner_is_visible_to, learners_visible_to
from lms.people.text import normalize_text

from .models import Certificate, CertificateStatus

User = get_user_model()


def certificates_of(*, user) -> QuerySet[Certificate]:
    """The certificates a person holds, newest first, valid and otherwise."""
    return Certificate.objects.filter(holder=user).select_related("course")


def certificate_by_code(*, code: str) -> Certificate | None:
    return (
        Certificate.objects.select_related("replaced_by", "school")
        .filter(code=code)
        .first()
    )


def certificate_by_sha256(*, digest: str) -> Certificate | None:
    if len(digest) != 64:
        return None
    return Certificate.objects.filter(pdf_sha256=digest.lower()).first()


def names_match(printed: str, typed: str) -> bool:
    """Exactly the printed name, ignoring case, spacing and Unicode form."""
    return normalize_text(printed).casefold() == normalize_text(typed).casefold()


def serial_and_name_match(*, serial: str, name: str) -> bool:
    """Whether a valid certificate has this serial and this printed name.

    Serials are sequential and can be guessed, so the answer is only yes/no:
    never the name, course or anything else about the certificate.
    """
    certificate = Certificate.objects.filter(
        serial=serial.strip().upper(), status=CertificateStatus.VALID
    ).first()
    return bool(
        certificate
        and certificate.effective_status == CertificateStatus.VALID
        and names_match(certificate.name_as_printed, name)
    )


def certificate_visible_to(*, viewer, certificate: Certificate) -> bool:
    """The holder, their parents, and staff who may see the holder's learning;
    nobody else."""
    if not viewer.is_authenticated or certificate.holder_id is None:
        return bool(viewer.is_authenticated and viewer.is_superuser)
    if viewer.pk == certificate.holder_id:
        return True
    if may_view_child(parent=viewer, learner=certificate.holder):
        return True
    return learner_is_visible_to(viewer=viewer, learner=certificate.holder)


def certificates_visible_to(*, viewer) -> QuerySet[Certificate]:
    certificates = Certificate.objects.select_related("holder", "course", "school")
    if viewer.is_superuser:
        return certificates
    return certificates.filter(holder__in=learners_visible_to(viewer=viewer))


def batch_scope_users(
    *,
    viewer,
    school: School | None = None,
    school_class: SchoolClass | None = None,
    role: str = "",
) -> QuerySet[User]:
    """People of a school / class / role that `viewer` may see, name order."""
    memberships = Membership.objects.all()
    if school is not None:
        memberships = memberships.filter(school=school)
    if school_class is not None:
        memberships = memberships.filter(school_class=school_class)
    if role:
        memberships = memberships.filter(role=role)
    return (
        learners_visible_to(viewer=viewer)
        .filter(pk__in=memberships.values("user_id"), is_active=True)
        .select_related("lms_profile")
        .order_by("lms_profile__sort_name", "pk")
    )
