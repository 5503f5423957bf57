"""The certificates app's part of a person's data export and erasure.

Registered in wagtail_hooks.py on the hooks lms.people defines
(`lms_person_data_export`, `lms_person_erase`). Erasure keeps every
certificate record and its audit trail, so a verification link still answers
truthfully ("revoked: record removed on request"), but keeps no name or PDF.
"""

from django.utils.translation import gettext as _

from lms.people.profiles import profile_of

from .models import Certificate, CertificateEvent, CertificateStatus
from .services import certificate_revoke, verification_url

ERASED_REASON = "Đã xóa hồ sơ theo yêu cầu (record removed on request)"


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def person_certificates_export(*, person) -> tuple[str, list, list]:
    """The person's certificates as records, plus the PDFs as issued."""
    data, files = [], []
    for certificate in Certificate.objects.filter(holder=person).order_by("issued_at"):
        data.append(
            {
                "serial": certificate.serial,
                "code": certificate.code,
                "course_title": certificate.course_title,
                "name_as_printed": certificate.name_as_printed,
                "issued_at": _iso(certificate.issued_at),
                "status": certificate.effective_status,
                "status_changed_at": _iso(certificate.status_changed_at),
                "status_reason": certificate.status_reason,
                "expires_on": _iso(certificate.expires_on),
                "verification_url": verification_url(certificate.code),
            }
        )
        if certificate.pdf:
            with certificate.pdf.open("rb") as stream:
                files.append((f"{certificate.serial}.pdf", stream.read()))
    return "certificates", data, files


def person_certificates_erase(*, person, erasure) -> None:
    """Revoke what is valid, drop PDFs and printed names, keep the audit log."""
    certificates = list(Certificate.objects.filter(holder=person))
    for certificate in certificates:
        if certificate.status == CertificateStatus.VALID:
            certificate_revoke(
                certificate=certificate, by=erasure.erased_by, reason=ERASED_REASON
            )
    names = {
        profile_of(person).full_name,
        *(c.name_as_printed for c in certificates),
    } - {""}
    for certificate in Certificate.objects.filter(holder=person):
        if certificate.pdf:
            certificate.pdf.delete(save=False)
        certificate.pdf = ""
        certificate.pdf_sha256 = ""
        certificate.name_as_printed = ""
        certificate.snapshot = {
            key: value
            for key, value in certificate.snapshot.items()
            if key != "name" and not (isinstance(value, str) and value in names)
        }
        certificate.save(
            update_fields=["pdf", "pdf_sha256", "name_as_printed", "snapshot"]
        )
    events = CertificateEvent.objects.filter(certificate__in=certificates)
    for event in events:
        detail = event.detail
        for name in names:
            detail = detail.replace(name, _("[removed]"))
        if detail != event.detail:
            event.detail = detail
            event.save(update_fields=["detail"])
