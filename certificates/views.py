"""Public verification, downloads and the learner's certificate panel. Thin views."""

import hashlib
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lms.cache import CacheUnavailable, cache_available
from lms.people.voice import ADULT
from lms.security import client_ip

from .badge_check import BadgeCheckForm, check_uploaded_badge
from .forms import CodeLookupForm, PdfCheckForm, SerialLookupForm
from .models import Certificate, CertificateStatus, LookupCounter
from .rendering import pdf_filename
from .selectors import (
    certificate_by_code,
    certificate_by_sha256,
    certificate_visible_to,
    serial_and_name_match,
)
from .services import certificate_download_log


def _client_ip(request) -> str:
    # The same notion of "visitor address" as sign-in throttling (proxy-aware).
    return client_ip(request) or "unknown"


def _count_allows(key: str, limit: int, window: int) -> bool:
    """A fixed-window counter in the cache; True while under `limit`.

    While the cache is unreachable the count moves to the database, so the
    limit neither lapses nor breaks the page.
    """
    if cache_available():
        cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
        except CacheUnavailable:
            return _db_count_allows(key, limit, window)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            count = 1
        return count <= limit
    return _db_count_allows(key, limit, window)


def _db_count_allows(key: str, limit: int, window: int) -> bool:
    """The same fixed window, counted in a database row per key and window."""
    now = timezone.now()
    start = int(now.timestamp()) // window * window
    expires_at = datetime.fromtimestamp(start + window, tz=UTC)
    with transaction.atomic():
        counter, created = LookupCounter.objects.get_or_create(
            # Hashed: the key names the visitor's address, which the
            # database does not keep.
            key=hashlib.sha256(f"{key}@{start}".encode()).hexdigest(),
            defaults={"count": 1, "expires_at": expires_at},
        )
        if not created:
            LookupCounter.objects.filter(pk=counter.pk).update(count=F("count") + 1)
            counter.refresh_from_db(fields=["count"])
    if created:
        LookupCounter.objects.filter(expires_at__lt=now).delete()
    return counter.count <= limit


def lookup_allowed(request) -> bool:
    """A fixed-window counter per IP address in the cache.

    Codes are unguessable, but serials are not: the limit keeps anyone from
    walking through serial numbers and names.
    """
    limit, window = settings.LMS_CERTIFICATE_LOOKUP_RATE
    return _count_allows(f"lms-cert-lookup:{_client_ip(request)}", limit, window)


def subject_lookup_allowed(kind: str, value: str) -> bool:
    """A counter per code (or serial) looked up, whatever the address.

    Many addresses guessing the names printed on one serial, or hammering
    one code, are held back as one.
    """
    limit, window = settings.LMS_CERTIFICATE_SUBJECT_LOOKUP_RATE
    normalised = (value or "").strip().upper()
    digest = hashlib.sha256(f"{kind}:{normalised}".encode()).hexdigest()[:32]
    return _count_allows(f"lms-cert-lookup-{kind}:{digest}", limit, window)


def _too_many(request, json: bool = False, subject: bool = False):
    message = (
        _("Too many lookups of this certificate. Please wait a few minutes.")
        if subject
        else _("Too many lookups from your address. Please wait a few minutes.")
    )
    if json:
        return JsonResponse({"error": message}, status=429)
    return TemplateResponse(
        request,
        "lms_certificates/verify_lookup.html",
        {"error": message, "voice": ADULT, **_empty_forms()},
        status=429,
    )


def public_record(certificate: Certificate) -> dict:
    """What the verify page and JSON show: no birth date, class, e-mail or id."""
    snapshot = certificate.snapshot
    replaced_by = getattr(certificate, "replaced_by", None)
    return {
        "status": certificate.effective_status,
        "status_label": certificate.get_effective_status_display(),
        "serial": certificate.serial,
        "name": certificate.name_as_printed,
        "course": certificate.course_title,
        "school": snapshot.get("school", ""),
        "issue_date": snapshot.get("issue_date", ""),
        "expires_on": snapshot.get("expires_on")
        or (certificate.expires_on and certificate.expires_on.strftime("%d/%m/%Y"))
        or None,
        "revoked_on": (
            timezone.localtime(certificate.status_changed_at).strftime("%d/%m/%Y")
            if certificate.status == CertificateStatus.REVOKED
            and certificate.status_changed_at
            else None
        ),
        "replaced_by": replaced_by.serial if replaced_by else None,
        "replaced_by_url": (
            reverse("lms_certificates:verify", args=[replaced_by.code])
            if replaced_by
            else None
        ),
    }


def verify(request, code: str):
    if not lookup_allowed(request):
        return _too_many(request)
    if not subject_lookup_allowed("code", code):
        return _too_many(request, subject=True)
    certificate = certificate_by_code(code=code)
    if certificate is None:
        raise Http404
    return TemplateResponse(
        request,
        "lms_certificates/verify.html",
        {
            "record": public_record(certificate),
            "code": certificate.code,
            "statuses": CertificateStatus,
            "voice": ADULT,
        },
    )


