"""Rich text in a pack: Wagtail's stored HTML with its references to images,
documents and pages rewritten so they mean the same on another site:

- an image embed's `id` becomes `file="files/images/x.png"`;
- a document link's `id` becomes `file="files/documents/y.pdf"`;
- a link to a step of the same course becomes `<a linktype="step" slug="...">`;
- a link to any other page becomes a plain `<a href="https://...">`.
"""

import html
import re

from django.utils.translation import gettext as _
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page

from .container import PackError

_TAG = re.compile(r"<(a|embed)\b([^>]*?)(/?)>", re.IGNORECASE)
# The editor's bookkeeping of paragraphs (for comments): random, so left out
# of packs, which must read the same for the same content.
_BLOCK_KEY = re.compile(r'\s+data-block-key="[^"]*"')
_ATTR = re.compile(r'([\w-]+)="([^"]*)"')


def _attrs(text: str) -> dict[str, str]:
    return {name: html.unescape(value) for name, value in _ATTR.findall(text)}


def _tag(name: str, attrs: dict[str, str], closing: str) -> str:
    parts = "".join(
        f' {key}="{html.escape(value, quote=True)}"' for key, value in attrs.items()
    )
    return f"<{name}{parts}{closing}>"


def to_pack(value: str, context) -> str:
    """Stored rich text -> the pack's form (files added to the pack)."""
    course = context.course

    def replace(match):
        name, attrs, closing = match.group(1), _attrs(match.group(2)), match.group(3)
        kind = attrs.get("embedtype" if name.lower() == "embed" else "linktype")
        if kind == "image" and name.lower() == "embed":
            image = get_image_model().objects.filter(pk=attrs.pop("id", None)).first()
            if image is None:
                return ""
            attrs["file"] = context.image_path(image)
        elif kind == "document":
            document = (
                get_document_model().objects.filter(pk=attrs.pop("id", None)).first()
            )
            if document is None:
                return _tag(name, attrs, closing)
            attrs["file"] = context.document_path(document)
        elif kind == "page":
            page = Page.objects.filter(pk=attrs.pop("id", None)).first()
            attrs.pop("linktype")
            if page is None:
                return _tag(name, attrs, closing)
            if page.get_parent() and page.get_parent().pk == course.pk:
                attrs = {"linktype": "step", "slug": page.slug, **attrs}
            else:
                attrs["href"] = page.get_full_url() or page.url or ""
        return _tag(name, attrs, closing)

    return _BLOCK_KEY.sub("", _TAG.sub(replace, str(value)))


def without_block_keys(value: str) -> str:
    return _BLOCK_KEY.sub("", value)


def check(value, context, *, where: str) -> None:
    """Refuse rich text naming files the pack lacks or links of unknown kinds."""
    if not isinstance(value, str):
        raise PackError(where, _("Rich text must be a text."))
    for match in _TAG.finditer(value):
        name, attrs = match.group(1).lower(), _attrs(match.group(2))
        kind = attrs.get("embedtype" if name == "embed" else "linktype")
        if name == "embed" and kind != "image":
            raise PackError(where, _("Rich text may only embed images."))
        if kind in ("image", "document"):
            context.pack.bytes(attrs.get("file", ""), referred_from=where)
        elif kind == "step":
            if not attrs.get("slug"):
                raise PackError(where, _("A link to a step needs the step's slug."))
        elif kind is not None:
            raise PackError(
                where, _("Unknown kind of link: %(kind)s.") % {"kind": kind}
            )


def from_pack(value: str, context, *, where: str) -> str:
    """The pack's form -> stored rich text (files stored, steps found). Runs
    while applying, once every step page exists."""
    check(value, context, where=where)
    missing = []

    def replace(match):
        name, attrs, closing = match.group(1), _attrs(match.group(2)), match.group(3)
        kind = attrs.get("embedtype" if name.lower() == "embed" else "linktype")
        if kind == "image":
            image = context.image(attrs.pop("file"), referred_from=where)
            attrs["id"] = str(image.pk)
        elif kind == "document":
            document = context.document(attrs.pop("file"), referred_from=where)
            attrs["id"] = str(document.pk)
        elif kind == "step":
            slug = attrs.pop("slug")
            attrs.pop("linktype")
            page = context.steps.get(slug)
            if page is None:
                missing.append(slug)
                return _tag(name, {}, closing)
            attrs = {"linktype": "page", "id": str(page.pk), **attrs}
        return _tag(name, attrs, closing)

    result = _TAG.sub(replace, value)
    if missing:
        raise PackError(
            where,
            _("The link points to a step the course does not have: %(slug)s.")
            % {"slug": missing[0]},
        )
    return result
