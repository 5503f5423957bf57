"""Bank questions out to files: Moodle XML (with their pictures and sounds) and GIFT.

The writers (`quizzes.formats`) take the same dataclasses the parsers return;
this module turns a category of the bank into them. Wagtail's rich-text
references to images and documents become Moodle's "@@PLUGINFILE@@/<name>"
references, and the files themselves travel in the question (Moodle XML
`<file encoding="base64">`), so importing the file again, here or in Moodle,
gives back the same questions with their files.

GIFT is plain text and cannot carry a file: a category whose questions show a
picture or link a document is refused in GIFT (naming the questions) rather
than written without them, since a "which flag is this?" question without its
flag cannot be answered. Moodle XML carries them.
"""

import posixpath
import re
from decimal import Decimal
from urllib.parse import quote

from django.utils.html import escape
from django.utils.translation import gettext as _
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from .formats.base import (
    ParsedCategory,
    ParsedChoice,
    ParsedFile,
    ParsedPair,
    ParsedQuestion,
    Problem,
)
from .models import Question, QuestionCategory, QuestionType

EXPORT_FORMATS = ("moodlexml", "gift")

_EMBED = re.compile(r"<embed\b([^>]*?)/?>", re.IGNORECASE)
_DOCUMENT_LINK = re.compile(r"<a\b([^>]*\blinktype=\"document\"[^>]*)>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')


class ExportRefused(Exception):
    """Nothing was written; `problems` say why (the line is 0: a bank has none)."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = problems


class _FileCollector:
    """Replaces Wagtail references by @@PLUGINFILE@@ ones in one question's
    texts and gathers the files they name, each under one unique name."""

    def __init__(self):
        self.files: list[ParsedFile] = []
        self.names: dict[tuple[str, int], str] = {}
        self.unreadable: list[str] = []  # files the media storage no longer has

    def convert(self, html: str) -> str:
        if not html or ("<embed" not in html and "linktype" not in html):
            return html
        return _DOCUMENT_LINK.sub(self._document, _EMBED.sub(self._image, html))

    def _image(self, match: re.Match) -> str:
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        if attributes.get("embedtype") != "image":
            return match.group(0)
        image = get_image_model().objects.filter(pk=attributes.get("id")).first()
        if image is None:
            return ""  # a picture deleted from the library shows nothing here either
        name = self._name("image", image)
        alt = escape(attributes.get("alt", ""))
        return f'<img src="@@PLUGINFILE@@/{quote(name)}" alt="{alt}">'

    def _document(self, match: re.Match) -> str:
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        document = get_document_model().objects.filter(pk=attributes.get("id")).first()
        if document is None:
            return "<a>"
        return f'<a href="@@PLUGINFILE@@/{quote(self._name("document", document))}">'

    def _name(self, kind: str, stored) -> str:
        key = (kind, stored.pk)
        if key in self.names:
            return self.names[key]
        base = posixpath.basename(stored.file.name)
        extension = posixpath.splitext(base)[1].lower()
        # An import names the picture after the file it came in: use that name
        # again when it is one (the storage may have added a suffix to the file).
        title = stored.title.strip()
        name = title if title.lower().endswith(extension) and "/" not in title else base
        taken = set(self.names.values())
        if name in taken:
            stem, ext = posixpath.splitext(name)
            name = f"{stem}-{stored.pk}{ext}"
        self.names[key] = name
        try:
            with stored.file.open("rb") as handle:
                self.files.append(ParsedFile(name=name, data=handle.read()))
        except OSError:
            self.unreadable.append(name)
        return name


def parsed_from_question(question: Question) -> ParsedQuestion:
    """The bank question as the format writers take it."""
    return _parsed(question)[0]


def _parsed(question: Question) -> tuple[ParsedQuestion, list[str]]:
    """The bank question for the writers, and the names of the files its texts
    show that the media storage cannot read."""
    files = _FileCollector()
    convert = files.convert
    choices = [
        ParsedChoice(
            text=convert(choice.text_html) if choice.text_html else choice.text,
            text_format="html" if choice.text_html else "plain",
            fraction=(choice.fraction / Decimal("100")).normalize(),
            feedback=convert(choice.feedback),
            feedback_format="html",  # stored cleaned HTML
        )
        for choice in question.choices.all()
    ]
    parsed = ParsedQuestion(
        qtype=question.qtype,
        text=convert(question.text),
        text_format="html",
        line=0,
        name=question.name,
        idnumber=question.idnumber,
        category=question.category.full_path,
        choices=choices,
        pairs=[
            ParsedPair(
                prompt=convert(pair.prompt_html) if pair.prompt_html else pair.prompt,
                answer=pair.answer,
                prompt_format="html" if pair.prompt_html else "plain",
            )
            for pair in question.pairs.all()
        ],
        correct=question.correct_answer
        if question.qtype == QuestionType.TRUE_FALSE
        else None,
        feedback_true=convert(question.feedback_true),
        feedback_false=convert(question.feedback_false),
        general_feedback=convert(question.general_feedback),
        general_feedback_format="html",
        points=question.points,
        case_sensitive=question.case_sensitive,
        files=files.files,
    )
    return parsed, files.unreadable


def _described(category: QuestionCategory) -> ParsedCategory:
    return ParsedCategory(
        description=category.description,
        description_format="html",
        idnumber=category.idnumber,
    )


def category_export(
    *, category: QuestionCategory, fmt: str, with_subcategories: bool = True
) -> str:
    """`category` and (unless not `with_subcategories`) its sub-categories,
    with their questions, as a file.

    Raises ExportRefused when the format cannot hold them (GIFT: files, and
    "->" where GIFT reads it as a matching arrow).
    """
    from .formats.gift import write_gift
    from .formats.moodlexml import write_moodle_xml

    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"Unknown export format {fmt!r}; use one of {EXPORT_FORMATS}.")
    categories = (
        sorted(category.descendants_and_self(), key=lambda c: c.full_path)
        if with_subcategories
        else [category]
    )
    questions = (
        Question.objects.filter(category__in=categories)
        .select_related("category")
        .prefetch_related("choices", "pairs")
        .order_by("category__full_path", "pk")
    )
    results = [_parsed(question) for question in questions]
    if problems := _unreadable_problems(results):
        raise ExportRefused(problems)
    parsed = sorted(
        (question for question, _unreadable in results),
        key=lambda question: question.category,
    )
    if fmt == "moodlexml":
        return write_moodle_xml(
            parsed, {c.full_path: _described(c) for c in categories}
        )
    problems = _gift_problems(parsed)
    if problems:
        raise ExportRefused(problems)
    return write_gift(parsed)


def _unreadable_problems(results) -> list[Problem]:
    return [
        Problem(
            0,
            _(
                "The question “%(name)s” shows the file “%(file)s”, which the "
                "media storage cannot read any more. Put the file back in the "
                "image or document library, or remove it from the question, "
                "then export again."
            )
            % {"name": question.name or question.text[:60], "file": name},
        )
        for question, unreadable in results
        for name in unreadable
    ]


def _gift_problems(questions: list[ParsedQuestion]) -> list[Problem]:
    problems = []
    for question in questions:
        values = {
            "name": question.name or question.text[:60],
            "files": ", ".join(parsed.name for parsed in question.files),
        }
        if question.files:
            problems.append(
                Problem(
                    0,
                    _(
                        "The question “%(name)s” shows or links files (%(files)s), "
                        "which a GIFT file cannot carry. Export this category as "
                        "Moodle XML, which keeps them."
                    )
                    % values,
                )
            )
        arrows = [pair.prompt for pair in question.pairs if "->" in pair.prompt]
        arrows += [
            choice.text + choice.feedback
            for choice in question.choices
            if question.qtype == QuestionType.SHORT_ANSWER
            and "->" in choice.text + choice.feedback
        ]
        if arrows:
            problems.append(
                Problem(
                    0,
                    _(
                        "The question “%(name)s” has “->” in an answer, which "
                        "GIFT reads as a matching arrow. Export this category "
                        "as Moodle XML."
                    )
                    % values,
                )
            )
    return problems
