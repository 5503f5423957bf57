from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def cell(value):
    """A table cell as people read it: a dash for no figure, one decimal for rates."""
    if value is None or value == "":
        return "–"
    if isinstance(value, float):
        return number_format(value, 1)
    return value


@register.filter
def sort_link(column_key: str, current: str) -> str:
    """The sort value a column header links to: ascending, or flipped if sorted."""
    if current == column_key:
        return f"-{column_key}"
    return column_key
