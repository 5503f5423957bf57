from datetime import date

from django import template
from django.utils.formats import date_format, number_format

register = template.Library()


@register.filter
def cell(value):
    """A table cell as people read it: a dash for no figure, one decimal for
    rates, dates in the language's short format."""
    if value is None or value == "":
        return "–"
    if isinstance(value, float):
        return number_format(value, 1)
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return value


@register.filter
def sort_link(column_key: str, current: str) -> str:
    """The sort value a column header links to: ascending, or flipped if sorted."""
    if current == column_key:
        return f"-{column_key}"
    return column_key