def verify_json(request, code: str):
    if not lookup_allowed(request):
        return _too_many(request, json=True)
    if not subject_lookup_allowed("code", code):
        return _too_many(request, json=True, subject=True)
    certificate = certificate_by_code(code=code)
    if certificate is None:
        raise Http404
    record = public_record(certificate)
    record.pop("replaced_by_url")
    record.pop("status_label")
    return JsonResponse(record, json_dumps_params={"ensure_ascii": False})


def _empty_forms() -> dict:
    return {
        "code_form": CodeLookupForm(prefix="code"),
        "serial_form": SerialLookupForm(prefix="serial"),
        "pdf_form": PdfCheckForm(prefix="pdf"),
        "badge_form": BadgeCheckForm(prefix="badge"),
    }


def signed_elsewhere(check) -> bool:
    """A validly signed file whose certificate this ledger does not hold (the
    server moved, or it was issued by another of the Department's servers).
    When the ledger holds the certificate but not these bytes, the file is
    not the one issued, however valid the signature of its first part."""
    code = check.embedded.get("code") if check.valid else None
    return bool(code) and certificate_by_code(code=code) is None


def pdf_upload_check(upload) -> dict:
    """The page's verdict on an uploaded PDF: its signature, checked offline
    against the trust root, and whether our ledger holds this exact file."""
    from . import signing  # the X.509 code only where a PDF is checked

    data = b"".join(upload.chunks())
    check = signing.verify_pdf(data)
    certificate = certificate_by_sha256(digest=hashlib.sha256(data).hexdigest())
    record = public_record(certificate) if certificate else None
    if certificate is not None:
        verdict = "original"
    elif signed_elsewhere(check):
        # Signed by us but not in this server's ledger: the signed record
        # inside the file is what it certifies.
        verdict = "signed_elsewhere"
        record = signing.embedded_public_record(check)
    else:
        verdict = "file_no_match"
    return {
        "verdict": verdict,
        "record": record,
        "signature": check,
        "signature_text": signing.describe(check),
    }


def trust_root(request):
    """The Department's root certificate (PEM), to check signed PDFs offline."""
    from . import signing

    response = HttpResponse(
        "".join(signing.trust_root_pems()), content_type="application/x-pem-file"
    )
    response["Content-Disposition"] = 'attachment; filename="lms-trust-root.pem"'
    return response


@require_http_methods(["GET", "POST"])
def lookup(request):
    """Look a certificate up by code, by serial + printed name, or by its PDF."""
    # A public page: whoever checks a certificate is addressed as an adult.
    context = {"voice": ADULT, **_empty_forms()}
    if request.method == "POST":
        if not lookup_allowed(request):
            return _too_many(request)
        kind = request.POST.get("kind")
        if kind == "code":
            form = context["code_form"] = CodeLookupForm(request.POST, prefix="code")
            if form.is_valid():
                if not subject_lookup_allowed("code", form.cleaned_data["code"]):
                    return _too_many(request, subject=True)
                certificate = certificate_by_code(code=form.cleaned_data["code"])
                if certificate is not None:
                    return redirect("lms_certificates:verify", code=certificate.code)
                context["verdict"] = "no_match"
        elif kind == "serial":
            form = context["serial_form"] = SerialLookupForm(
                request.POST, prefix="serial"
            )
            if form.is_valid():
                if not subject_lookup_allowed("serial", form.cleaned_data["serial"]):
                    return _too_many(request, subject=True)
                matched = serial_and_name_match(
                    serial=form.cleaned_data["serial"], name=form.cleaned_data["name"]
                )
                context["verdict"] = "match" if matched else "no_match"
        elif kind == "pdf":
            form = context["pdf_form"] = PdfCheckForm(
                request.POST, request.FILES, prefix="pdf"
            )
            if form.is_valid():
                context.update(pdf_upload_check(form.cleaned_data["file"]))
        elif kind == "badge":  # an Open Badges file (certificates/badge_check.py)
            form = context["badge_form"] = BadgeCheckForm(
                request.POST, request.FILES, prefix="badge"
            )
            if form.is_valid():
                context["badge_check"] = check_uploaded_badge(
                    form.cleaned_data["file"].read()
                )
    return TemplateResponse(request, "lms_certificates/verify_lookup.html", context)


@login_required
def download(request, pk: int):
    """The stored PDF, as issued; the holder and staff who may see them only."""
    certificate = get_object_or_404(Certificate.objects.select_related("holder"), pk=pk)
    if not certificate_visible_to(viewer=request.user, certificate=certificate):
        raise Http404
    if not certificate.pdf:
        raise Http404(_("The certificate's PDF is still being prepared."))
    certificate_download_log(certificate=certificate, by=request.user)
    return FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=pdf_filename(
            name=certificate.name_as_printed, serial=certificate.serial
        ),
        content_type="application/pdf",
    )
