"""ASCII page slugs folded from Vietnamese titles.

Wagtail keeps Unicode in slugs unless ``WAGTAIL_ALLOW_UNICODE_SLUGS`` is off
(our default, lms/conf.py), and then its admin script drops every letter it
cannot transliterate: "Khóa học" would become "khoa-hc" and "đ" turns into
"dj". The slug widget runs its ``formatters`` before transliterating, so ours
fold each Vietnamese letter to its base letter first: "Đường" → "Duong".
"""

import re
import unicodedata

from django.utils.text import slugify
from wagtail.admin.widgets import SlugInput

# Base letter → the Vietnamese letters that fold to it (lower case; the
# patterns ignore case).
VIETNAMESE_LETTERS = {
    "a": "àáạảãâầấậẩẫăằắặẳẵ",
    "e": "èéẹẻẽêềếệểễ",
    "i": "ìíịỉĩ",
    "o": "òóọỏõôồốộổỗơờớợởỡ",
    "u": "ùúụủũưừứựửữ",
    "y": "ỳýỵỷỹ",
    "d": "đ",
}

# (pattern, replacement) pairs for Wagtail's slug widget, in order. The last
# one drops combining marks, for titles typed in decomposed form.
SLUG_FORMATTERS = [
    *(
        (re.compile(f"[{letters}]", re.IGNORECASE), base)
        for base, letters in VIETNAMESE_LETTERS.items()
    ),
    (re.compile("[\u0300-\u036f]"), ""),
]


def fold_vietnamese(text: str) -> str:
    """`text` with Vietnamese letters replaced by their base ASCII letters."""
    for pattern, base in SLUG_FORMATTERS:
        text = pattern.sub(
            lambda match, base=base: base.upper() if match[0].isupper() else base,
            text,
        )
    return text


def ascii_slug(text: str) -> str:
    """The slug the admin proposes for a title: "Khóa học đầu" → "khoa-hoc-dau"."""
    return slugify(unicodedata.normalize("NFC", fold_vietnamese(text)))


class AsciiSlugInput(SlugInput):
    """Wagtail's slug widget, folding Vietnamese before it slugifies."""

    def __init__(self, attrs=None, formatters=None, locale=None):
        super().__init__(
            attrs=attrs, formatters=formatters or SLUG_FORMATTERS, locale=locale
        )


def install() -> None:
    """Every slug field in the Wagtail admin uses AsciiSlugInput."""
    from django.db import models
    from wagtail.admin.forms.models import register_form_field_override

    register_form_field_override(models.SlugField, override={"widget": AsciiSlugInput})
