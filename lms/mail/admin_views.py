"""The Wagtail admin page "Mail waiting to be sent"."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from . import policies
from .models import OutgoingEmail
from .services import outgoing_resend

Status = OutgoingEmail.Status
# Shown unless staff ask for the sent ones too.
NOT_SENT = [Status.PENDING, Status.SENDING, Status.FAILED, Status.UNCERTAIN]


def outgoing_list(request):
    if not policies.may_see_mail_queue(user=request.user):
        raise PermissionDenied
    status = request.GET.get("status", "")
    rows = OutgoingEmail.objects.defer("body", "html")
    rows = (
        rows.filter(status=status)
        if status in Status.values
        else rows.filter(status__in=NOT_SENT)
    )
    counts = dict(
        OutgoingEmail.objects.values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    page = Paginator(rows.order_by("next_try_at", "pk"), 50).get_page(
        request.GET.get("p")
    )
    return TemplateResponse(
        request,
        "lms_mail/admin/outgoing_list.html",
        {
            "page_obj": page,
            "status": status,
            "statuses": Status.choices,
            "counts": [
                (label, counts.get(value, 0)) for value, label in Status.choices
            ],
            "can_resend": policies.may_resend_mail(user=request.user),
            "resendable": {Status.FAILED, Status.UNCERTAIN},
        },
    )


def outgoing_resend_view(request, pk: int):
    if not policies.may_resend_mail(user=request.user):
        raise PermissionDenied
    if request.method != "POST":
        return redirect("lms_mail_outgoing")
    row = get_object_or_404(OutgoingEmail, pk=pk)
    if outgoing_resend(row=row):
        messages.success(
            request, _("The e-mail to %(to)s will be sent again.") % {"to": row.to}
        )
    else:
        messages.error(request, _("Only a given-up or uncertain e-mail is resent."))
    return redirect("lms_mail_outgoing")
