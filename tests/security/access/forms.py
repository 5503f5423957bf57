"""Read the form a page shows, so a POST carries what a real user would send."""

from __future__ import annotations

from html.parser import HTMLParser


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None
        self._nested = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and self._form is not None:
            self._nested += 1  # browsers ignore a form inside a form
            return
        if tag == "form":
            self._form = {
                "method": (a.get("method") or "get").lower(),
                "action": a.get("action") or "",
                "fields": [],
            }
            self.forms.append(self._form)
        if self._form is None or "name" not in a and tag != "option":
            return
        fields = self._form["fields"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            fields.append(
                (a["name"], a.get("value", "on" if kind == "checkbox" else ""))
            )
        elif tag == "select":
            self._select = [a["name"], None, "multiple" in a, False]
        elif tag == "option" and self._select is not None:
            name, first, multiple, chosen = self._select
            value = a.get("value", "")
            if first is None:
                self._select[1] = value
            if "selected" in a:
                fields.append((name, value))
                self._select[3] = True
        elif tag == "textarea":
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            name, first, multiple, chosen = self._select
            if not chosen and not multiple and first is not None:
                self._form["fields"].append((name, first))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._form["fields"].append(tuple(self._textarea))
            self._textarea = None
        elif tag == "form" and self._nested:
            self._nested -= 1
        elif tag == "form":
            self._form = None


def main_post_form(html: str) -> dict[str, list[str]]:
    """Fields of the largest POST form on the page (not sign-out or search)."""
    parser = _Forms()
    parser.feed(html)
    forms = [
        f for f in parser.forms if f["method"] == "post" and "logout" not in f["action"]
    ]
    if not forms:
        return {}
    best = max(forms, key=lambda f: len(f["fields"]))
    data: dict[str, list[str]] = {}
    for name, value in best["fields"]:
        if name == "csrfmiddlewaretoken":
            continue
        data.setdefault(name, []).append(value)
    return data
