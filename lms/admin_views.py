"""The Wagtail admin page "Background tasks waiting" (read-only)."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from . import policies
from .models import PendingTask
from .outbox import MAX_ATTEMPTS

# What each task does, for people who do not read dotted paths.
TASK_LABELS = {
    "certificates.tasks.certificate_auto_issue_task": _(
        "Issue a certificate automatically"
    ),
    "lms.reports.tasks.summary_recount_task": _("Recount report figures"),
}


def pending_tasks_list(request):
    if not policies.may_see_pending_tasks(user=request.user):
        raise PermissionDenied
    rows = PendingTask.objects.order_by("requested_at", "pk")
    page = Paginator(rows, 50).get_page(request.GET.get("p"))
    for row in page:
        row.label = TASK_LABELS.get(row.task, row.task)
        row.stuck = row.attempts >= MAX_ATTEMPTS
    return TemplateResponse(
        request,
        "lms/admin/pending_tasks.html",
        {
            "page_obj": page,
            "total": rows.count(),
            "stuck": rows.filter(attempts__gte=MAX_ATTEMPTS).count(),
        },
    )
