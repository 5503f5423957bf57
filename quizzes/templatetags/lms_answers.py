"""Formatted answers (choices, matching items) shown inside a sentence or label."""

from django import template
from django.utils.safestring import SafeString

from quizzes.results import answer_html as _answer_html

register = template.Library()


@register.filter
def answer_html(value: str) -> SafeString:
    """Stored answer HTML as inline content: Wagtail's references expanded and
    the paragraph around it dropped, since a <label> or a list item takes
    phrasing content only."""
    return _answer_html(value)
