import functools
from datetime import date

from django import template
from django.utils.formats import date_format, number_format
from django.utils.translation import get_language

register = template.Library()


@functools.lru_cache(maxsize=8192)
def _number(kind: type, text: str, language: str | None) -> str:
    """A figure as the template would localize it (`kind(text)`), per language.

    A Department table shows tens of thousands of figures, mostly the same
    few hundred: each is formatted once (number_format looks up three formats
    a call).
    """
    value = kind(text)
    return number_format(value, 1) if kind is float else number_format(value)


@register.filter
def cell(value):
    """A table cell as people read it: a dash for no figure, one decimal for
    rates, dates in the language's short format."""
    if value is None or value == "":
        return "–"
    kind = type(value)
    if kind is int or kind is float:
        # What number_format(value, 1) (rates) or the template's localize
        # (counts) would give.
        return _number(kind, repr(value), get_language())
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return value


@register.filter
def sort_link(column_key: str, current: str) -> str:
    """The sort value a column header links to: ascending, or flipped if sorted."""
    if current == column_key:
        return f"-{column_key}"
    return column_key
