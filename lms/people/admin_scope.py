"""Wagtail model viewsets whose every view is limited to what a person may see.

Model permissions say *what kind* of object a person may change; the scope
says *which* ones (their school, their classes). An object outside the scope
answers 404 in every view: listing, edit, delete, history, usage, inspect.
"""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.db import transaction
from django.db.models import ProtectedError, QuerySet
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from wagtail.admin.views.generic import (
    CopyView,
    CreateView,
    DeleteView,
    EditView,
    IndexView,
    InspectView,
)
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.model import ModelViewSet

Scope = Callable[..., QuerySet]


class _Scoped:
    scope: Scope

    def scoped_queryset(self) -> QuerySet:
        return type(self).scope(viewer=self.request.user)


class ScopedIndexView(_Scoped, IndexView):
    def get_base_queryset(self):
        return self.scoped_queryset()


class ScopedCreateView(_Scoped, CreateView):
    pass


class ScopedCopyView(_Scoped, CopyView):
    """The add form, pre-filled from an object in scope.

    Its form posts to the add view. Wagtail's copy view would bind a POST to
    the *original* object and overwrite it, so it answers GET only.
    """

    http_method_names = ["get", "head", "options"]

    def get_object(self, queryset=None):
        pk = unquote(str(self.kwargs[self.pk_url_kwarg]))
        return get_object_or_404(self.scoped_queryset(), pk=pk)


class ScopedEditView(_Scoped, EditView):
    def get_object(self, queryset=None):
        return super().get_object(self.scoped_queryset())


class ProtectedDeleteMixin:
    """A delete the database refuses (other rows still point here with
    PROTECT) answers with a message instead of a server error."""

    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except ProtectedError:
            messages.error(
                self.request,
                _(
                    "“%(object)s” cannot be deleted: other records (classes, "
                    "roles or schools) still belong to it."
                )
                % {"object": self.object},
            )
            return redirect(self.get_success_url())


class ProtectedDeleteView(ProtectedDeleteMixin, DeleteView):
    pass


class ScopedDeleteView(_Scoped, ProtectedDeleteMixin, DeleteView):
    def get_object(self, queryset=None):
        return super().get_object(self.scoped_queryset())


class ScopedInspectView(_Scoped, InspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(self.scoped_queryset(), pk=unquote(str(self.pk)))


class ScopedHistoryView(_Scoped, HistoryView):
    def get_base_object_queryset(self):
        return self.scoped_queryset()


class ScopedUsageView(_Scoped, UsageView):
    def get_base_object_queryset(self):
        return self.scoped_queryset()


class ScopedModelViewSet(ModelViewSet):
    """A ModelViewSet limited by `scope(viewer=user) -> QuerySet`."""

    scope: Scope

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scope = staticmethod(type(self).scope)
        for attr, base in [
            ("index_view_class", ScopedIndexView),
            ("add_view_class", ScopedCreateView),
            ("copy_view_class", ScopedCopyView),
            ("edit_view_class", ScopedEditView),
            ("delete_view_class", ScopedDeleteView),
            ("inspect_view_class", ScopedInspectView),
            ("history_view_class", ScopedHistoryView),
            ("usage_view_class", ScopedUsageView),
        ]:
            current = getattr(self, attr)
            bases = (current,) if issubclass(current, base) else (base, current)
            setattr(self, attr, type(f"{self.name}_{attr}", bases, {"scope": scope}))
