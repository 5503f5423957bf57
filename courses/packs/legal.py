"""legal.yaml: the legal documents and references a course cites.

Other sections (a quiz's draws) cite references too: they call
`export_reference(context, reference)` on export and
`import_reference(context, key, referred_from=...)` on import.
A reference's key is "<document number> Điều <article>".
"""

import datetime

from django.utils.translation import gettext as _

from ..models import LegalDocument, LegalReference
from .container import PackError, iso

DOCUMENT_KEYS = [
    "number",
    "title",
    "kind",
    "issued_on",
    "in_force_from",
    "out_of_force_from",
    "replaced_by",
    "source_url",
    "note",
]
REFERENCE_KEYS = [
    "key",
    "document",
    "article",
    "title",
    "quote",
    "quote_source",
    "replaced_by",
]
DATE_KEYS = {"issued_on", "in_force_from", "out_of_force_from"}


def key_of(reference: LegalReference) -> str:
    return f"{reference.document.number} Điều {reference.article}"


def _exported(context) -> dict:
    if not hasattr(context, "_legal_references"):
        context._legal_references = {}
    return context._legal_references


def export_reference(context, reference: LegalReference | None) -> str | None:
    """Record that the pack cites `reference` (and what replaced it); its key."""
    if reference is None:
        return None
    found = _exported(context)
    key = key_of(reference)
    if key not in found:
        found[key] = reference
        if reference.replaced_by_id:
            export_reference(context, reference.replaced_by)
    return key


def _document_data(document: LegalDocument) -> dict:
    return {
        "number": document.number,
        "title": document.title,
        "kind": str(document.kind),
        "issued_on": iso(document.issued_on),
        "in_force_from": iso(document.in_force_from),
        "out_of_force_from": iso(document.out_of_force_from),
        "replaced_by": document.replaced_by.number if document.replaced_by else None,
        "source_url": document.source_url,
        "note": document.note,
    }


def export_legal(context) -> dict | None:
    """legal.yaml's data for every reference recorded, or None if none."""
    references = _exported(context)
    if not references:
        return None
    documents: dict[str, LegalDocument] = {}
    pending = [reference.document for reference in references.values()]
    while pending:
        document = pending.pop()
        if document.number in documents:
            continue
        documents[document.number] = document
        if document.replaced_by_id:
            pending.append(document.replaced_by)
    return {
        "documents": [_document_data(documents[n]) for n in sorted(documents)],
        "references": [
            {
                "key": key,
                "document": reference.document.number,
                "article": reference.article,
                "title": reference.title,
                "quote": reference.quote,
                "quote_source": reference.quote_source,
                "replaced_by": (
                    key_of(reference.replaced_by) if reference.replaced_by else None
                ),
            }
            for key, reference in sorted(references.items())
        ],
    }


# -- Import -------------------------------------------------------------------

ENTRY = "legal.yaml"


def _strict(item, keys, where):
    if not isinstance(item, dict):
        raise PackError(ENTRY, _("%(where)s must be a mapping.") % {"where": where})
    unknown = sorted(set(item) - set(keys))
    if unknown:
        raise PackError(
            ENTRY,
            _("%(where)s: unknown key %(key)s.") % {"where": where, "key": unknown[0]},
        )
    for key, value in item.items():
        if key in DATE_KEYS:
            if value is not None and not isinstance(value, datetime.date):
                try:
                    datetime.date.fromisoformat(str(value))
                except ValueError:
                    raise PackError(
                        ENTRY,
                        _("%(where)s: %(key)s is not a date (YYYY-MM-DD).")
                        % {"where": where, "key": key},
                    ) from None
        elif value is not None and not isinstance(value, str):
            raise PackError(
                ENTRY,
                _("%(where)s: %(key)s must be a text.") % {"where": where, "key": key},
            )


def _date(value):
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


