"""Turn parsed question files into bank questions, and questions back into files.

Imports are all-or-nothing: a malformed file, or an unsupported question
without `skip_unsupported`, creates nothing.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from lms.html import html_clean, html_to_text

from .formats import parse
from .formats.base import (
    ParsedCategory,
    ParsedChoice,
    ParsedPair,
    ParsedQuestion,
    ParseResult,
    Problem,
)
from .import_files import import_problems, link_files, school_collection, store_files
from .models import Choice, MatchPair, Question, QuestionCategory, QuestionType

FORMATS = ("gift", "aiken", "moodlexml", "xlsx")


class ImportRefused(Exception):
    """Nothing was imported; `problems` say why, each with its line or row."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(f"{p.line}: {p.message}" for p in problems))
        self.problems = problems


@dataclass
class ImportReport:
    questions: list[ParsedQuestion] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    created: int = 0
    categories: list[str] = field(default_factory=list)


def category_for_path(path: str, *, school=None) -> QuestionCategory:
    """Find or create the nested categories of "Top/Sub/Leaf".

    The top category belongs to `school`, or (None) to the Department's
    shared library; sub-categories take their parent's owner.
    """
    parent = None
    for name in [part.strip() for part in path.split("/") if part.strip()]:
        if parent is None:
            parent, _created = QuestionCategory.objects.get_or_create(
                name=name, parent=None, school=school
            )
        else:
            parent, _created = QuestionCategory.objects.get_or_create(
                name=name, parent=parent
            )
    if parent is None:
        raise ValueError("empty category path")
    return parent


def _html(text: str, text_format: str, paragraphs: bool = True) -> str:
    """Rich text from a file: HTML is cleaned (lms.html); plain and markdown text
    is escaped (into <p> paragraphs unless `paragraphs` is false)."""
    if text_format == "html":
        return html_clean(text)
    if text_format == "moodle":
        # Moodle's auto-format: HTML allowed, line breaks of plain text kept.
        from django.utils.html import linebreaks

        has_blocks = "<p" in text.lower() or "<div" in text.lower()
        return html_clean(text if has_blocks else linebreaks(text, autoescape=False))
    from django.utils.html import escape, linebreaks

    return linebreaks(escape(text)) if paragraphs else str(escape(text))


def _text(text: str, text_format: str) -> str:
    """Text shown escaped (choices, matching items): HTML is reduced to its text."""
    return html_to_text(text) if text_format in ("html", "moodle") else text


def _describe(category: QuestionCategory, described: ParsedCategory) -> None:
    """Give `category` the file's description and ID number where it has none:
    what staff wrote in the bank is not overwritten by a later import."""
    changed = []
    if described.description and not category.description:
        category.description = _html(
            described.description, described.description_format
        )
        changed.append("description")
    if described.idnumber and not category.idnumber:
        category.idnumber = described.idnumber[:100]
        changed.append("idnumber")
    if changed:
        category.save(update_fields=changed)


def _choice_html(choice: ParsedChoice, stored: dict) -> str:
    """The formatted answer to show, when the file wrote the answer in HTML
    (a plain answer, or HTML with no tags, is shown from its text)."""
    if choice.text_format not in ("html", "moodle") or "<" not in choice.text:
        return ""
    return link_files(_html(choice.text, choice.text_format, False), stored)


