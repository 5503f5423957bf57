"""Law that changes: which legal references are no longer in force on a date,
and which content still cites them. The one place for the rule.

A reference is superseded on a date when its document no longer applies
from that date on, or when the article that replaced it applies (its
document is in force, or has no in-force date recorded).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

# "24/2018/QH14", "13/2023/NĐ-CP", "874/QĐ-BTTTT": digits, a slash, then
# letters, digits, slashes and hyphens.
DOCUMENT_NUMBER = re.compile(r"\d+/[0-9A-Za-zĐđ][0-9A-Za-zĐđ/\-]*")
ARTICLE_NUMBER = re.compile(r"\d+[a-z]?")


def today() -> datetime.date:
    """The date the rule applies to when none is given (tests move it)."""
    return timezone.localdate()


def _superseded_q(on: datetime.date, prefix: str = "") -> Q:
    p = prefix
    document_ended = Q(**{f"{p}document__out_of_force_from__lte": on})
    replacement_applies = Q(**{f"{p}replaced_by__isnull": False}) & (
        Q(**{f"{p}replaced_by__document__in_force_from__isnull": True})
        | Q(**{f"{p}replaced_by__document__in_force_from__lte": on})
    )
    return document_ended | replacement_applies


def superseded_on(on: datetime.date | None = None) -> QuerySet:
    """The legal references no longer in force on `on` (default: today)."""
    from .models import LegalReference

    on = on or today()
    return LegalReference.objects.filter(_superseded_q(on)).select_related(
        "document",
        "document__replaced_by",
        "replaced_by",
        "replaced_by__document",
    )


def is_superseded(reference, on: datetime.date | None = None) -> bool:
    return supersession(reference, on) is not None


@dataclass(frozen=True)
class Supersession:
    """Why a reference no longer applies: what replaced it (an article or a
    document; None if nothing did) and from when."""

    replacement: object | None
    since: datetime.date | None
    article: bool  # the article itself was replaced, not the whole document


def supersession(reference, on: datetime.date | None = None) -> Supersession | None:
    """How `reference` stopped applying by `on`, or None if it still applies."""
    on = on or today()
    successor = reference.replaced_by
    if successor is not None:
        starts = successor.document.in_force_from
        if starts is None or starts <= on:
            return Supersession(replacement=successor, since=starts, article=True)
    document = reference.document
    ended = document.out_of_force_from
    if ended is not None and ended <= on:
        return Supersession(
            replacement=document.replaced_by, since=ended, article=False
        )
    return None


# --- Old free-text citations -------------------------------------------------


def parse_document(text: str) -> tuple[str, str] | None:
    """(number, title) from a citation such as "Luật An ninh mạng số
    24/2018/QH14": the first document number in the text; the title is the
    text before " số <number>" when it ends so, else the whole text."""
    found = DOCUMENT_NUMBER.search(text or "")
    if found is None:
        return None
    number = found.group(0).rstrip("/-")
    title = " ".join(text.split())
    tail = re.search(r"\s+(số\s+)?" + re.escape(number) + r"\s*$", title)
    if tail is not None and tail.start() > 0:
        title = title[: tail.start()]
    return number, title[:255]


def parse_article(text: str) -> str | None:
    """ "8" from "Điều 8"."""
    found = ARTICLE_NUMBER.search(text or "")
    return found.group(0) if found else None


def reference_for_text(document: str, article: str, *, create: bool = False):
    """The reference an old free-text citation meant (created if asked)."""
    from .models import LegalDocument, LegalReference

    parsed = parse_document(document)
    number = parse_article(article)
    if parsed is None or number is None:
        return None
    doc_number, title = parsed
    if not create:
        return LegalReference.objects.filter(
            document__number=doc_number, article=number
        ).first()
    doc, _created = LegalDocument.objects.get_or_create(
        number=doc_number, defaults={"title": title}
    )
    reference, _created = LegalReference.objects.get_or_create(
        document=doc, article=number
    )
    return reference


# --- Who cites what ----------------------------------------------------------


@dataclass(frozen=True)
class Citation:
    """A piece of content that cites `reference`: kind is "lesson",
    "question" or "certificate_template"; `where` says how (a block, a tag…)."""

    kind: str
    obj: object
    reference: object
    where: str


def block_reference_ids(stream_data) -> list[int]:
    """Ids of the references a lesson body's legal-article blocks point to,
    from its raw data (works for pages and revisions alike)."""
    found = []
    for block in stream_data or []:
        if block.get("type") != "legal_article":
            continue
        value = block.get("value") or {}
        if isinstance(value.get("reference"), int):
            found.append(value["reference"])
    return found


def raw_stream(stream_value) -> list:
    raw = getattr(stream_value, "raw_data", stream_value)
    return list(raw or [])


def citations_of(
    references: Iterable,
    *,
    lessons: QuerySet | None = None,
    questions: QuerySet | None = None,
    templates: QuerySet | None = None,
) -> list[Citation]:
    """Every lesson (legal-article blocks and legal tags), quiz question
    (legal tags) and certificate template (its text names the document)
    among those given (default: all) that cites one of `references`."""
    from certificates.models import CertificateTemplate
    from quizzes.models import Question

    from .models import LessonPage

    by_id = {reference.pk: reference for reference in references}
    if not by_id:
        return []
    citations: list[Citation] = []

    lessons = LessonPage.objects.all() if lessons is None else lessons
    tagged = dict.fromkeys(
        lessons.filter(legal_references__in=list(by_id)).values_list("pk", flat=True)
    )
    for lesson in lessons.order_by("path").iterator():
        in_blocks = [
            pk for pk in block_reference_ids(raw_stream(lesson.body)) if pk in by_id
        ]
        for pk in dict.fromkeys(in_blocks):
            citations.append(Citation("lesson", lesson, by_id[pk], "block"))
        if lesson.pk in tagged:
            for pk in lesson.legal_references.filter(pk__in=list(by_id)).values_list(
                "pk", flat=True
            ):
                if pk not in in_blocks:
                    citations.append(Citation("lesson", lesson, by_id[pk], "tag"))

    questions = Question.objects.all() if questions is None else questions
    for question in (
        questions.filter(legal_references__in=list(by_id)).distinct().order_by("pk")
    ):
        for pk in question.legal_references.filter(pk__in=list(by_id)).values_list(
            "pk", flat=True
        ):
            citations.append(Citation("question", question, by_id[pk], "tag"))

    templates = CertificateTemplate.objects.all() if templates is None else templates
    numbers: dict[str, list] = {}
    for reference in by_id.values():
        numbers.setdefault(reference.document.number, []).append(reference)
    for number, refs in numbers.items():
        for template in templates.filter(body__icontains=number).order_by("name"):
            citations.append(
                Citation("certificate_template", template, refs[0], "text")
            )
    return citations


def superseded_in_body(stream_data, on: datetime.date | None = None) -> list:
    """The superseded references a lesson body's blocks cite (for the editor)."""
    ids = block_reference_ids(raw_stream(stream_data))
    if not ids:
        return []
    return list(superseded_on(on).filter(pk__in=ids))
