"""Staff pages in the Wagtail admin: ledger, issue one, bulk issue, batch progress.

Every list is scoped by the visibility rule (`learners_visible_to`); issuing,
revoking and reissuing ask `certificates.policies` (a management power at the
certificate's school in a school year not yet ended).
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import CoursePage
from lms.people.profiles import full_name_of
from lms.people.selectors import learner_is_visible_to

from . import policies, rendering
from .eligibility import eligibility_for_many
from .forms import BulkIssueForm, RevokeForm
from .models import (
    Certificate,
    CertificateStatus,
    CertificateTemplate,
    IssueBatch,
    IssueBatchItem,
)
from .selectors import batch_scope_users, certificates_visible_to
from .services import (
    CertificateRefused,
    batch_create,
    batch_progress,
    batch_rerun,
    certificate_issue,
    certificate_reissue,
    certificate_revoke,
)

User = get_user_model()


def certificate_list(request):
    certificates = certificates_visible_to(viewer=request.user)
    query = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    if query:
        certificates = certificates.filter(
            Q(serial__icontains=query)
            | Q(name_as_printed__icontains=query)
            | Q(course_title__icontains=query)
        )
    if status in CertificateStatus.values:
        certificates = certificates.filter(status=status)
    page = Paginator(certificates.order_by("-issued_at", "-pk"), 50).get_page(
        request.GET.get("p")
    )
    return TemplateResponse(
        request,
        "lms_certificates/admin/certificate_list.html",
        {
            "page_obj": page,
            "query": query,
            "status": status,
            "statuses": CertificateStatus.choices,
            "can_manage": policies.may_manage_certificates(user=request.user),
            "unrendered": _unrendered(certificates_visible_to(viewer=request.user)),
        },
    )


def _unrendered(certificates) -> dict | None:
    """Issued certificates whose PDF the storage refused, and the latest reason."""
    waiting = certificates.filter(pdf="", status=CertificateStatus.VALID).exclude(
        render_error=""
    )
    latest = waiting.order_by("-issued_at", "-pk").first()
    if latest is None:
        return None
    return {"count": waiting.count(), "last_error": latest.render_error}


def _visible_certificate(request, pk: int) -> Certificate:
    certificate = get_object_or_404(certificates_visible_to(viewer=request.user), pk=pk)
    return certificate


def certificate_detail(request, pk: int):
    certificate = _visible_certificate(request, pk)
    manager = policies.may_change_certificate(
        user=request.user, certificate=certificate
    )
    form = RevokeForm(request.POST or None)
    if request.method == "POST":
        if not manager:
            raise PermissionDenied
        action = request.POST.get("action")
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            try:
                if action == "revoke":
                    certificate_revoke(
                        certificate=certificate, by=request.user, reason=reason
                    )
                    messages.success(request, _("The certificate was revoked."))
                elif action == "reissue":
                    # One PDF in this request: the replacement's.
                    new = certificate_reissue(
                        certificate=certificate, by=request.user, reason=reason
                    )
                    messages.success(
                        request,
                        _("Issued %(serial)s to replace the old certificate.")
                        % {"serial": new.serial},
                    )
                    return redirect("lms_certificates_admin_detail", new.pk)
            except CertificateRefused as refusal:
                messages.error(request, refusal.message)
            return redirect("lms_certificates_admin_detail", certificate.pk)
    return TemplateResponse(
        request,
        "lms_certificates/admin/certificate_detail.html",
        {
            "certificate": certificate,
            "events": certificate.events.select_related("actor")[:50],
            "form": form,
            "can_manage": manager,
        },
    )


def issue_one(request):
    """Issue a single certificate now (renders exactly one PDF)."""
    if not policies.may_manage_certificates(user=request.user):
        raise PermissionDenied
    user = get_object_or_404(
        User, pk=request.POST.get("user") or request.GET.get("user")
    )
    course = get_object_or_404(
        CoursePage, pk=request.POST.get("course") or request.GET.get("course")
    )
    if not learner_is_visible_to(
        viewer=request.user, learner=user
    ) or not policies.may_issue_to(user=request.user, holder=user):
        raise PermissionDenied
    if request.method != "POST":
        return redirect("lms_certificates_bulk")
    try:
        result = certificate_issue(user=user, course=course, issued_by=request.user)
    except CertificateRefused as refusal:
        messages.error(request, refusal.message)
        return redirect(reverse("lms_certificates_bulk") + f"?course={course.pk}")
    if result.certificate.render_error:
        messages.warning(
            request,
            _(
                "Certificate %(serial)s is issued, but its PDF could not be "
                "stored: %(reason)s It is stored again automatically later."
            )
            % {
                "serial": result.certificate.serial,
                "reason": result.certificate.render_error,
            },
        )
        return redirect("lms_certificates_admin_detail", result.certificate.pk)
    messages.success(
        request,
        _("Certificate %(serial)s issued.") % {"serial": result.certificate.serial}
        if result.created
        else _("%(name)s already holds certificate %(serial)s.")
        % {"name": full_name_of(user), "serial": result.certificate.serial},
    )
    return redirect("lms_certificates_admin_detail", result.certificate.pk)


def _bulk_form(request, data):
    viewer = request.user
    return BulkIssueForm(
        data,
        courses=CoursePage.objects.live().order_by("title"),
        schools=policies.bulk_issue_schools(user=viewer).order_by("name"),
        classes=policies.bulk_issue_classes(user=viewer).order_by(
            "school__code", "name"
        ),
    )


def bulk_issue(request):
    """Choose course + school/class/role, preview who is eligible, then enqueue."""
    if not policies.may_manage_certificates(user=request.user):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = _bulk_form(request, data)
    context = {"form": form, "batches": _recent_batches(request)}
    if form.is_bound and form.is_valid():
        choice = form.cleaned_data
        users = batch_scope_users(
            viewer=request.user,
            school=choice["school"],
            school_class=choice["school_class"],
            role=choice["role"],
        )
        if request.method == "POST":
            batch = batch_create(
                course=choice["course"],
                users=users,
                created_by=request.user,
                school=choice["school"],
                school_class=choice["school_class"],
                role=choice["role"],
            )
            return redirect("lms_certificates_batch", batch.pk)
        rows = eligibility_for_many(course=choice["course"], users=users)
        allowed = policies.issue_filter(user=request.user)
        refused = [r for r in rows if not r.eligible and not r.holds]
        context.update(
            preview=True,
            eligible=[r for r in rows if r.eligible and allowed(r)],
            not_yours=[r for r in rows if r.eligible and not allowed(r)],
            holding=[r for r in rows if r.holds],
            refused=refused,
            revoked_count=sum(1 for r in refused if r.refusal.check == "revoked"),
        )
    return TemplateResponse(request, "lms_certificates/admin/bulk_issue.html", context)


def _recent_batches(request):
    return policies.batches_visible_to(user=request.user)[:10]


def _visible_batch(request, pk: int) -> IssueBatch:
    batch = get_object_or_404(IssueBatch.objects.select_related("course"), pk=pk)
    if not policies.may_see_batch(user=request.user, batch=batch):
        raise PermissionDenied
    return batch


def batch_detail(request, pk: int):
    batch = _visible_batch(request, pk)
    if request.method == "POST" and request.POST.get("action") == "rerun":
        batch_rerun(batch=batch, by=request.user)
        messages.success(request, _("The batch runs again for the missing ones."))
        return redirect("lms_certificates_batch", batch.pk)
    failed = batch.items.filter(state=IssueBatchItem.State.FAILED).select_related(
        "user"
    )[:100]
    return TemplateResponse(
        request,
        "lms_certificates/admin/batch_detail.html",
        {
            "batch": batch,
            "progress": batch_progress(batch=batch),
            "failed": failed,
            "progress_url": reverse("lms_certificates_batch_progress", args=[batch.pk]),
        },
    )


def batch_progress_json(request, pk: int):
    batch = _visible_batch(request, pk)
    return JsonResponse(batch_progress(batch=batch))


SAMPLE = {
    "name": "Nguyễn Thị Ánh Tuyết",
    "course": "Luật An ninh mạng cho học sinh",
    "completion_date": "06/10/2023",
    "school": "Trường THPT Hoa Sen (trường mẫu)",
    "school_year": "2023-2024",
    "serial": "DEMO-2023-000123",
    "score": "9,5/10",
}


def sample_snapshot(template: CertificateTemplate) -> dict:
    today = timezone.localdate()
    return {
        **SAMPLE,
        "score": SAMPLE["score"] if template.show_score else None,
        "code": "mau-xem-truoc-khong-hop-le",
        "issue_date": today.strftime("%d/%m/%Y"),
        "issue_date_iso": today.isoformat(),
        "verification_url": "https://example.invalid/certificates/verify/preview/",
        "template": {"id": template.pk, "name": template.name, "version": 0},
        "preview": True,
    }


def template_preview_response(template: CertificateTemplate) -> HttpResponse:
    pdf = rendering.render_pdf(template=template, snapshot=sample_snapshot(template))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="xem-truoc.pdf"'
    return response


def template_preview(request, pk: int):
    """A PDF with sample data, for the template as saved."""
    template = get_object_or_404(CertificateTemplate, pk=pk)
    # Checked before rendering: the render lock is not anyone's to hold.
    if not policies.may_preview_template(user=request.user, template=template):
        raise PermissionDenied
    return template_preview_response(template)