def _create(
    question: ParsedQuestion,
    category: QuestionCategory,
    collection=None,
    ignore_diacritics: bool = False,
) -> Question:
    stored = store_files(question, collection) if question.files else {}
    created = Question.objects.create(
        category=category,
        qtype=question.qtype,
        name=question.name[:255],
        idnumber=question.idnumber[:100],
        text=link_files(_html(question.text, question.text_format), stored),
        points=question.points,
        general_feedback=link_files(
            _html(question.general_feedback, question.general_feedback_format),
            stored,
        )
        if question.general_feedback
        else "",
        correct_answer=question.correct,
        feedback_true=_html(question.feedback_true, question.text_format, False),
        feedback_false=_html(question.feedback_false, question.text_format, False),
        case_sensitive=question.case_sensitive,
        # Unset (the category, then the quiz, decides) unless the import says.
        ignore_diacritics=True
        if ignore_diacritics and question.qtype == QuestionType.SHORT_ANSWER
        else None,
    )
    Choice.objects.bulk_create(
        Choice(
            question=created,
            text=_text(choice.text, choice.text_format),
            text_html=_choice_html(choice, stored),
            fraction=(choice.fraction * 100).quantize(Decimal("0.0001")),
            # bulk_create skips the pre_save clean, so clean here.
            feedback=link_files(
                _html(choice.feedback, choice.feedback_format, False), stored
            ),
            sort_order=index,
        )
        for index, choice in enumerate(question.choices)
    )
    MatchPair.objects.bulk_create(
        MatchPair(
            question=created,
            prompt=_text(pair.prompt, pair.prompt_format),
            answer=pair.answer,
            sort_order=i,
        )
        for i, pair in enumerate(question.pairs)
    )
    return created


def questions_import(
    *,
    data: bytes,
    fmt: str,
    category_path: str = "",
    skip_unsupported: bool = False,
    dry_run: bool = False,
    school=None,
    ignore_diacritics: bool = False,
) -> ImportReport:
    """Parse and (unless `dry_run`) create every question, or none of them.

    With `ignore_diacritics`, the imported short answers ignore Vietnamese
    diacritics whatever their category or quiz says; without it they follow
    their category, then the quiz.

    Categories are found or created under `school` (None: the Department
    library); who may import there is `quizzes.policies.may_act_on_owner`.
    """
    if fmt not in FORMATS:
        raise ImportRefused([Problem(0, _("Unknown format %(fmt)s.") % {"fmt": fmt})])
    result: ParseResult = parse(data, fmt)
    if result.unsupported and not skip_unsupported:
        raise ImportRefused(result.unsupported)
    if problems := import_problems(result.questions):
        raise ImportRefused(problems)
    default_path = category_path or _("Imported")
    report = ImportReport(questions=result.questions, skipped=list(result.unsupported))
    report.categories = sorted({q.category or default_path for q in result.questions})
    if dry_run:
        return report
    with transaction.atomic():
        categories = {
            path: category_for_path(path, school=school) for path in report.categories
        }
        for path, described in result.categories.items():
            _describe(category_for_path(path, school=school), described)
        collection = (
            school_collection(school)
            if any(question.files for question in result.questions)
            else None
        )
        for question in result.questions:
            _create(
                question,
                categories[question.category or default_path],
                collection,
                ignore_diacritics=ignore_diacritics,
            )
            report.created += 1
    return report


def parsed_from_question(question: Question) -> ParsedQuestion:
    """The bank question as the format writers take it (for export)."""
    from django.utils.html import strip_tags

    return ParsedQuestion(
        qtype=question.qtype,
        text=question.text,
        text_format="html",
        line=0,
        name=question.name,
        category=question.category.full_path,
        choices=[
            ParsedChoice(
                text=c.text,
                fraction=c.credit.normalize(),
                feedback=c.feedback,
                feedback_format="html",  # stored cleaned HTML
            )
            for c in question.choices.all()
        ],
        pairs=[
            ParsedPair(prompt=p.prompt, answer=p.answer) for p in question.pairs.all()
        ],
        correct=question.correct_answer
        if question.qtype == QuestionType.TRUE_FALSE
        else None,
        feedback_true=question.feedback_true,
        feedback_false=question.feedback_false,
        general_feedback=strip_tags(question.general_feedback),
        points=question.points,
        case_sensitive=question.case_sensitive,
    )


def category_export(*, category: QuestionCategory, fmt: str) -> str:
    from .formats.gift import write_gift
    from .formats.moodlexml import write_moodle_xml

    questions = (
        Question.objects.filter(category__in=category.descendants_and_self())
        .select_related("category")
        .prefetch_related("choices", "pairs")
        .order_by("category__full_path", "pk")
    )
    parsed = [parsed_from_question(question) for question in questions]
    written = write_gift(parsed) if fmt == "gift" else write_moodle_xml(parsed)
    return written.decode() if isinstance(written, bytes) else written
