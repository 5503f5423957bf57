"""Find English UI text in a rendered admin page.

A page's visible text (text nodes, button values and the aria-label,
placeholder, title and alt attributes) is split into words; a text is English
when one of its words is made only of ASCII letters and cannot be a
Vietnamese syllable written without tone marks ("Trang", "tin" can; "Save",
"draft", "Help" cannot). Codes (all capitals), numbers and the names in
`ALLOWED` are not words of the interface.
"""

from __future__ import annotations

import re
import unicodedata
import zoneinfo
from html.parser import HTMLParser

# Names, loanwords and formats staff meet as they are in Vietnamese.
ALLOWED = frozenset(
    {
        "wagtail",
        # Loanwords Vietnamese writes as they are.
        "menu",
        "web",
        "website",
        "online",
        "video",
        "logo",
        "email",
        "emails",
        "gravatar",
        "pdf",
        "png",
        "jpg",
        "jpeg",
        "gif",
        "webp",
        "svg",
        "avif",
        "heic",
        "csv",
        "xlsx",
        "docx",
        "zip",
        "gift",
        "markdown",
        "html",
        "url",
        "slug",
        "id",
        "localhost",
        "https",
        "http",
        "www",
        "edu",
        "vn",
        "example",
        "px",
        "kb",
        "mb",
        "gb",
        "pm",
        "am",
        "byte",
        "excel",
        # Paper sizes keep their names (A4, Letter).
        "letter",
        # Keys, named as printed on the keyboard.
        "ctrl",
        "alt",
        "shift",
        "esc",
        "cmd",
        "enter",
        "tab",
        # A language is named in its own language in the language menu.
        "english",
    }
)

# Time zone names (Asia/Ho_Chi_Minh, Japan, Zulu) are data, not interface.
_TIME_ZONES = zoneinfo.available_timezones() | {"localtime"}
_ONSET = r"(?:ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdghklmnrstvx])?"
_CODA = r"(?:ng|nh|ch|[cmnpt])?"
_SYLLABLE = re.compile(rf"^{_ONSET}[aeiouy]{{1,3}}{_CODA}$")
_TRUNCATED = re.compile(r"[^\W_]+…")
_WORD = re.compile(r"[^\W_]+")
_ATTRIBUTES = ("aria-label", "placeholder", "title", "alt")
# Not shown as text: code, data and the icons' sprite.
_SKIPPED = {"script", "style", "svg", "noscript", "code", "pre", "textarea"}
# Addresses and paths are data, not interface.
# Placeholders such as {name} in a help text are code.
_PLACEHOLDER = re.compile(r"\{\w+\}")
_ADDRESS = re.compile(r"\S*(?:/|@|://|\.\w{2,4}\b)\S*")


def is_english(
    text: str, allowed: frozenset[str] = frozenset(), content: tuple[str, ...] = ()
) -> bool:
    """Whether `text` holds a word that is neither Vietnamese nor allowed.

    `allowed` holds words of user content (usernames), `content` whole texts
    of it (a page title), both left out of the check.
    """
    text = unicodedata.normalize("NFC", text)
    if text in _TIME_ZONES:
        return False
    for known in content:
        text = text.replace(known, " ")
    text = _PLACEHOLDER.sub(" ", _ADDRESS.sub(" ", text))
    # A word cut short by an ellipsis ("dấu ch…") is no word to judge.
    text = _TRUNCATED.sub("…", text)
    for word in _WORD.findall(text):
        if len(word) == 1 or not word.isascii() or word.isupper():
            continue
        if not word.isalpha():  # a code or username: 10A1, hs01, 640x480
            continue
        folded = word.lower()
        if folded in ALLOWED or folded in allowed:
            continue
        if not _SYLLABLE.match(folded):
            return True
    return False


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skipping: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "data-side-panel-toggle-counter" in attributes:
            # A hidden counter that scripts fill with a number.
            self._skipping.append(tag)
            return
        for name in _ATTRIBUTES:
            if attributes.get(name):
                self.texts.append(attributes[name])
        if tag == "input" and attributes.get("type") in ("submit", "button"):
            if attributes.get("value"):
                self.texts.append(attributes["value"])
        if tag in _SKIPPED:
            self._skipping.append(tag)

    def handle_endtag(self, tag):
        if self._skipping and self._skipping[-1] == tag:
            self._skipping.pop()

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.texts.append(data)


def visible_texts(html: str) -> list[str]:
    """The texts of `html` a person reads or hears, whitespace collapsed."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return [" ".join(t.split()) for t in parser.texts]


def english_texts(
    html: str, allowed: frozenset[str] = frozenset(), content: tuple[str, ...] = ()
) -> list[str]:
    """The visible texts of `html` that are English, each once, in order."""
    texts = visible_texts(html)
    return list(dict.fromkeys(t for t in texts if is_english(t, allowed, content)))
