import functools
from datetime import date

from django import template
from django.template.base import render_value_in_context
from django.template.defaultfilters import truncatechars
from django.utils.formats import date_format, number_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
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


@register.simple_tag(takes_context=True)
def report_cells(context, row) -> str:
    """A table row's cells, as the template loop
    `<th scope="row">{{ value|cell }}</th>` then `<td>{{ value|cell }}</td>`
    renders them (escaped alike): a Department table has tens of thousands
    of cells, and a template loop costs several nodes a cell."""
    parts = []
    plain = context.autoescape
    for index, value in enumerate(row or ()):
        value = cell(value)
        if plain and type(value) is str:
            # What render_value_in_context does with a plain string.
            text = conditional_escape(value)
        else:
            text = render_value_in_context(value, context)
        if index:
            parts.append(f"<td>{text}</td>")
        else:
            parts.append(f'<th scope="row">{text}</th>')
    return mark_safe("".join(parts))  # noqa: S308 - every cell escaped above


@register.simple_tag(takes_context=True)
def chart_bar_marks(context, chart) -> str:
    """The bars of a `charts.percent_bars` chart, as the template loop over
    `chart.bars` in bar_chart.html drew them (escaped and localized alike):
    a Department chart has a bar per school, three elements a bar."""

    language = get_language()
    plain = context.use_l10n is None and context.autoescape

    def text(value) -> str:
        if plain and type(value) is int:
            # What render_value_in_context gives a whole number: localized
            # (number_format, kept per language as cell() does), escaped.
            return conditional_escape(_number(int, repr(value), language))
        return render_value_in_context(value, context)

    x0, bar_height = chart["x0"], chart["bar_height"]
    parts = []
    for bar in chart["bars"]:
        percent = text(cell(bar.value))
        text_y = text(bar.text_y)
        parts.append(
            f'\n      <text x="{text(x0 - 6)}" y="{text_y}" font-size="10"'
            f' text-anchor="end" fill="#333">{text(truncatechars(bar.label, 18))}'
            "</text>"
            f'\n      <rect x="{text(x0)}" y="{text(bar.y)}" width="{text(bar.width)}"'
            f' height="{text(bar_height)}" fill="#007d7e"><title>{text(bar.label)}:'
            f" {percent}%</title></rect>"
            f'\n      <text x="{text(x0 + bar.width + 4)}" y="{text_y}" font-size="10"'
            f' fill="#333">{percent}%</text>\n    '
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped above


@register.filter
def sort_link(column_key: str, current: str) -> str:
    """The sort value a column header links to: ascending, or flipped if sorted."""
    if current == column_key:
        return f"-{column_key}"
    return column_key