class LegalPlan:
    """legal.yaml checked: which documents and references are new on this site."""

    def __init__(self, data):
        data = data or {}
        if not isinstance(data, dict) or set(data) - {"documents", "references"}:
            raise PackError(
                ENTRY, _("legal.yaml holds only `documents` and `references`.")
            )
        self.documents: dict[str, dict] = {}
        self.references: dict[str, dict] = {}
        for index, item in enumerate(data.get("documents") or [], start=1):
            where = _("document %(number)s") % {"number": index}
            _strict(item, DOCUMENT_KEYS, where)
            if not item.get("number") or not item.get("title"):
                raise PackError(
                    ENTRY, _("%(where)s needs a number and a title.") % {"where": where}
                )
            if item.get("kind", "other") not in LegalDocument.Kind.values:
                raise PackError(ENTRY, _("%(where)s: unknown kind.") % {"where": where})
            self.documents[item["number"]] = item
        for index, item in enumerate(data.get("references") or [], start=1):
            where = _("reference %(number)s") % {"number": index}
            _strict(item, REFERENCE_KEYS, where)
            if item.get("document") not in self.documents:
                raise PackError(
                    ENTRY,
                    _("%(where)s cites a document the file does not list.")
                    % {"where": where},
                )
            if not item.get("article"):
                raise PackError(
                    ENTRY, _("%(where)s needs an article.") % {"where": where}
                )
            key = f"{item['document']} Điều {item['article']}"
            if item.get("key") not in (None, key):
                raise PackError(
                    ENTRY,
                    _("%(where)s: its key must be %(key)s.")
                    % {"where": where, "key": key},
                )
            self.references[key] = item
        for number, item in self.documents.items():
            if item.get("replaced_by") and item["replaced_by"] not in self.documents:
                raise PackError(
                    ENTRY,
                    _("Document %(number)s is replaced by a document not listed.")
                    % {"number": number},
                )
        for key, item in self.references.items():
            if item.get("replaced_by") and item["replaced_by"] not in self.references:
                raise PackError(
                    ENTRY,
                    _("Reference %(key)s is replaced by a reference not listed.")
                    % {"key": key},
                )
        self.site_documents = {
            d.number: d for d in LegalDocument.objects.filter(number__in=self.documents)
        }
        self.site_references = {
            key_of(r): r
            for r in LegalReference.objects.filter(document__number__in=self.documents)
        }
        self._made: dict[str, LegalReference] = {}

    def has(self, key: str) -> bool:
        return key in self.references

    def preview(self, items: list) -> None:
        for number, item in self.documents.items():
            existing = self.site_documents.get(number)
            if existing is None:
                action = "new"
            else:
                mine = {k: item.get(k) for k in DOCUMENT_KEYS}
                action = (
                    "unchanged"
                    if _document_data(existing) == _norm(mine)
                    else "differs"
                )
            items.append(("legal-document", number, action))
        for key in self.references:
            existing = self.site_references.get(key)
            items.append(
                ("legal-reference", key, "new" if existing is None else "unchanged")
            )

    def reference(self, key: str) -> LegalReference:
        """The site's reference for `key`, created (with its document) if new.
        Existing documents and references are used as they are."""
        if key in self.site_references:
            return self.site_references[key]
        if key not in self._made:
            item = self.references[key]
            reference = LegalReference.objects.create(
                document=self._document(item["document"]),
                article=str(item["article"]),
                title=item.get("title") or "",
                quote=item.get("quote") or "",
                quote_source=item.get("quote_source") or "",
            )
            self._made[key] = reference
            if item.get("replaced_by"):
                reference.replaced_by = self.reference(item["replaced_by"])
                reference.save(update_fields=["replaced_by"])
        return self._made[key]

    def _document(self, number: str) -> LegalDocument:
        if number not in self.site_documents:
            item = self.documents[number]
            document = LegalDocument.objects.create(
                number=number,
                title=item["title"],
                kind=item.get("kind") or LegalDocument.Kind.OTHER,
                issued_on=_date(item.get("issued_on")),
                in_force_from=_date(item.get("in_force_from")),
                out_of_force_from=_date(item.get("out_of_force_from")),
                source_url=item.get("source_url") or "",
                note=item.get("note") or "",
            )
            self.site_documents[number] = document
            if item.get("replaced_by"):
                document.replaced_by = self._document(item["replaced_by"])
                document.save(update_fields=["replaced_by"])
        return self.site_documents[number]

    def apply(self) -> None:
        """Create every document and reference the file lists."""
        for key in self.references:
            self.reference(key)
        for number in self.documents:
            self._document(number)


def _norm(data: dict) -> dict:
    return {
        key: (
            iso(_date(value))
            if key in DATE_KEYS
            else (value if value is not None or key == "replaced_by" else "")
        )
        for key, value in data.items()
    }


def plan_of(context) -> LegalPlan:
    """The pack's legal.yaml, checked once per import."""
    if not hasattr(context, "_legal_plan"):
        pack = context.pack
        data = pack.yaml(ENTRY) if pack.has(ENTRY) else None
        context._legal_plan = LegalPlan(data)
    return context._legal_plan


def check_reference(context, key, *, referred_from: str) -> None:
    if key is None:
        return
    if not isinstance(key, str) or not plan_of(context).has(key):
        raise PackError(
            referred_from,
            _("The legal reference %(key)s is not listed in legal.yaml.")
            % {"key": key},
        )


def import_reference(context, key, *, referred_from: str) -> LegalReference | None:
    """The site's LegalReference for a key of legal.yaml (created if new;
    None in a dry run when it would be new, or when key is None)."""
    check_reference(context, key, referred_from=referred_from)
    if key is None:
        return None
    plan = plan_of(context)
    if context.dry_run and key not in plan.site_references:
        return None
    return plan.reference(key)
