"""Wagtail's admin reports, limited to what the viewer may see.

Site history:

Wagtail lists every log entry of a model to anyone holding any permission
on it: a homeroom teacher (who may view users) read every school's user
changes. Here, for anyone but a superuser, an entry about a non-page object
is listed (and exported) only when the object is in the viewer's scope for
its model. Apps say what that scope is through the ``register_log_entry_scope``
hook: a function returning ``(model, scope)`` where ``scope(viewer=user)``
is a queryset of the objects `user` may see. Entries about models without a
scope are not listed. Page entries keep Wagtail's rule (page permissions).

Page types usage counts every school's pages and names the last page
edited of each type: only superusers and Department officers get it.

The views replace Wagtail's in Wagtail's own report URLconf (``install()``,
run from a ``register_admin_urls`` hook in ``lms/wagtail_hooks.py``), so
``wagtailadmin_reports:site_history`` and the others keep their names and
reverse to them wherever a site mounts its admin.
The locked pages, aging pages and workflow reports list only pages the
viewer holds a page permission on (Wagtail's rule), and stay as they are.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.urls import path
from wagtail import hooks
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView
from wagtail.models import ModelLogEntry

from lms.people import policies

LOG_SCOPE_HOOK = "register_log_entry_scope"


def log_entry_scopes() -> dict:
    """{model: scope function} from every app's ``register_log_entry_scope``."""
    return dict(fn() for fn in hooks.get_hooks(LOG_SCOPE_HOOK))


def visible_log_entries_q(*, viewer, log_model) -> Q:
    """Filter on `log_model` for the entries `viewer` may read."""
    if viewer.is_superuser and viewer.is_active:
        return Q()
    if not issubclass(log_model, ModelLogEntry):
        return Q()  # page entries: Wagtail's page permissions apply
    visible = Q(pk__in=[])
    for model, scope in log_entry_scopes().items():
        ids = (
            scope(viewer=viewer)
            .order_by()
            .annotate(_lms_log_id=Cast("pk", CharField()))
            .values("_lms_log_id")
        )
        visible |= Q(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=ids,
        )
    return visible


class ScopedLogEntriesView(LogEntriesView):
    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        return queryset.filter(
            visible_log_entries_q(viewer=self.request.user, log_model=queryset.model)
        )


class DepartmentPageTypesUsageView(PageTypesUsageReportView):
    def dispatch(self, request, *args, **kwargs):
        if not policies.is_department_manager(user=request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


# Wagtail's report URL names served by our views instead.
SCOPED_REPORT_VIEWS = {
    "site_history": ScopedLogEntriesView.as_view(),
    "site_history_results": ScopedLogEntriesView.as_view(results_only=True),
    "page_types_usage": DepartmentPageTypesUsageView.as_view(),
    "page_types_usage_results": DepartmentPageTypesUsageView.as_view(results_only=True),
}


def install() -> None:
    """Point Wagtail's report URLs at the scoped views.

    Runs while Wagtail builds its admin URLconf (from a register_admin_urls
    hook), before Wagtail wraps every admin view in its access checks.
    """
    from wagtail.admin.urls import reports

    for index, pattern in enumerate(reports.urlpatterns):
        view = SCOPED_REPORT_VIEWS.get(pattern.name)
        if view is not None and pattern.callback is not view:
            reports.urlpatterns[index] = path(
                str(pattern.pattern), view, name=pattern.name
            )
