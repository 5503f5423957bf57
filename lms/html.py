"""The one HTML sanitiser: untrusted HTML is cleaned once, on the way in.

Every place that stores HTML from outside (question imports, admin forms,
rich text set by code) passes it through `html_clean` before it reaches the
database; templates may then render it with `|richtext`.

What survives: formatting (p, br, b/strong, i/em, u, s, sub, sup, span, div,
blockquote, code, pre, h2-h6), lists, tables (with colspan/rowspan), links to
http, https and mailto (given rel="noopener noreferrer"), images and Wagtail's
own rich-text references (`<a linktype="page|document" id>` and
`<embed embedtype="image" id format alt/>`), which Wagtail expands on output.

What never survives: script, style, iframe, object, svg, math, form
elements, event handlers (on*=), style and class attributes, and any URL
scheme other than the three above. Images take http(s) or relative URLs
only; data: URIs are refused on purpose: they bypass the upload checks (type,
size) of Wagtail images, and a picture belongs in the image library.
"""

import functools
import html
import re

import nh3

ALLOWED_TAGS = frozenset(
    {
        # formatting
        "p",
        "br",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "s",
        "sub",
        "sup",
        "span",
        "div",
        "blockquote",
        "code",
        "pre",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        # lists
        "ul",
        "ol",
        "li",
        # tables
        "table",
        "caption",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
        # links and pictures
        "a",
        "img",
        "embed",  # Wagtail's stored image reference only (see _attribute)
    }
)

ALLOWED_ATTRIBUTES = {
    # Draftail keys its blocks; keeping the key keeps a save-and-reload stable.
    "*": {"data-block-key"},
    "a": {"href", "linktype", "id"},
    "img": {"src", "alt", "width", "height"},
    "embed": {"embedtype", "id", "format", "alt"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
}

URL_SCHEMES = frozenset({"http", "https", "mailto"})

# Wagtail's link types and embed types that only name an object by its id.
_LINK_TYPES = frozenset({"page", "document"})
_EMBED_TYPES = frozenset({"image"})
_EMBED_FORMATS = re.compile(r"^[\w-]{1,40}$")
# Elements whose content is code or a foreign document, not text to keep.
_DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "noscript", "template", "object", "svg", "math"}
)
_DIGITS = re.compile(r"^\d{1,12}$")
_SIZE = re.compile(r"^\d{1,5}%?$")
# nh3 writes <embed> as an HTML void element; Wagtail only expands `<embed …/>`.
_EMBED_TAG = re.compile(r"<embed(\b[^>]*?)\s*/?>")


def _attribute(tag: str, name: str, value: str) -> str | None:
    """Keep an allowed attribute only when its value is of the expected shape."""
    if name == "id":
        return value if _DIGITS.match(value) else None
    if name == "linktype":
        return value if value in _LINK_TYPES else None
    if name == "embedtype":
        return value if value in _EMBED_TYPES else None
    if name == "format":
        return value if _EMBED_FORMATS.match(value) else None
    if name in ("width", "height"):
        return value if _SIZE.match(value) else None
    if name in ("colspan", "rowspan", "start"):
        return value if _DIGITS.match(value) else None
    if name == "scope":
        return value if value in ("row", "col", "rowgroup", "colgroup") else None
    if tag == "embed":
        # An attribute value may hold ">", which would end Wagtail's embed match.
        return value.replace("<", "").replace(">", "")
    return value


_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(_DROPPED_WITH_CONTENT),
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    attribute_filter=_attribute,
    strip_comments=True,
    link_rel="noopener noreferrer",
    url_schemes=set(URL_SCHEMES),
)


def _embed(match: re.Match) -> str:
    # An embed without a type Wagtail expands is an empty element; drop it.
    attributes = match[1]
    return f"<embed{attributes}/>" if 'embedtype="' in attributes else ""


def html_clean(value: str | None) -> str:
    """`value` reduced to the allowlist above; safe to render unescaped."""
    if not value:
        return ""
    cleaned = _CLEANER.clean(str(value))
    if "<embed" in cleaned:
        cleaned = _EMBED_TAG.sub(_embed, cleaned)
    return cleaned


def html_to_text(value: str | None) -> str:
    """The text of an HTML fragment, for fields shown as plain (escaped) text.

    Markup, script and style content are dropped; entities become characters.
    """
    if not value:
        return ""
    text = nh3.clean(
        str(value), tags=set(), clean_content_tags=set(_DROPPED_WITH_CONTENT)
    )
    return html.unescape(text).strip()


@functools.cache
def html_field_names(model: type) -> tuple[str, ...]:
    """The fields of `model` that hold HTML: its RichTextFields, and the text
    fields it names in `html_fields` (plain TextFields rendered with |richtext)."""
    from wagtail.fields import RichTextField

    declared = set(getattr(model, "html_fields", ()))
    return tuple(
        field.attname
        for field in model._meta.concrete_fields
        if isinstance(field, RichTextField) or field.name in declared
    )


def clean_html_fields(sender, instance, raw: bool = False, **kwargs) -> None:
    """pre_save: clean every HTML field of `instance`, whoever set it.

    Draftail's output is already limited to its features and passes unchanged;
    this catches HTML set by imports, plain-text admin fields and code.
    (bulk_create and update() send no signal: callers clean those themselves.)
    """
    html_fields_clean(instance)


def html_fields_clean(instance, *, children: bool = False) -> None:
    """Clean the HTML fields of `instance` in memory; with `children`, those of
    its cluster's child objects too (a form's unsaved choices, say).

    The one rule for content that is not (yet) a row: a draft's revision and a
    preview are built from the object before any save, so they call this.
    """
    for name in html_field_names(type(instance)):
        value = getattr(instance, name)
        if value:
            setattr(instance, name, html_clean(value))
    if not children:
        return
    from modelcluster.models import get_all_child_relations

    for relation in get_all_child_relations(instance):
        for child in getattr(instance, relation.get_accessor_name()).all():
            html_fields_clean(child, children=True)
