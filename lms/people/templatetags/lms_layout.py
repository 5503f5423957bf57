"""`{% extends_lms_layout %}`: our pages fit whatever base template the site has.

Every front-end page of ours starts with::

    {% load lms_layout %}{% extends_lms_layout %}

which extends ``lms/layout.html`` and hands that layout the name of the site's
base template: ``settings.LMS_BASE_TEMPLATE``, ``"base.html"`` by default (the
name `wagtail start` gives its base). The host needs no context processor and
our views pass nothing: the name is read from settings at render time.

The layout puts our stylesheet in the base's ``extra_css`` block and wraps our
content (``lms_content``) in ``<div class="lms">``, the scope of all our CSS.
It also puts ``voice`` in the context: how the page addresses its reader
(``lms.people.voice``).
"""

from django import template
from django.conf import settings
from django.template.loader_tags import ExtendsNode

from lms.people.voice import voice_of_context

register = template.Library()

LAYOUT_TEMPLATE = "lms/layout.html"
DEFAULT_BASE_TEMPLATE = "base.html"


def base_template_name() -> str:
    """The site's base template that our layout extends."""
    return getattr(settings, "LMS_BASE_TEMPLATE", None) or DEFAULT_BASE_TEMPLATE


class LayoutExtendsNode(ExtendsNode):
    """`{% extends "lms/layout.html" %}` that also tells the layout its base."""

    # The {% load %} that makes this tag available has to come before it.
    must_be_first = False

    def render(self, context):
        with context.push(
            lms_base_template=base_template_name(), voice=voice_of_context(context)
        ):
            return super().render(context)


@register.tag("extends_lms_layout")
def extends_lms_layout(parser, token):
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("'extends_lms_layout' takes no arguments")
    nodelist = parser.parse()
    if nodelist.get_nodes_by_type(ExtendsNode):
        raise template.TemplateSyntaxError(
            "'extends_lms_layout' cannot be combined with another 'extends'"
        )
    return LayoutExtendsNode(nodelist, parser.compile_filter(f'"{LAYOUT_TEMPLATE}"'))
