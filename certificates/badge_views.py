"""Public Open Badges addresses: a certificate's badge, status lists, keys."""

import json

from django.http import Http404, HttpResponse

from . import badges
from .models import CertificateStatus
from .selectors import certificate_by_code
from .views import _too_many, lookup_allowed, subject_lookup_allowed


def _json(data: dict, *, cache_control: str, filename: str = "") -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/ld+json; charset=utf-8",
    )
    response["Cache-Control"] = cache_control
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def verify_badge(request, code: str):
    """The signed OpenBadgeCredential of a valid certificate."""
    if not lookup_allowed(request):
        return _too_many(request, json=True)
    if not subject_lookup_allowed("code", code):
        return _too_many(request, json=True, subject=True)
    certificate = certificate_by_code(code=code)
    if certificate is None or certificate.effective_status != CertificateStatus.VALID:
        raise Http404
    return _json(
        badges.signed_badge(certificate),
        # A holder's name: not kept by shared caches; signed afresh each time.
        cache_control="private, no-store",
        filename=f"{certificate.serial}.badge.json",
    )


def status_list(request, number: int):
    """A BitstringStatusListCredential; a revoked certificate's bit is set."""
    return _json(
        badges.status_list_credential(number),
        # Verifiers may keep it a few minutes; revocation shows within that.
        cache_control="public, max-age=300",
    )


def issuer_keys(request):
    """The issuer's public keys, for verifiers to keep and check offline."""
    return _json(badges.trust_document(), cache_control="public, max-age=3600")
