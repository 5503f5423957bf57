"""Wagtail's database search backend, made to answer every admin listing.

The database backends run a search as one ORM query over the caller's
queryset, so any filter or ordering the ORM accepts works. Yet they inherit a
check written for Elasticsearch, which refuses a queryset filtered on a field
that is not a `FilterField`: Wagtail's page listings filtered on child pages
(`numchild`), its image and document listings on their usage count (an
annotation), a question chooser limited to the questions one may use. Each
of those answered a server error once a search term was typed. Here that
check is skipped.

A search restricted to `fields` keeps the fields the model indexes for that
kind of search; on SQLite's full-text table, which has no column per field
(wagtail/wagtail#10217), it searches every indexed field.

Settings: ``WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "lms.search"}}``.
"""

from functools import cache

from django.db import connections
from modelsearch.backends import database
from modelsearch.index import SearchField


class AnyQuerysetCompilerMixin:
    """A query compiler for a backend that filters and orders through the ORM."""

    def __init__(self, queryset, query, fields=None, **kwargs):
        if fields is not None:
            fields = self.usable_fields(queryset, fields)
        super().__init__(queryset, query, fields=fields, **kwargs)

    def usable_fields(self, queryset, fields: list[str]) -> list[str] | None:
        """The `fields` this compiler can restrict a search to; None for all."""
        # Only imported on SQLite: its module needs the SQLite-only index model.
        if connections[queryset.db].vendor == "sqlite":
            return None
        kind = getattr(self, "TARGET_SEARCH_FIELD_TYPE", SearchField)
        indexed = {
            field.field_name
            for field in queryset.model.get_search_fields()
            if isinstance(field, kind)
        }
        return [name for name in fields if name in indexed] or None

    def check(self):
        """The ORM applies the queryset as it is: nothing to refuse."""


@cache
def _tolerant(compiler_class: type) -> type:
    return type(
        f"AnyQueryset{compiler_class.__name__}",
        (AnyQuerysetCompilerMixin, compiler_class),
        {},
    )


def SearchBackend(params):  # noqa: N802 - the name Wagtail looks up
    """The database backend for this database, with tolerant query compilers."""
    backend = database.SearchBackend(params)
    backend.query_compiler_class = _tolerant(backend.query_compiler_class)
    backend.autocomplete_query_compiler_class = _tolerant(
        backend.autocomplete_query_compiler_class
    )
    return backend
